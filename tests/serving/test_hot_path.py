"""serving.hot_path: a few complete records answer exactly as the general path does, logged the same way."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config

from future_skills.model.compiled import FOREST_WALK_MAX_ROWS, compile_pipeline
from future_skills.schema import CATEGORICAL_FEATURES, FEATURES, ID_COLUMNS, NUMERIC_FEATURES
from future_skills.serving import hot_path
from future_skills.serving import predict as serving
from future_skills.settings import load_settings
from helpers.monitoring import install_model, pairs


@pytest.fixture(autouse=True)
def fresh_state(project_root):
    serving.clear_cache()
    yield project_root
    serving.clear_cache()


def records(n: int) -> list[dict]:
    frame = pairs(n)
    out = []
    for row in frame.to_dict("records"):
        record = {name: int(row[name]) for name in ID_COLUMNS}
        record.update({name: str(row[name]) for name in CATEGORICAL_FEATURES})
        record.update({name: float(row[name]) for name in NUMERIC_FEATURES})
        out.append(record)
    return out


def test_hot_path_equals_the_general_path_and_logs_the_same_lines(monkeypatch):
    install_model("v1")
    given = records(7)
    given[0]["job_role_name"] = "a role never seen in training"
    fast = serving.predict(given, log=True, timestamp="2026-01-05T10:00:00")
    log = load_settings().monitoring_log
    fast_lines = log.read_text().splitlines()
    log.unlink()
    monkeypatch.setattr(hot_path, "FAST_MAX_ROWS", 0)  # force the general path
    general = serving.predict(given, log=True, timestamp="2026-01-05T10:00:00")
    pd.testing.assert_frame_equal(fast, general, check_dtype=False)
    assert [json.loads(line) for line in fast_lines] == [json.loads(line) for line in log.read_text().splitlines()]
    assert len(fast_lines) == 7


def test_a_small_frame_takes_the_hot_path_and_answers_as_the_general_one(monkeypatch):
    install_model("v1")
    given = pd.DataFrame(records(12), index=range(100, 112))  # the general path also answers 0..n-1
    given["comment"] = "an extra column, ignored"
    calls = []
    real = serving.prepare_pairs
    monkeypatch.setattr(serving, "prepare_pairs", lambda *a, **k: calls.append(1) or real(*a, **k))
    fast = serving.predict(given, log=True, timestamp="2026-01-05T10:00:00")
    assert calls == []  # not through the general path
    log = load_settings().monitoring_log
    fast_lines = log.read_text().splitlines()
    log.unlink()
    monkeypatch.setattr(hot_path, "FAST_MAX_ROWS", 0)  # force the general path
    general = serving.predict(given, log=True, timestamp="2026-01-05T10:00:00")
    assert calls == [1]
    pd.testing.assert_frame_equal(fast, general)  # values, dtypes and index
    assert fast_lines == log.read_text().splitlines()


def test_hot_path_is_taken_for_complete_records_only(monkeypatch):
    install_model("v1")
    calls = []
    monkeypatch.setattr(serving, "prepare_frame", lambda payload: calls.append(1) or pytest.fail("general path"))
    assert len(serving.predict(records(1)[0], log=False)) == 1  # one dict
    assert calls == []
    incomplete = records(1)[0]
    del incomplete["skill_name"]  # names to look up: the general path's job
    assert hot_path.plain_records(incomplete) is None
    assert hot_path.plain_records([{**records(1)[0], "trend_score": float("nan")}]) is None
    assert hot_path.plain_records([{**records(1)[0], "skill_id": True}]) is None
    assert hot_path.plain_records(pd.DataFrame(records(2))) == records(2)  # a small frame, read as records
    assert hot_path.plain_records(pd.DataFrame(records(2)).assign(skill_id=[1.0, 2.5])) is None  # not whole IDs
    assert hot_path.plain_records(records(hot_path.FAST_MAX_ROWS + 1)) is None
    assert hot_path.plain_records(pd.DataFrame(records(hot_path.FAST_MAX_ROWS + 1))) is None


@pytest.mark.parametrize(("family", "engine"), [("rf", "ML (RandomForest)"), ("hgb", "ML (GradientBoosting)")])
def test_the_engine_names_the_model_family_in_answers_log_and_status(family, engine, monkeypatch):
    """A gradient-boosted model's answers and log lines say so (they said RandomForest): the audit trail is true."""
    install_model("v1", family=family)
    assert serving.engine_status()["engine"] == engine
    log = load_settings().monitoring_log
    for fast_max_rows in (hot_path.FAST_MAX_ROWS, 0):  # the hot path, then the general one
        monkeypatch.setattr(hot_path, "FAST_MAX_ROWS", fast_max_rows)
        log.unlink(missing_ok=True)
        assert serving.predict(records(3), log=True)["engine"].tolist() == [engine] * 3
        assert [json.loads(line)["engine"] for line in log.read_text().splitlines()] == [engine] * 3


def test_no_model_means_general_path_with_rules():
    result = serving.predict(records(2), log=False)
    assert set(result["engine"]) == {"rules"}


@pytest.mark.parametrize("family", ["rf", "hgb"])
def test_compiled_pipeline_reproduces_predict_proba(family):
    from future_skills.model.families import build_family
    from future_skills.schema import LABEL
    from helpers.model import make_dataset

    frame = make_dataset(n_roles=10, n_skills=12, seed=5)
    pipeline = build_family(family, 20, 0, len(frame)).fit(frame[list(FEATURES)], frame[LABEL])
    compiled = compile_pipeline(pipeline)
    assert compiled is not None
    sample = pd.concat([frame.head(40), frame.head(3).assign(skill_name="unknown skill")])
    names = sample[list(CATEGORICAL_FEATURES)].to_numpy().tolist()
    expected = pipeline.predict_proba(sample[list(FEATURES)])
    got = compiled.predict_proba(names, sample[list(NUMERIC_FEATURES)].to_numpy(float))
    assert np.abs(got - expected).max() < 1e-9
    X = compiled.encode(names, sample[list(NUMERIC_FEATURES)].to_numpy(float))
    for rows in (1, FOREST_WALK_MAX_ROWS, FOREST_WALK_MAX_ROWS + 1, len(X)):  # each evaluator proba_encoded picks
        assert np.abs(compiled.proba_encoded(X[:rows]) - expected[:rows]).max() < 1e-9
    if family == "rf":  # the trees one by one: scikit-learn's own sums, in its order, bit for bit
        with parallel_config(n_jobs=1):
            np.testing.assert_array_equal(compiled.tree_by_tree_proba(X), pipeline.predict_proba(sample[list(FEATURES)]))


def test_a_pipeline_the_compiler_cannot_reproduce_is_not_compiled():
    from sklearn.linear_model import LogisticRegression

    from future_skills.model.families import build_rf
    from future_skills.schema import LABEL
    from helpers.model import make_dataset

    frame = make_dataset(seed=5)
    pipeline = build_rf(5, 0)
    pipeline.steps[-1] = ("model", LogisticRegression(max_iter=50))
    pipeline.fit(frame[list(FEATURES)], frame[LABEL])
    assert compile_pipeline(pipeline) is None


def test_hot_path_follows_a_changed_contract(project_root):
    from future_skills.exceptions import FutureSkillsError

    install_model("v1")
    record = {**records(1)[0], "trend_score": 0.9}
    assert len(serving.predict(record, log=False)) == 1  # within the default 0-1
    (project_root / "future_skills.toml").write_text("[dataset.ranges]\ntrend_score = { min = 0, max = 0.5 }\n",
                                                      encoding="utf-8")
    assert hot_path.predict_records(record, False, None) is None  # the cached rules were re-read
    with pytest.raises(FutureSkillsError, match="trend_score"):
        serving.predict(record, log=False)
