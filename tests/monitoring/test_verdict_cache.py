"""The last verdict is reused while nothing it depends on has changed, and recomputed as soon as something has."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from future_skills.data.demo import build_demo_database
from future_skills.monitoring import drift, verdict_cache
from future_skills.paths import get_paths
from future_skills.registry.reader import RegistryReader
from future_skills.serving import predict as serving
from helpers import drift_golden as golden
from helpers.monitoring import install_model, pairs, tamper

LOGGED_AT = "2026-11-20T10:00:00"
NOW = datetime(2026, 11, 25, 12, 0)


@pytest.fixture
def project(serving_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """v1 in production, 120 logged predictions at LOGGED_AT, an HR database URL whose file does not exist yet."""
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv("FUTURE_SKILLS_MONITORING_LOG", str(log))
    serving.predict(pd.concat([pairs(40, seed=s) for s in range(3)]), log=True, timestamp=LOGGED_AT)
    calls: list[dict] = []
    original = drift.load_drift_inputs

    def counted(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(drift, "load_drift_inputs", counted)  # project["calls"]: the verdicts computed
    return {"log": log, "db": tmp_path / "hr.sqlite", "calls": calls}


def _verdict(project: dict, monkeypatch: pytest.MonkeyPatch, **options) -> drift.DriftReport:
    """run_drift_analysis as the scheduler's verdict calls it."""
    arguments = {"log_path": project["log"], "window": "30d", "db_url": f"sqlite:///{project['db']}", "now": NOW,
                 "reuse": True, **options}
    return drift.run_drift_analysis(**arguments)


def test_an_unchanged_project_answers_with_the_stored_report(project: dict, monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path):
    first = _verdict(project, monkeypatch, output_json=tmp_path / "first.json")
    second = _verdict(project, monkeypatch, output_json=tmp_path / "second.json")
    assert len(project["calls"]) == 1 and first.inputs is not None and second.inputs is None
    assert first["rows"] == 120 and first["status"] != "no_data"
    written = [json.loads((tmp_path / name).read_text()) for name in ("first.json", "second.json")]
    assert golden.comparable(written[1]) == golden.comparable(written[0]) == golden.comparable(dict(first))
    assert list(written[1]) == list(written[0])  # same keys in the same order: generated_at only is new


def test_without_reuse_nothing_is_read_or_stored(project: dict, monkeypatch: pytest.MonkeyPatch):
    _verdict(project, monkeypatch, reuse=False)
    _verdict(project, monkeypatch, reuse=False)
    assert len(project["calls"]) == 2 and not verdict_cache.cache_file(get_paths()).exists()


def _append_prediction(project: dict) -> None:
    serving.predict(pairs(1, seed=9), log=True, timestamp=LOGGED_AT)


def _change_config(project: dict) -> None:
    get_paths().config_file.write_text("[drift]\npsi_watch = 0.2\n")


def _create_database(project: dict) -> None:
    build_demo_database(project["db"])


def _register_another_model(project: dict) -> None:
    install_model("v2", status="candidate", seed=1)


def _set_environment(project: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUTURE_SKILLS_LOG_MAX_BYTES", "123456")


CHANGES: dict[str, Callable] = {"log": _append_prediction, "config": _change_config, "database": _create_database,
                                "registry": _register_another_model}


@pytest.mark.parametrize("change", [*CHANGES, "environment", "window"])
def test_any_change_of_an_input_recomputes_the_verdict(project: dict, monkeypatch: pytest.MonkeyPatch, change: str):
    first = _verdict(project, monkeypatch)
    if change == "environment":
        _set_environment(project, monkeypatch)
    elif change in CHANGES:
        CHANGES[change](project)
    second = _verdict(project, monkeypatch, **({"window": "12w"} if change == "window" else {}))
    assert len(project["calls"]) == 2 and second.inputs is not None
    third = _verdict(project, monkeypatch, **({"window": "12w"} if change == "window" else {}))
    assert len(project["calls"]) == 2 and golden.comparable(dict(third)) == golden.comparable(dict(second))
    if change == "log":
        assert second["rows"] == first["rows"] + 1
    if change == "database":
        assert any("HR database" in note for note in first["notes"])
        assert not any("HR database" in note for note in second["notes"])


def test_a_tampered_model_is_never_answered_from_the_cache(project: dict, monkeypatch: pytest.MonkeyPatch):
    _verdict(project, monkeypatch)
    tamper(get_paths().registered_model_file(RegistryReader().get("v1")))
    second = _verdict(project, monkeypatch)
    third = _verdict(project, monkeypatch)
    assert len(project["calls"]) == 3  # recomputed each time, as a run without the cache would
    assert any("sha256" in note for note in second["notes"]) and third["notes"] == second["notes"]


@pytest.mark.parametrize("now, reused", [
    (datetime(2026, 12, 20, 9, 59), True),  # the window moved, every row still in it
    (datetime(2026, 12, 20, 10, 1), False),  # the rows left the window
    (datetime(2026, 11, 24, 12, 0), False),  # the window moved back (clock set back): rows may come in
])
def test_the_window_may_move_while_it_keeps_the_same_rows(project: dict, monkeypatch: pytest.MonkeyPatch,
                                                          now: datetime, reused: bool):
    first = _verdict(project, monkeypatch)
    later = _verdict(project, monkeypatch, now=now)
    assert (len(project["calls"]) == 1) == reused
    if now > datetime(2026, 12, 20, 10, 0):
        assert first["rows"] == 120 and later["rows"] == 0


def test_a_database_other_than_a_sqlite_file_is_never_reused(project: dict, monkeypatch: pytest.MonkeyPatch):
    for _ in range(2):
        _verdict(project, monkeypatch, db_url=f"sqlite:///{project['db']}?timeout=5")
    assert len(project["calls"]) == 2 and not verdict_cache.cache_file(get_paths()).exists()


def test_a_reused_verdict_imports_no_statistics_library(project: dict, monkeypatch: pytest.MonkeyPatch):
    """The point of the cache: an unchanged log answers without computing a statistic (nor importing scipy's)."""
    _verdict(project, monkeypatch, now=None, window="all")
    script = ("import sys\nfrom future_skills.monitoring.drift import run_drift_analysis\n"
              f"report = run_drift_analysis(log_path={str(project['log'])!r}, db_url={'sqlite:///' + str(project['db'])!r}, "
              "window='all', reuse=True)\nprint('ROWS', report['rows'], report.inputs is None, "
              "[m for m in ('scipy.stats', 'scipy.special') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "ROWS 120 True []" in done.stdout


def test_a_database_commit_is_seen_even_with_the_same_size_and_time(project: dict, monkeypatch: pytest.MonkeyPatch):
    """Two commits within one clock tick leave the same mtime; the file change counter in the header still moves."""
    import os
    import sqlite3

    build_demo_database(project["db"])
    first = _verdict(project, monkeypatch)
    before = project["db"].stat()
    with sqlite3.connect(project["db"]) as connection:
        connection.execute("UPDATE hr_decisions SET decided_at = '2026-11-20T09:00:00' WHERE rowid = 1")
    connection.close()
    os.utime(project["db"], ns=(before.st_atime_ns, before.st_mtime_ns))
    assert project["db"].stat().st_size == before.st_size and project["db"].stat().st_mtime_ns == before.st_mtime_ns
    second = _verdict(project, monkeypatch)
    assert len(project["calls"]) == 2 and second.inputs is not None and first.inputs is not None
