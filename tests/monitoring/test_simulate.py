"""Simulated traffic: argument checks, feature shift, and the whole chain on the demo database."""
from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from future_skills.exceptions import FutureSkillsError
from future_skills.monitoring.simulate import day_timestamps, latest_pairs, shift_features, simulate_traffic
from future_skills.schema import FEATURES, LABEL, NUMERIC_FEATURES, NUMERIC_RANGES
from future_skills.serving.predict import predict


@pytest.mark.parametrize("kwargs, word", [({"days": 0}, "days"), ({"rows_per_day": -1}, "rows_per_day"),
                                          ({"days": 2.5}, "days"), ({"drift": 1.5}, "drift"),
                                          ({"drift": -0.1}, "drift"), ({"decision_share": 2}, "decision_share"),
                                          ({"drift": "a lot"}, "drift")])
def test_bad_arguments_are_refused_before_any_work(kwargs, word, project_root):
    with pytest.raises(FutureSkillsError, match=word):
        simulate_traffic(predict=predict, **kwargs)


def test_latest_pairs_keeps_the_newest_row_of_each_pair():
    frame = pd.DataFrame({"job_role_id": [1, 1, 2], "skill_id": [1, 1, 1],
                          "snapshot_date": ["2025-07-01", "2025-10-01", "2025-04-01"], "trend_score": [1, 2, 3]})
    assert latest_pairs(frame)["trend_score"].tolist() == [2, 3]


def test_shift_grows_with_drift_and_stays_in_range():
    rng = np.random.default_rng(0)
    batch = pd.DataFrame({name: rng.uniform(20, 80, 2000) for name in NUMERIC_FEATURES})
    shares = [name for name, rule in NUMERIC_RANGES.items() if rule.get("max") == 1.0]
    batch[shares] = batch[shares] / 100  # shares in 0–1, as the contract says
    stds = batch.std()
    none = shift_features(batch, 0.0, stds, np.random.default_rng(1), set())
    full = shift_features(batch, 1.0, stds, np.random.default_rng(1), {"training_requests"})
    for name in NUMERIC_FEATURES:
        assert abs(none[name].mean() - batch[name].mean()) < 0.05 * stds[name]
    assert full["trend_score"].mean() > batch["trend_score"].mean() + stds["trend_score"]  # clipped at 1
    assert full["trend_score"].max() <= NUMERIC_RANGES["trend_score"]["max"] == 1.0
    assert full["internal_usage"].mean() == pytest.approx(none["internal_usage"].mean())
    assert (full["training_requests"] % 1 == 0).all()


def test_day_timestamps_are_within_working_hours():
    stamps = day_timestamps(date(2025, 11, 3), 50, np.random.default_rng(0))
    assert stamps.is_monotonic_increasing and (stamps.dt.hour >= 8).all() and (stamps.dt.hour < 18).all()
    assert set(stamps.dt.date) == {date(2025, 11, 3)}


def train_production_on_demo(version: str = "v1") -> None:
    """Export the demo DB, train a small forest on it, register it as production (as a retrain would)."""
    from future_skills.data.database import export_dataset
    from future_skills.data.demo import ensure_demo_database
    from future_skills.model.store import save_model
    from future_skills.model.training import build_pipeline, split_dataset, write_split
    from future_skills.paths import get_paths
    from future_skills.registry.store import Registry
    from helpers.registry import make_entry

    paths = get_paths().ensure()
    dataset = export_dataset(ensure_demo_database())
    paths.run_dir(version).mkdir(parents=True, exist_ok=True)
    dataset.to_csv(paths.dataset_csv(version), index=False)
    train, test = split_dataset(dataset, 0.2, 0)
    write_split(train, test, paths.split_csv(version))
    pipeline = build_pipeline(40, 0).fit(train[list(FEATURES)], train[LABEL])
    entry = make_entry(version, status="production")
    entry["model_sha256"] = save_model(pipeline, paths.model_path(version))
    Registry(paths).register(entry)


@pytest.fixture
def demo_with_model(project_root):
    import warnings

    from future_skills.serving import predict as serving
    serving.clear_cache()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        train_production_on_demo()
    yield project_root
    serving.clear_cache()


def test_simulated_traffic_is_logged_and_decided(demo_with_model):
    from future_skills.data.database import load_decisions
    from future_skills.monitoring.log_reader import read_prediction_log

    before = len(load_decisions(_url()))
    summary = simulate_traffic(predict=predict, days=5, rows_per_day=40, decision_share=0.5, end="2025-11-30", seed=1)
    assert summary["predictions"] == 200 and summary["model_versions"] == {"ml_random_forest_v1": 200}
    log = read_prediction_log(window="all")
    assert len(log.frame) == 200 and log.malformed_lines == 0
    assert log.frame["timestamp"].dt.date.min() == date(2025, 11, 26)
    decisions = load_decisions(_url())
    assert len(decisions) - before == summary["decisions"] > 0
    text = (demo_with_model / "logs" / "predictions_monitoring.jsonl").read_text()
    assert "job_role_name" not in text and "skill_name" not in text


def _url() -> str:
    from future_skills.data.demo import ensure_demo_database

    return ensure_demo_database()


def test_drifted_traffic_calls_for_a_retrain_and_calm_traffic_does_not(demo_with_model):
    from future_skills.monitoring.drift import run_drift_analysis

    log = demo_with_model / "logs" / "predictions_monitoring.jsonl"
    simulate_traffic(predict=predict, days=10, rows_per_day=60, drift=0.0, end="2025-11-30", seed=2)
    calm = run_drift_analysis(window="all", output_json=demo_with_model / "calm.json")
    assert calm["verdict"] in ("ok", "watch"), calm["reasons"]
    assert not [f for f, r in calm["features"].items() if r["status"] == "drift"]
    assert calm["realised_accuracy"] is not None and calm["prediction_mix"]["status"] != "no_data"
    log.unlink()
    simulate_traffic(predict=predict, days=10, rows_per_day=60, drift=1.0, end="2025-11-30", seed=3)
    drifted = run_drift_analysis(window="all", output_json=demo_with_model / "drift.json")
    assert drifted["verdict"] == "retrain", drifted["reasons"]
    assert {"trend_score", "scarcity_index"} <= {f for f, r in drifted["features"].items() if r["status"] == "drift"}
    assert json.loads((demo_with_model / "drift.json").read_text())["verdict"] == "retrain"
