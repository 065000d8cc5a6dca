"""evaluation.py: same unseen rows for both models, overlap excluded, validation sample, metadata."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import future_skills.model.evaluation as evaluation
from future_skills.exceptions import ModelIntegrityError, ModelNotFoundError
from future_skills.model.store import load_model
from future_skills.model.training import key_tuples, read_split, resolve_train_paths, train_model
from future_skills.paths import get_paths, relative_to_root
from future_skills.registry.store import Registry
from future_skills.reporting import evaluate_view
from future_skills.schema import LABEL, LEVELS
from helpers.model import make_dataset, snapshot_dates, write_dataset

DATES = snapshot_dates(4)


def old_rows() -> pd.DataFrame:
    return make_dataset(n_roles=10, n_skills=12, dates=DATES[:3], seed=0)


def new_rows(seed: int = 1) -> pd.DataFrame:
    return make_dataset(n_roles=10, n_skills=12, dates=DATES[3:], seed=seed)


def train(version: str, frame: pd.DataFrame, **files) -> dict:
    resolved = resolve_train_paths(version, **files)
    write_dataset(frame, resolved["dataset_csv"])
    return train_model(version=version, dataset_csv=resolved["dataset_csv"], n_estimators=15, test_size=0.2,
                       random_state=3, model_path=resolved["model_path"],
                       metadata_path=resolved["metadata_path"], split_path=resolved["split_csv"])


@pytest.fixture
def production(project_root: Path) -> dict:
    """v1 trained on the old rows and registered as production (model published in models/)."""
    paths = get_paths()
    meta = train("v1", old_rows(), model_path=paths.model_path("v1"), metadata_path=paths.metadata_path("v1"))
    Registry(paths).register({
        "version": "v1", "status": "production",
        "model_path": relative_to_root(paths.model_path("v1"), paths.root),
        "metadata_path": relative_to_root(paths.metadata_path("v1"), paths.root),
        "model_sha256": meta["model_sha256"], "metrics": {k: meta["metrics"][k] for k in ("accuracy", "f1_weighted")},
    })
    return meta


@pytest.fixture
def candidate(production: dict) -> dict:
    """v2 trained on the old rows plus one new snapshot: its test rows overlap v1's training rows."""
    return train("v2", pd.concat([old_rows(), new_rows()], ignore_index=True))


def record_predictions(monkeypatch) -> list[tuple[int, list]]:
    """Record (model id, row keys) of every prediction evaluation.py makes."""
    calls: list[tuple[int, list]] = []
    for name in ("_predict", "_predict_with_confidence"):  # production's levels; the candidate's with probabilities
        def spy(model, frame, real=getattr(evaluation, name)):
            calls.append((id(model), key_tuples(frame)))
            return real(model, frame)

        monkeypatch.setattr(evaluation, name, spy)
    return calls


def test_the_candidates_levels_and_confidence_come_from_one_pass_and_match_its_own_predict(candidate: dict):
    files = resolve_train_paths("v2")
    model = load_model(files["model_path"], candidate["model_sha256"])
    rows = pd.read_csv(files["dataset_csv"]).head(200)
    levels, confidence = evaluation._predict_with_confidence(model, rows)
    features = rows[list(model.feature_names_in_)]
    assert levels == [str(level) for level in model.predict(features)]
    assert np.array_equal(confidence, model.predict_proba(features).max(axis=1))


def test_both_models_are_scored_on_the_same_unseen_rows(candidate: dict, monkeypatch):
    paths = get_paths()
    calls = record_predictions(monkeypatch)
    result = evaluation.evaluate_candidate(version="v2")
    v1_split, v2_split = read_split(paths.split_csv("v1")), read_split(paths.split_csv("v2"))
    v1_train = set(key_tuples(v1_split[v1_split["split"] == "train"]))
    v2_test = set(key_tuples(v2_split[v2_split["split"] == "test"]))
    v2_train = set(key_tuples(v2_split[v2_split["split"] == "train"]))
    expected_excluded = len(v2_test & v1_train)
    assert result["production_version"] == "v1"
    assert result["test_rows"] == len(v2_test) == 96
    assert result["excluded_overlap"] == expected_excluded > 0
    assert result["rows_compared"] == len(v2_test) - expected_excluded
    assert len(calls) == 2 and calls[0][0] != calls[1][0]
    assert calls[0][1] == calls[1][1]  # the very same rows, in the same order
    scored = set(calls[0][1])
    assert scored == v2_test - v1_train and not scored & v2_train
    for key in ("candidate", "production"):
        assert sum(c["support"] for c in result[key]["per_class"].values()) == result["rows_compared"]
    assert list(result["confusion_candidate"].index) == list(LEVELS)
    assert int(result["confusion_production"].to_numpy().sum()) == result["rows_compared"]


def test_gate_and_evaluation_are_written_into_the_metadata(candidate: dict):
    result = evaluation.evaluate_candidate(version="v2")
    meta = json.loads(get_paths().staged_metadata("v2").read_text())
    assert meta["gate"] == json.loads(json.dumps(result["gate"]))
    assert meta["model_sha256"] == candidate["model_sha256"]  # the rest is untouched
    ev = meta["evaluation"]
    assert {"production_version", "rows_compared", "excluded_overlap", "candidate", "production",
            "validation"} <= ev.keys()
    assert ev["production_version"] == "v1" and ev["validation"] is None
    ids = [c["id"] for c in meta["gate"]["criteria"]]
    assert ids == ["no_regression", "min_class_precision", "validation_sample", "approval"]
    assert {"Candidate v2", "Production v1", "Difference"} == set(evaluate_view.comparison(result).columns)
    assert len(evaluate_view.criteria_frame(result["gate"])) == 4
    assert len(evaluate_view.targets_frame(result["gate"])) == 5


def test_without_production_the_whole_test_split_is_scored(candidate: dict, monkeypatch):
    calls = record_predictions(monkeypatch)
    result = evaluation.evaluate_candidate(version="v2", production_version=None)
    assert result["production_version"] is None and result["production"] is None
    assert result["excluded_overlap"] == 0 and result["rows_compared"] == result["test_rows"]
    assert len(calls) == 1
    no_reg = result["gate"]["criteria"][0]
    assert no_reg["passed"] is True and "No model is in production" in no_reg["detail"]


def test_empty_registry_means_no_comparison(project_root: Path):
    train("v1", old_rows())
    result = evaluation.evaluate_candidate(version="v1", production_version="auto")
    assert result["production_version"] is None and result["rows_compared"] == result["test_rows"] == 72


def test_validation_sample_lists_disagreements_with_hr(candidate: dict, tmp_path: Path):
    paths = get_paths()
    sample = new_rows(seed=9).head(20).copy()
    cand_model = load_model(paths.staged_model("v2"), candidate["model_sha256"])
    predicted = [str(p) for p in cand_model.predict(sample)]
    flipped = [next(level for level in LEVELS if level != p) for p in predicted[:5]]
    sample[LABEL] = flipped + predicted[5:]
    csv = write_dataset(sample, tmp_path / "validation.csv")
    result = evaluation.evaluate_candidate(version="v2", validation_csv=str(csv))
    validation = result["validation"]
    assert validation["rows"] == 20 and validation["candidate_accuracy"] == pytest.approx(15 / 20)
    assert validation["production_accuracy"] is not None
    prod_model = load_model(paths.model_path("v1"), None)
    prod_pred = [str(p) for p in prod_model.predict(sample)]
    wrong = [i for i in range(20) if predicted[i] != sample[LABEL].iloc[i] or prod_pred[i] != sample[LABEL].iloc[i]]
    table = result["disagreements"]
    assert len(table) == validation["disagreements_count"] == len(wrong)
    assert set(key_tuples(sample.iloc[:5])) <= set(key_tuples(table))
    assert {"hr_label", "candidate_prediction", "production_prediction", "skill_name"} <= set(table.columns)
    first = table.iloc[0]
    assert first["hr_label"] == flipped[0] and first["candidate_prediction"] == predicted[0]
    assert validation["disagreements"][0]["job_role_id"] == int(sample["job_role_id"].iloc[0])
    readable = evaluate_view.disagreements_table(result)
    assert {"HR level", "Candidate v2", "Production v1", "Skill"} <= set(readable.columns)
    assert len(readable) == len(table)
    vs = result["gate"]["criteria"][2]
    assert vs["values"]["provided"] is True and "20 HR-labelled rows" in vs["detail"]


def test_no_unseen_rows_left_fails_criterion_one(candidate: dict):
    paths = get_paths()
    v2_split = read_split(paths.split_csv("v2"))
    v2_split.assign(split="train").to_csv(paths.split_csv("v1"), index=False)  # production "saw" every row
    result = evaluation.evaluate_candidate(version="v2")
    assert result["rows_compared"] == 0 and result["excluded_overlap"] == result["test_rows"]
    assert result["production"] is None
    no_reg = result["gate"]["criteria"][0]
    assert no_reg["passed"] is False and "Only 0" in no_reg["detail"] and result["gate"]["passed"] is False


def test_missing_production_split_is_a_clear_error(candidate: dict):
    get_paths().split_csv("v1").unlink()
    with pytest.raises(ModelNotFoundError, match="training split of production version v1"):
        evaluation.evaluate_candidate(version="v2")


def test_tampered_production_model_is_refused(candidate: dict):
    with open(get_paths().model_path("v1"), "ab") as handle:
        handle.write(b"x")
    with pytest.raises(ModelIntegrityError, match="does not match the sha256"):
        evaluation.evaluate_candidate(version="v2")


def test_missing_candidate_metadata_is_a_clear_error(project_root: Path):
    with pytest.raises(ModelNotFoundError, match="run the training notebook"):
        evaluation.evaluate_candidate(version="v5", production_version=None)
