"""Large batches: the compiled encoder feeding the fitted model, and column-wise log lines, change nothing.

The reference is the slow path the fast one replaced: the whole scikit-learn pipeline's
``predict_proba`` on the DataFrame (no compiled model) and one ``json.dumps`` per log line
(:func:`log_writer.format_lines`). Both must give the same result frame, bit for bit, and the same
log bytes, on a batch with unknown names and enough rows to score on threads.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from future_skills.model.scoring import PARALLEL_MIN_ROWS
from future_skills.monitoring import log_writer
from future_skills.schema import NUMERIC_FEATURES, PROBABILITY_COLUMNS
from future_skills.serving import hot_path
from future_skills.serving import predict as serving
from future_skills.settings import load_settings
from helpers.monitoring import install_model, pairs


@pytest.fixture(autouse=True)
def fresh_state(project_root):
    serving.clear_cache()
    yield project_root
    serving.clear_cache()


def big_batch(rows: int) -> pd.DataFrame:
    """``rows`` pairs drawn from the synthetic ones, numbers jittered, a few names never seen in training."""
    rng = np.random.default_rng(3)
    frame = pairs(240).sample(n=rows, replace=True, random_state=3).reset_index(drop=True)
    for name in ("trend_score", "internal_usage", "scarcity_index", "hiring_difficulty"):
        frame[name] = np.clip(frame[name] + rng.normal(0, 0.05, rows), 0, 1).round(3)
    frame.loc[::97, "job_role_name"] = "a role never seen in training"
    frame.loc[5::89, "skill_name"] = "a skill never seen in training"
    return frame


def score_and_log(batch: pd.DataFrame) -> tuple[pd.DataFrame, bytes]:
    log = load_settings().monitoring_log
    log.unlink(missing_ok=True)
    result = serving.predict(batch, log=True, timestamp="2026-02-03T04:05:06")
    return result, log.read_bytes()


@pytest.mark.parametrize("rows", [150, 300, PARALLEL_MIN_ROWS + 500])
@pytest.mark.parametrize("family", ["rf", "hgb"])
def test_fast_batch_path_equals_the_slow_reference(family, rows, monkeypatch):
    """On threads (many rows) and below: hgb's node tables (150 rows) or its own scoring (300), the forest tree by
    tree (150 and 300 rows)."""
    install_model("v1", family=family)
    batch = big_batch(rows)
    fast, fast_log = score_and_log(batch)
    assert hot_path.COMPILED_CACHE and all(c is not None for c in hot_path.COMPILED_CACHE.values())

    monkeypatch.setattr(hot_path, "compiled_model", lambda model: None)  # the whole pipeline scores
    monkeypatch.setattr(log_writer, "format_columns",  # one json.dumps per line
                        lambda columns: log_writer.format_lines(pd.DataFrame(columns).to_dict("records")))
    slow, slow_log = score_and_log(batch)

    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert fast_log == slow_log
    assert fast_log.count(b"\n") == len(batch)
    engine = {"rf": "ML (RandomForest)", "hgb": "ML (GradientBoosting)"}[family]
    assert set(fast["engine"]) == {engine} and fast[list(PROBABILITY_COLUMNS)].notna().all().all()
    assert fast_log.count(f'"engine": "{engine}"'.encode()) == len(batch)


def test_encode_frame_equals_the_pipeline_transform():
    from future_skills.model.compiled import compile_pipeline

    install_model("v1", family="hgb")
    model, _ = serving.active_model()
    batch = big_batch(300)
    frame = serving.prepare_frame(batch)
    compiled = compile_pipeline(model)
    expected = model.named_steps["preprocess"].transform(frame[list(model.feature_names_in_)])
    np.testing.assert_array_equal(compiled.encode_frame(frame), expected)
    assert (compiled.encode_frame(frame)[:, -len(NUMERIC_FEATURES):] == frame[list(NUMERIC_FEATURES)].to_numpy()).all()
