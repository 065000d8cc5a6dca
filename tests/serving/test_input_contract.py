"""Serving checks its inputs with the dataset contract: invalid pairs are refused with what is wrong,
or (on request) scored by the rules engine with a warning saying how many; nothing garbage is scored."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from future_skills.cli import main
from future_skills.exceptions import FutureSkillsError
from future_skills.model.scoring import ML_ENGINES
from future_skills.serving.predict import InvalidPairsWarning, predict
from helpers.monitoring import pairs


def broken_pairs():
    frame = pairs(6).astype({"trend_score": object})
    frame.loc[1, "trend_score"] = 7.5  # a share above 1
    frame.loc[3, "internal_usage"] = np.nan
    frame.loc[4, "trend_score"] = "high"
    return frame


def _log_lines(root: Path) -> list[dict]:
    log = root / "logs" / "predictions_monitoring.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_invalid_pairs_are_refused_with_column_rule_row_and_value(serving_project):
    with pytest.raises(FutureSkillsError) as err:
        predict(broken_pairs(), log=True)
    message = str(err.value)
    assert message.startswith("3 of 6 pairs break the input contract")
    assert "trend_score between 0 and 1 (rows 1: 7.5)" in message
    assert "internal_usage a value in every row (rows 3: empty)" in message
    assert "trend_score a number (rows 4: high)" in message and "--on-invalid rules" in message
    assert _log_lines(serving_project) == []  # nothing was scored, nothing logged


def test_on_invalid_rules_scores_the_invalid_pairs_with_the_rules_engine(serving_project):
    with pytest.warns(InvalidPairsWarning, match="3 of 6 pairs .* the rules engine scored those 3 pair"):
        result = predict(broken_pairs(), log=True, on_invalid="rules")
    assert result["engine"].tolist() == [ML_ENGINES["rf"], "rules", ML_ENGINES["rf"], "rules", "rules", ML_ENGINES["rf"]]
    assert result["job_role_id"].tolist() == pairs(6)["job_role_id"].tolist()  # input order kept
    assert result.loc[[0, 2, 5], "model_version"].eq("ml_random_forest_v1").all()
    logged = _log_lines(serving_project)
    assert [line["engine"] for line in logged] == result["engine"].tolist()


def test_a_missing_feature_column_makes_every_pair_invalid(serving_project):
    with pytest.raises(FutureSkillsError, match="2 of 2 pairs .* avg_salary_k is missing"):
        predict(pairs(2).drop(columns=["avg_salary_k"]), log=False)
    with pytest.warns(InvalidPairsWarning):
        result = predict(pairs(2).drop(columns=["avg_salary_k"]), log=False, on_invalid="rules")
    assert set(result["engine"]) == {"rules"}


def test_valid_pairs_are_scored_as_before_and_bad_ids_are_never_scored(serving_project):
    assert set(predict(pairs(4), log=False)["engine"]) == {ML_ENGINES["rf"]}
    frame = pairs(2)
    frame.loc[0, "job_role_id"] = -1
    with pytest.raises(FutureSkillsError, match="job_role_id a whole number above 0"):
        predict(frame, log=False, on_invalid="rules")
    with pytest.raises(FutureSkillsError, match="on_invalid must be one of refuse, rules"):
        predict(pairs(1), log=False, on_invalid="skip")


def test_predict_cli_on_invalid(serving_project, tmp_path, capsys):
    source = tmp_path / "pairs.csv"
    broken_pairs().to_csv(source, index=False)
    assert main(["predict", "--input", str(source)]) == 2
    assert "3 of 6 pairs break the input contract" in capsys.readouterr().err
    output = tmp_path / "out.csv"
    assert main(["predict", "--input", str(source), "--output", str(output), "--on-invalid", "rules"]) == 0
    err = capsys.readouterr().err
    assert "the rules engine scored those 3 pair(s)" in err
    assert output.read_text().count(",rules,rules_v1") == 3
