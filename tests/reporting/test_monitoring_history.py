"""The monitoring history page: model watched, dates on the time axis, link to the candidate a retrain led to."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from bs4 import BeautifulSoup

from future_skills.monitoring.statistics import charted
from future_skills.registry.entities import RegistryEntry
from future_skills.registry.store import Registry
from future_skills.reporting.monitoring_history import (
    build_monitor_history,
    history_rows,
    load_drift_history,
    retrained_after,
    run_time,
    threshold_label,
)
from future_skills.schema import NUMERIC_FEATURES
from helpers.registry import make_entry


def _drift_run(root: Path, stamp: str, verdict: str, version: str = "v1", psi: float = 0.05) -> None:
    folder = root / "runs" / "monitoring" / stamp
    folder.mkdir(parents=True)
    when = datetime.strptime(stamp, "%Y%m%dT%H%M%S").isoformat()
    report = {"generated_at": when, "window": "30d", "rows": 500, "malformed_lines": 0, "verdict": verdict,
              "reasons": [f"because {verdict}"], "reference": {"version": version, "rows": 4000},
              "features": {name: {"psi": psi, "status": "ok"} for name in NUMERIC_FEATURES},
              "thresholds": {"psi_watch": 0.12, "psi_drift": 0.3}}
    (folder / "drift.json").write_text(json.dumps(report))


def test_run_time_prefers_generated_at_then_the_folder_stamp():
    assert run_time({"generated_at": "2026-11-02T08:00:00", "_run": "20250101T000000"}) == datetime(2026, 11, 2, 8)
    assert run_time({"_run": "20261103T091500-2"}) == datetime(2026, 11, 3, 9, 15)
    assert run_time({"_run": "garbage"}) is None


def test_retrained_after_is_the_first_version_created_after_the_run():
    entries = [RegistryEntry.from_dict({**make_entry(version), "created_at": created})
               for version, created in (("v1", "2026-10-01T00:00:00"), ("v3", "2026-11-20T00:00:00"),
                                        ("v2", "2026-11-10T00:00:00"))]
    assert retrained_after(datetime(2026, 11, 5), entries) == "v2"
    assert retrained_after(datetime(2026, 11, 25), entries) is None


def test_threshold_label_comes_from_the_thresholds_in_force():
    psi = charted("numeric")[0]
    assert threshold_label(psi, {"psi_watch": 0.12, "psi_drift": 0.3}) == "PSI (0.12 watch, 0.3 drift)"


def test_history_page_names_the_model_uses_dates_and_links_the_retrained_candidate(project_root: Path):
    _drift_run(project_root, "20261101T060000", "ok")
    _drift_run(project_root, "20261108T060000", "retrain", psi=0.4)
    _drift_run(project_root, "20261115T060000", "retrain", version="v2")
    registry = Registry()
    registry.register({**make_entry("v1", status="production"), "created_at": "2026-10-01T00:00:00"})
    registry.register({**make_entry("v2"), "created_at": "2026-11-09T10:00:00"})
    rows = history_rows(load_drift_history(), registry.versions(), project_root / "reports" / "monitoring")
    assert [r["date"] for r in rows] == ["2026-11-15 06:00", "2026-11-08 06:00", "2026-11-01 06:00"]
    assert [r["model"] for r in rows] == ["v2", "v1", "v1"]
    assert [r["candidate"] for r in rows] == [None, "v2", None]
    assert rows[1]["values"]["psi"][NUMERIC_FEATURES[0]] == 0.4

    index, count = build_monitor_history()
    page = BeautifulSoup(index.read_text(), "html.parser")
    assert count == 3
    links = [a["href"] for a in page.select("#history td.candidate a")]
    assert links == ["../v2/index.html"]
    assert "not yet" in page.select("#history td.candidate")[0].get_text()
    assert [td.get_text() for td in page.select("#history td.model")] == ["v2", "v1", "v1"]
    assert page.find(id="psi-chart")["src"].startswith("data:image/png")
    assert "0.12" in page.find(id="statistics").get_text() and "Kolmogorov" in page.find(id="statistics").get_text()


def _recorded_language(root: Path, stamp: str, lang: str) -> None:
    """The executed 04_drift notebook of a drift run, with the report language papermill recorded."""
    notebook = {"cells": [], "nbformat": 4, "nbformat_minor": 5,
                "metadata": {"papermill": {"parameters": {"report_lang": lang, "window": "30d"}}}}
    (root / "runs" / "monitoring" / stamp / "04_drift.ipynb").write_text(json.dumps(notebook))


def test_the_history_page_takes_the_language_of_the_newest_drift_report(project_root: Path):
    from future_skills.reporting.monitoring_history import history_language

    assert history_language() == "en"  # no drift run yet
    _drift_run(project_root, "20261101T060000", "ok")
    _recorded_language(project_root, "20261101T060000", "en")
    _drift_run(project_root, "20261108T060000", "retrain", psi=0.4)
    _recorded_language(project_root, "20261108T060000", "fr")
    _drift_run(project_root, "20261115T060000", "ok")  # a `drift --no-report` run: no notebook, no language
    assert history_language() == "fr"
    Registry().register({**make_entry("v1", status="production"), "created_at": "2026-10-01T00:00:00"})
    page = BeautifulSoup(build_monitor_history()[0].read_text(encoding="utf-8"), "html.parser")
    assert page.html["lang"] == "fr" and "novembre 2026" in page.get_text()
    english = BeautifulSoup(build_monitor_history(lang="en")[0].read_text(encoding="utf-8"), "html.parser")
    assert english.html["lang"] == "en"


def test_monitor_history_cli_follows_the_reports_language(project_root: Path, capsys):
    from future_skills.cli import main

    _drift_run(project_root, "20261108T060000", "retrain", psi=0.4)
    _recorded_language(project_root, "20261108T060000", "fr")
    Registry().register({**make_entry("v1", status="production"), "created_at": "2026-10-01T00:00:00"})
    assert main(["monitor-history"]) == 0
    assert capsys.readouterr().out.startswith("Historique du suivi de 1 analyse de dérive")
