"""The dataset contract: faithful defaults, every failure at once, overrides from future_skills.toml,
the contract recorded with the data, and ``contract infer`` suggestions that make refused data pass."""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from future_skills.cli import main
from future_skills.data.contract import ColumnRange, load_contract, numeric_ranges
from future_skills.data.dataset import read_dataset_csv, write_snapshot
from future_skills.data.infer import infer_section, suggest_rule
from future_skills.data.validation import normalise_dataset, validate_dataset
from future_skills.exceptions import ConfigError, DatasetValidationError
from future_skills.model import training
from future_skills.schema import LABEL, NUMERIC_RANGES
from future_skills.thresholds import load_config
from helpers.model import make_dataset


@pytest.fixture
def frame() -> pd.DataFrame:
    return make_dataset(n_roles=6, n_skills=8, seed=3)  # 144 rows, shares in 0–1


def write_toml(root: Path, text: str) -> None:
    (root / "future_skills.toml").write_text(text, encoding="utf-8")


def test_defaults_are_the_original_systems_scales(project_root):
    rules = {column: rule.describe() for column, rule in numeric_ranges().items()}
    assert rules == {"trend_score": "between 0 and 1", "internal_usage": "between 0 and 1",
                     "training_requests": "0 or more", "scarcity_index": "between 0 and 1",
                     "hiring_difficulty": "between 0 and 1", "avg_salary_k": "more than 0",
                     "economic_indicator": "any finite number"}
    # the original system's log line passes as it is
    original = {"trend_score": 0.85, "internal_usage": 0.72, "training_requests": 15, "scarcity_index": 0.28,
                "hiring_difficulty": 0.6, "avg_salary_k": 52.0, "economic_indicator": 1.8}
    assert not any(numeric_ranges()[c].outside([v])[0] for c, v in original.items())


def test_an_index_based_economic_indicator_trains_with_the_defaults(project_root, frame, tmp_path):
    frame["economic_indicator"] = np.round(100 + np.random.default_rng(0).normal(0, 4, len(frame)), 1)
    path = tmp_path / "index.csv"
    frame.to_csv(path, index=False)
    meta = training.train_model(version="v1", dataset_csv=path, n_estimators=10, test_size=0.25, random_state=0,
                                model_path=tmp_path / "m.pkl", metadata_path=tmp_path / "m.json",
                                split_path=tmp_path / "split.csv")
    assert meta["dataset"]["total_samples"] == len(frame)
    assert meta["dataset"]["contract"]["rules"]["economic_indicator"] == "any finite number"


def test_a_stray_7_5_among_shares_is_refused_with_column_rule_line_and_value(project_root, frame, tmp_path):
    frame["trend_score"] = frame["trend_score"].astype(object)
    frame.loc[40, "trend_score"] = 7.5
    path = tmp_path / "shares.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DatasetValidationError) as err:
        read_dataset_csv(path)
    failure = err.value.failures[0]
    assert (failure.column, failure.rule, failure.failing) == ("trend_score", "between 0 and 1", 1)
    assert failure.examples[0]["line"] == 42 and float(failure.examples[0]["value"]) == 7.5
    message = str(err.value)
    assert message.startswith(f"1 rule of the dataset contract failed in {path}:")
    assert "42" in message and "7.5" in message and "[dataset.ranges] trend_score" in message


def test_five_problems_are_all_reported_at_once(project_root, frame):
    frame = frame.astype({"trend_score": object, "scarcity_index": object})
    frame.loc[7, "trend_score"] = 7.5
    frame.loc[9, "internal_usage"] = None
    frame.loc[11, "scarcity_index"] = "high"
    frame.loc[3, LABEL] = "URGENT"
    frame.loc[20, "training_requests"] = -3
    with pytest.raises(DatasetValidationError) as err:
        validate_dataset(frame, source="five.csv")
    found = {(f.column, f.rule, f.examples[0]["line"]) for f in err.value.failures}
    assert found == {("trend_score", "between 0 and 1", 9), ("internal_usage", "a value in every row", 11),
                     ("scarcity_index", "a number", 13), (LABEL, "one of LOW, MEDIUM, HIGH", 5),
                     ("training_requests", "0 or more", 22)}
    assert str(err.value).startswith("5 rules of the dataset contract failed in five.csv:")


def test_overrides_replace_a_columns_rule_and_are_recorded(project_root, frame):
    write_toml(project_root, "[dataset]\nmin_rows_per_class = 20\n[dataset.ranges]\n"
                             "trend_score = { min = 0, max = 100 }\neconomic_indicator = { min = -10, below = 10 }\n"
                             '[dataset.labels]\nHIGH = ["Élevé", "fort"]\n')
    contract = load_contract()
    assert contract.ranges["trend_score"] == ColumnRange(min=0, max=100)
    assert contract.ranges["economic_indicator"].describe() == "-10 or more and less than 10"
    assert contract.label_spellings == {"ÉLEVÉ": "HIGH", "FORT": "HIGH"}
    recorded = contract.as_dict()
    assert set(recorded["overridden"]) == {"ranges.trend_score", "ranges.economic_indicator", "labels.HIGH",
                                          "min_rows_per_class"}
    assert recorded["config_file"] == str(project_root / "future_skills.toml")
    frame["trend_score"] = frame["trend_score"] * 100
    frame[LABEL] = frame[LABEL].replace({"HIGH": "élevé "})
    with pytest.raises(DatasetValidationError):  # the contract itself knows only the three levels
        validate_dataset(frame, contract=contract)
    tidy, done = normalise_dataset(frame, contract)  # what every reader does first
    assert done["labels_normalised"] == int((frame[LABEL] == "élevé ").sum()) > 0
    assert set(validate_dataset(tidy, contract=contract)[LABEL]) == {"LOW", "MEDIUM", "HIGH"}
    assert NUMERIC_RANGES["trend_score"] == {"min": 0.0, "max": 1.0}  # the defaults are not mutated


@pytest.mark.parametrize("text, message", [
    ("[dataset.ranges]\nsalary = { min = 0 }\n", "unknown key dataset.ranges.salary"),
    ("[dataset.ranges]\ntrend_score = { min = 1, max = 0 }\n", "lower bound 1 above its upper bound 0"),
    ("[dataset.ranges]\ntrend_score = { low = 0 }\n", "unknown key dataset.ranges.trend_score.low"),
    ("[dataset.ranges]\ntrend_score = [0, 1]\n", "must be a table"),
    ("[dataset.ranges]\ntrend_score = { min = 0, above = 0 }\n", "two lower or two upper bounds"),
    ("[dataset.labels]\nURGENT = ['X']\n", "unknown key dataset.labels.URGENT"),
    ("[dataset.labels]\nHIGH = 'X'\n", "must be a list of texts"),
    ("[dataset]\nmin_rows_per_class = 0\n", "whole number of at least 1"),
    ("[dataset]\nmin_classes = 4\n", "at most 3"),
    ("[dataset]\nrows = 4\n", "unknown key dataset.rows"),
])
def test_bad_dataset_sections_are_one_sentence(project_root, text, message):
    write_toml(project_root, text)
    with pytest.raises(ConfigError, match=message):
        load_config()


def test_the_snapshot_records_the_contract_and_keeps_accents(project_root, frame, tmp_path):
    write_toml(project_root, "[dataset.ranges]\neconomic_indicator = { min = -5, max = 5 }\n")
    frame["job_role_name"] = frame["job_role_name"].str.replace("Role", "Développeur·se")
    info = write_snapshot(validate_dataset(frame), tmp_path / "runs" / "v1" / "dataset.csv", source="test")
    sidecar = json.loads((tmp_path / "runs" / "v1" / "dataset.json").read_text(encoding="utf-8"))
    assert sidecar["contract"] == info["contract"] == load_contract().as_dict()
    assert sidecar["contract"]["rules"]["economic_indicator"] == "between -5 and 5"
    assert "Développeur·se 1" in (tmp_path / "runs" / "v1" / "dataset.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("values, column, rule", [
    ([0.1, 0.5, 0.93], "trend_score", {"min": 0.0, "max": 1.0}),
    ([3.0, 55.0, 97.5], "trend_score", {"min": 0.0, "max": 100.0}),
    ([0, 14, 230], "training_requests", {"min": 0.0}),
    ([88.0, 101.5, 115.0], "economic_indicator", {"min": 70.0, "max": 130.0}),
    ([31.0, 120.0], "avg_salary_k", {"above": 0.0, "max": 170.0}),
    ([-4.2, 0.3, 5.9], "economic_indicator", {"min": -10.0, "max": 12.0}),
])
def test_suggested_rules_are_widened_round_numbers(values, column, rule):
    suggested = suggest_rule(pd.Series(values), column)
    assert suggested == rule
    assert not ColumnRange.from_dict(suggested).outside(values).any()


def test_infer_output_pasted_into_the_config_makes_a_refused_dataset_pass(project_root, frame, tmp_path, capsys):
    frame["trend_score"] = (frame["trend_score"] * 100).round(2)  # percentages
    frame["avg_salary_k"] = 0.0 + frame["avg_salary_k"] - 200  # a salary gap, negative by design
    path = tmp_path / "other_org.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DatasetValidationError) as err:
        read_dataset_csv(path)
    assert {f.column for f in err.value.failures} == {"trend_score", "avg_salary_k"}
    assert main(["contract", "infer", "--from", str(path)]) == 0
    suggestion = capsys.readouterr().out
    assert tomllib.loads(suggestion)["dataset"]["ranges"]["trend_score"] == {"min": 0, "max": 100}
    assert suggestion == infer_section(path)
    write_toml(project_root, suggestion)
    assert len(read_dataset_csv(path)) == len(frame)


def test_a_snapshot_is_read_back_under_the_contract_it_was_written_with(project_root, frame, tmp_path):
    from future_skills.data.contract import contract_from_dict
    from future_skills.data.dataset import read_snapshot

    write_toml(project_root, "[dataset.ranges]\ntrend_score = { min = 0, max = 100 }\n")
    frame["trend_score"] = frame["trend_score"] * 100
    target = tmp_path / "runs" / "v1" / "dataset.csv"
    info = write_snapshot(validate_dataset(frame), target)
    assert contract_from_dict(info["contract"]) == load_contract()
    write_toml(project_root, "")  # the rules change afterwards: the snapshot still reads as it was written
    with pytest.raises(DatasetValidationError, match="between 0 and 1"):
        read_dataset_csv(target)
    assert len(read_snapshot(target)) == len(frame)
