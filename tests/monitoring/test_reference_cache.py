"""The reference model's test predictions are cached per model sha256; the model file is still verified."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from future_skills.monitoring.drift import run_drift_analysis
from future_skills.paths import get_paths
from future_skills.registry.reader import RegistryReader
from future_skills.serving import predict as serving
from helpers import drift_golden as golden
from helpers.monitoring import install_model, pairs, tamper


def test_second_drift_run_reads_the_cached_predictions_and_finds_the_same_report(project_root: Path, tmp_path: Path,
                                                                                  monkeypatch):
    serving.clear_cache()
    install_model("v1")
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv("FUTURE_SKILLS_MONITORING_LOG", str(log))
    serving.predict(pd.concat([pairs(200, seed=s) for s in range(3)]), log=True, timestamp="2026-11-20T10:00:00")
    no_db = f"sqlite:///{tmp_path / 'absent.sqlite'}"
    first = run_drift_analysis(log_path=log, window="all", db_url=no_db)
    cache = list((project_root / "runs" / "monitoring" / ".cache").glob("v1-*.parquet"))
    assert len(cache) == 1 and first["prediction_mix"]["status"] != "no_data"
    second = run_drift_analysis(log_path=log, window="all", db_url=no_db)
    assert golden.comparable(dict(second)) == golden.comparable(dict(first))

    tamper(get_paths().registered_model_file(RegistryReader().get("v1")))
    third = run_drift_analysis(log_path=log, window="all", db_url=no_db)
    assert third["prediction_mix"]["status"] == "no_data" and any("sha256" in note for note in third["notes"])
    serving.clear_cache()
