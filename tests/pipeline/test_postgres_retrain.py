"""The whole pipeline against a real PostgreSQL HR database: retrain, traffic simulation, drift analysis."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


CLI = str(Path(sys.executable).with_name("future-skills"))


def _run(root: Path, *command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "FUTURE_SKILLS_HOME": str(root)}
    return subprocess.run(list(command), env=env, capture_output=True, text=True, timeout=600)


def test_retrain_and_traffic_simulation_against_postgresql(postgres_hr_url: str, tmp_path: Path):
    from future_skills.data.database import load_decisions

    first = _run(tmp_path, sys.executable, str(REPO / "run_retrain.py"), "--version", "v1", "--n-estimators", "20",
                 "--auto-promote", "--db-url", postgres_hr_url)
    assert first.returncode == 0, first.stdout + first.stderr
    assert not (tmp_path / "data" / "future_skills_hr.sqlite").exists()  # the demo SQLite was never used
    dataset = json.loads((tmp_path / "runs" / "v1" / "dataset.json").read_text())
    assert dataset["total_samples"] == len(load_decisions(postgres_hr_url))

    before = len(load_decisions(postgres_hr_url))
    simulated = _run(tmp_path, CLI, "simulate-traffic", "--days", "3", "--rows-per-day", "40",
                     "--db-url", postgres_hr_url)
    assert simulated.returncode == 0, simulated.stdout + simulated.stderr
    log = (tmp_path / "logs" / "predictions_monitoring.jsonl").read_text().splitlines()
    assert len(log) == 120 and all(json.loads(line)["model_version"] == "ml_random_forest_v1" for line in log)
    assert len(load_decisions(postgres_hr_url)) > before  # HR decisions recorded in PostgreSQL

    from future_skills.monitoring.drift import run_drift_analysis
    from future_skills.paths import get_paths

    drift = run_drift_analysis(window="all", db_url=postgres_hr_url, paths=get_paths(tmp_path),
                               log_path=tmp_path / "logs" / "predictions_monitoring.jsonl")
    assert drift["rows"] == 120 and "v1" in json.dumps(drift["reference"], default=str)
