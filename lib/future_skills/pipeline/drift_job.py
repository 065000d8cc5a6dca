"""Scheduled monitoring: compact the log, then run the drift notebook alone into runs/monitoring/ and its HTML
into reports/monitoring/ — or, with ``--no-report``, only the drift JSON, in process."""
from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from future_skills.paths import ProjectPaths, get_paths
from future_skills.pipeline.warm_kernels import kernel_needs, warm_kernels
from future_skills.startup import uncollected_imports

DRIFT_NOTEBOOK = "04_drift.ipynb"


def _new_run_dir(runs: Path) -> Path:
    """``runs/monitoring/<timestamp>`` (``-2``, ``-3``… for runs within the same second), created."""
    from future_skills.reporting.monitoring_history import RUN_STAMP  # noqa: PLC0415 - see _job_modules

    stamp = datetime.now().strftime(RUN_STAMP)
    run_dir = runs / stamp
    suffix = 1
    while run_dir.exists():
        suffix += 1
        run_dir = runs / f"{stamp}-{suffix}"
    run_dir.mkdir(parents=True)
    return run_dir


def _job_modules() -> tuple[Any, Any, Any]:
    """(compact_logs, monitoring_dirs, run_drift_analysis), imported when a job runs, not with this module: they
    bring pandas and the drift statistics (0.4 s), and the full report's warm template starts before them."""
    with uncollected_imports():
        from future_skills.monitoring.drift import run_drift_analysis  # noqa: I001 - one block under its docstring
        from future_skills.monitoring.log_compaction import compact_logs
        from future_skills.reporting.monitoring_history import monitoring_dirs

    return compact_logs, monitoring_dirs, run_drift_analysis


def _copy_json(drift_json: Path, output_json: str | None) -> None:
    if output_json:
        Path(output_json).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(drift_json, output_json)


def run_drift_verdict(*, window: str = "30d", log_path: str | None = None, output_json: str | None = None,
                      reference_version: str | None = "auto", db_url: str | None = None,
                      paths: ProjectPaths | None = None) -> dict[str, Any]:
    """The drift JSON alone, in this process (no kernel, no HTML): for schedulers that only need the verdict.

    Rotated log files are compacted first; the JSON goes to ``runs/monitoring/<timestamp>/drift.json``
    like a full run's, so the history page lists it (without a report link). The last verdict is reused
    while nothing it depends on has changed (``monitoring.verdict_cache``).
    """
    compact_logs, monitoring_dirs, run_drift_analysis = _job_modules()
    paths = (paths or get_paths()).ensure()
    compaction = compact_logs(log_path)
    run_dir = _new_run_dir(monitoring_dirs(paths)[0])
    drift_json = run_dir / "drift.json"
    report = run_drift_analysis(reference_version=reference_version, log_path=log_path, window=window,
                                db_url=db_url, output_json=drift_json, paths=paths, reuse=True)
    _copy_json(drift_json, output_json)
    return {"report": dict(report), "html": None, "run_dir": run_dir, "json": drift_json, "compaction": compaction}


def run_drift_job(*, window: str = "30d", log_path: str | None = None, output_json: str | None = None,
                  reference_version: str | None = "auto", db_url: str | None = None,
                  paths: ProjectPaths | None = None, kernel: str | None = None,
                  report_lang: str = "en") -> dict[str, Any]:
    """Compact the rotated log files, run 04_drift into ``runs/monitoring/<timestamp>/`` and its HTML
    into ``reports/monitoring/``.

    The kernel is forked from a warm template started first (:mod:`~future_skills.pipeline.warm_kernels`): it
    imports the notebook's libraries while this process imports papermill, instead of after.
    """
    with warm_kernels(enabled=not kernel, modules=kernel_needs(DRIFT_NOTEBOOK)):
        return _drift_report(window=window, log_path=log_path, output_json=output_json,
                             reference_version=reference_version, db_url=db_url, paths=paths, kernel=kernel,
                             report_lang=report_lang)


def _drift_report(*, window: str, log_path: str | None, output_json: str | None, reference_version: str | None,
                  db_url: str | None, paths: ProjectPaths | None, kernel: str | None,
                  report_lang: str) -> dict[str, Any]:
    # Imported here, not at the top: papermill and nbconvert take seconds to import, which the scheduler's
    # `drift --no-report` (run_drift_verdict, same module) must not pay; pandas (database) once the template started.
    with uncollected_imports():
        from future_skills.data.database import db_url_for_notebook  # noqa: I001 - one block under its comment
        from future_skills.pipeline.execute import interrupt_on_sigterm, run_and_report

    compact_logs, monitoring_dirs, _ = _job_modules()
    paths = (paths or get_paths()).ensure()
    runs, reports = monitoring_dirs(paths)
    compaction = compact_logs(log_path)
    run_dir = _new_run_dir(runs)
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
        "report_lang": report_lang,
    }
    with interrupt_on_sigterm():
        run_and_report(DRIFT_NOTEBOOK, run_dir / DRIFT_NOTEBOOK, html, parameters, kernel=kernel, cwd=run_dir,
                       env=kernel_env)
    report = json.loads(drift_json.read_text(encoding="utf-8"))
    _copy_json(drift_json, output_json)
    return {"report": report, "html": html, "run_dir": run_dir, "json": drift_json, "compaction": compaction}

