"""training.py: pipeline, stratified split, split file, importances and one full training run."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from future_skills.atomic import file_sha256
from future_skills.exceptions import DatasetValidationError, FutureSkillsError, InvalidVersionError
from future_skills.model.families import feature_importances
from future_skills.model.store import load_model
from future_skills.model.training import (
    build_pipeline,
    key_tuples,
    read_split,
    resolve_train_paths,
    split_dataset,
    train_model,
    write_split,
)
from future_skills.schema import CATEGORICAL_FEATURES, FEATURES, KEY_COLUMNS, LABEL, NUMERIC_FEATURES
from helpers.model import make_dataset, write_dataset

DESIGN_KEYS = {
    "model_version", "training_date", "training_duration_seconds", "dataset", "hyperparameters", "metrics",
    "feature_importance_top10", "model_sha256", "run_id", "git_commit", "environment", "reports",
}
DATASET_KEYS = {"csv_path", "sha256", "total_samples", "features_used", "class_distribution",
                "split_path", "period"}
HYPER_KEYS = {"n_estimators", "random_state", "test_size", "class_weight", "model_type", "model_family",
              "model_requested", "model_reason"}


def test_pipeline_uses_the_schema_feature_lists():
    pipeline = build_pipeline(n_estimators=15, random_state=7)
    preprocess, forest = pipeline.named_steps["preprocess"], pipeline.named_steps["model"]
    columns = {name: list(cols) for name, _, cols in preprocess.transformers}
    assert columns == {"categorical": list(CATEGORICAL_FEATURES), "numeric": list(NUMERIC_FEATURES)}
    encoder = preprocess.transformers[0][1]
    assert encoder.handle_unknown == "ignore" and encoder.sparse_output is False
    assert (forest.n_estimators, forest.random_state, forest.class_weight, forest.n_jobs) == (15, 7, "balanced", -1)


def test_split_is_stratified_deterministic_and_disjoint():
    frame = make_dataset(seed=1)
    train, test = split_dataset(frame, 0.25, random_state=5)
    assert len(train) + len(test) == len(frame)
    assert not set(key_tuples(train)) & set(key_tuples(test))
    share = frame[LABEL].value_counts(normalize=True)
    test_share = test[LABEL].value_counts(normalize=True)
    for level in share.index:
        assert test_share[level] == pytest.approx(share[level], abs=0.03)
    again_train, _ = split_dataset(frame, 0.25, random_state=5)
    assert list(again_train.index) == list(train.index)


def test_split_refuses_a_class_with_a_single_row():
    frame = make_dataset(seed=1)
    frame.loc[frame.index[0], LABEL] = "HIGH"
    frame = frame[(frame[LABEL] != "HIGH") | (frame.index == frame.index[0])]
    with pytest.raises(DatasetValidationError, match="fewer than 2 rows"):
        split_dataset(frame, 0.2, 0)


def test_split_file_round_trip_is_deterministic(tmp_path: Path):
    frame = make_dataset(seed=2)
    train, test = split_dataset(frame, 0.2, 0)
    write_split(train, test, tmp_path / "a.csv")
    write_split(train.sample(frac=1, random_state=1), test, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    split = read_split(tmp_path / "a.csv")
    assert list(split.columns) == [*KEY_COLUMNS, "split"]
    assert (split["split"] == "test").sum() == len(test)
    assert set(key_tuples(split[split["split"] == "train"])) == set(key_tuples(train))


def test_read_split_refuses_a_wrong_file(tmp_path: Path):
    (tmp_path / "bad.csv").write_text("job_role_id,skill_id\n1,2\n")
    with pytest.raises(DatasetValidationError, match="not a train/test split"):
        read_split(tmp_path / "bad.csv")
    with pytest.raises(DatasetValidationError, match="cannot be read"):
        read_split(tmp_path / "missing.csv")


def test_feature_importances_have_readable_names():
    frame = make_dataset(seed=4)
    pipeline = build_pipeline(10, 0).fit(frame[list(FEATURES)], frame[LABEL])
    top, by_feature, method = feature_importances(pipeline, top=10)
    assert method.startswith("impurity")
    assert len(top) == 10 and list(top.values()) == sorted(top.values(), reverse=True)
    assert all("=" in name or name in NUMERIC_FEATURES for name in top)
    assert set(by_feature) == set(FEATURES)
    assert sum(by_feature.values()) == pytest.approx(1.0, abs=1e-4)
    assert max(by_feature, key=by_feature.get) in ("trend_score", "scarcity_index")  # the rule's features


def test_resolve_train_paths_defaults(project_root: Path):
    resolved = resolve_train_paths("v3")
    assert resolved["dataset_csv"] == project_root / "runs" / "v3" / "dataset.csv"
    assert resolved["model_path"] == project_root / "runs" / "v3" / "model" / "future_skills_model_v3.pkl"
    assert resolved["metadata_path"].name == "future_skills_model_v3.json"
    assert resolved["split_csv"] == project_root / "runs" / "v3" / "split.csv"
    assert resolve_train_paths("v3", model_path="/x/m.pkl")["model_path"] == Path("/x/m.pkl")


def _train(root: Path, **overrides):
    run = root / "runs" / "v1"
    csv = write_dataset(make_dataset(seed=0), run / "dataset.csv")
    args = dict(version="v1", dataset_csv=csv, n_estimators=15, test_size=0.2, random_state=42,
                model_path=run / "model" / "m.pkl", metadata_path=run / "model" / "m.json",
                split_path=run / "split.csv", run_id="run-1")
    args.update(overrides)
    return args, train_model(**args)


def test_train_model_writes_every_design_key(project_root: Path):
    args, meta = _train(project_root)
    assert DESIGN_KEYS <= meta.keys()
    assert DATASET_KEYS <= meta["dataset"].keys() and HYPER_KEYS <= meta["hyperparameters"].keys()
    assert {"index", "export", "train", "evaluate", "drift"} <= meta["reports"].keys()
    assert meta["dataset"]["csv_path"] == "runs/v1/dataset.csv"  # relative to the project root
    assert meta["dataset"]["sha256"] == file_sha256(args["dataset_csv"])
    assert meta["dataset"]["total_samples"] == 240
    assert sum(meta["dataset"]["class_distribution"].values()) == 240
    assert meta["dataset"]["period"] == {"start": "2024-01-01", "end": "2024-07-01"}
    assert meta["dataset"]["features_used"] == list(FEATURES)
    assert meta["hyperparameters"]["n_estimators"] == 15 and meta["hyperparameters"]["class_weight"] == "balanced"
    assert meta["hyperparameters"]["model_family"] == "rf" and meta["hyperparameters"]["model_requested"] == "auto"
    assert "below 50,000" in meta["hyperparameters"]["model_reason"]
    assert meta["metrics"]["accuracy"] > 0.6 and set(meta["metrics"]["per_class"]) == {"LOW", "MEDIUM", "HIGH"}
    assert sum(c["support"] for c in meta["metrics"]["per_class"].values()) == meta["dataset"]["test_samples"] == 48
    assert len(meta["feature_importance_top10"]) == 10 and len(meta["feature_importance_by_feature"]) == 11
    assert meta["run_id"] == "run-1" and meta["git_commit"] and "packages" in meta["environment"]
    assert meta["training_duration_seconds"] > 0
    on_disk = json.loads(Path(args["metadata_path"]).read_text())
    assert on_disk == json.loads(json.dumps(meta))
    assert meta["model_sha256"] == file_sha256(args["model_path"])
    assert load_model(args["model_path"], meta["model_sha256"]) is not None
    assert len(read_split(args["split_path"])) == 240


def test_train_model_leaves_nothing_when_it_fails(project_root: Path, monkeypatch):
    import future_skills.model.training as training

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(training, "atomic_write_json", broken)  # fails after split and model were written
    with pytest.raises(OSError):
        _train(project_root)
    assert sorted(p.name for p in (project_root / "runs" / "v1").rglob("*") if p.is_file()) == ["dataset.csv"]


def test_train_model_refuses_bad_arguments_before_writing(project_root: Path):
    with pytest.raises(InvalidVersionError):
        _train(project_root, version="2")
    with pytest.raises(FutureSkillsError, match="n_estimators"):
        _train(project_root, n_estimators=0)
    with pytest.raises(FutureSkillsError, match="test_size"):
        _train(project_root, test_size=1.5)
    with pytest.raises(FutureSkillsError, match="--model must be one of rf, hgb, auto"):
        _train(project_root, model="xgboost")
    assert not (project_root / "runs" / "v1" / "model").exists()


def test_train_model_hgb_records_family_parameters_and_permutation_importances(project_root: Path):
    args, meta = _train(project_root, model="hgb")
    params = meta["hyperparameters"]
    assert params["model_family"] == "hgb" and params["model_type"] == "HistGradientBoostingClassifier"
    assert params["model_reason"] == "--model hgb was asked for" and params["n_estimators"] is None
    assert params["max_iter"] >= params["n_iter_fitted"] >= 1 and "target encoding" in params["categorical_encoding"]
    assert meta["feature_importance_method"].startswith("permutation")
    assert set(meta["feature_importance_by_feature"]) == set(FEATURES)
    assert meta["metrics"]["accuracy"] > 0.6
    model = load_model(args["model_path"], meta["model_sha256"])
    assert type(model.named_steps["model"]).__name__ == "HistGradientBoostingClassifier"
