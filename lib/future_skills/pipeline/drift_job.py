"""Scheduled monitoring: run the drift notebook alone into runs/monitoring/ and its HTML into reports/monitoring/."""
from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from future_skills.data.database import db_url_for_notebook
from future_skills.paths import ProjectPaths, get_paths
from future_skills.pipeline.execute import interrupt_on_sigterm, run_and_report
from future_skills.reporting.monitoring_history import monitoring_dirs

DRIFT_NOTEBOOK = "04_drift.ipynb"


def run_drift_job(*, window: str = "30d", log_path: str | None = None, output_json: str | None = None,
                  reference_version: str | None = "auto", db_url: str | None = None,
                  paths: ProjectPaths | None = None, kernel: str | None = None) -> dict[str, Any]:
    """Run 04_drift into ``runs/monitoring/<timestamp>/`` and its HTML into ``reports/monitoring/``."""
    paths = (paths or get_paths()).ensure()
    runs, reports = monitoring_dirs(paths)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    run_dir = runs / stamp
    suffix = 1
    while run_dir.exists():  # two runs within the same second
        suffix += 1
        run_dir = runs / f"{stamp}-{suffix}"
    run_dir.mkdir(parents=True)
    drift_json = run_dir / "drift.json"
    html = reports / f"{run_dir.name}.html"
    db_parameter, kernel_env = db_url_for_notebook(db_url)
    parameters = {
        "version": "monitoring",
        "reference_version": reference_version,
        "log_path": str(Path(log_path).resolve()) if log_path else None,
        "window": window,
        "db_url": db_parameter,
        "output_json": str(drift_json),
    }
    with interrupt_on_sigterm():
        run_and_report(DRIFT_NOTEBOOK, run_dir / DRIFT_NOTEBOOK, html, parameters, kernel=kernel, cwd=run_dir,
                       env=kernel_env)
    report = json.loads(drift_json.read_text(encoding="utf-8"))
    if output_json:
        Path(output_json).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(drift_json, output_json)
    return {"report": report, "html": html, "run_dir": run_dir, "json": drift_json}

