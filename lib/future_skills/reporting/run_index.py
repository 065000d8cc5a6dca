"""The content of ``reports/<version>/index.html``: what DRH needs to decide, in one place."""
from __future__ import annotations

import json
import shlex
from datetime import datetime
from pathlib import Path
from typing import Any

from future_skills.model.decision import recommend
from future_skills.model.metrics import comparison_rows
from future_skills.paths import NOTEBOOK_STEPS, ProjectPaths
from future_skills.registry.diff import diff_versions
from future_skills.registry.reader import entry_metadata
from future_skills.reporting.changes_view import HIDDEN
from future_skills.reporting.model_card import model_card_context
from future_skills.thresholds import load_config

CHANGE_SECTIONS = ("hyperparameters", "dataset", "feature_importance")
RELIABILITY_TAG = "reliability-diagram"  # the 03_evaluate cell whose figure the model card shows
EVALUATION_NOTEBOOK = "03_evaluate.ipynb"
MAX_CHANGE_ROWS = 12


def changes_since_production(production_meta: dict | None, metadata: dict) -> dict[str, Any] | None:
    """What changed between production's records and this version's: settings, data, important signals.

    Metrics are left out on purpose: each model's own test score is measured on different rows,
    and the decision sheet compares both models on the same rows. At most ``MAX_CHANGE_ROWS`` rows;
    ``more`` counts the rest (``future-skills diff`` lists them all).
    """
    if not production_meta:
        return None

    diff = diff_versions(production_meta, metadata)
    rows = [{"section": r["section"], "name": r["name"], "a": r["a"], "b": r["b"], "delta": r["delta"]}
            for r in diff["rows"] if r.get("changed") and r["section"] in CHANGE_SECTIONS
            and (r["section"], r["name"]) not in HIDDEN]
    if not rows:
        return None
    return {"a": diff["a"], "b": diff["b"], "rows": rows[:MAX_CHANGE_ROWS],
            "more": max(0, len(rows) - MAX_CHANGE_ROWS)}


def calibration_png(calibration: dict[str, Any] | None, lang: str,
                    evaluation_notebook: Path | None = None) -> dict[str, str] | None:
    """The reliability diagram of the model card in ``lang`` (base64 PNG, keyed by ``lang``), or None.

    The run's executed 03_evaluate notebook has drawn it (the cell tagged :data:`RELIABILITY_TAG`, in the run's
    language): taken from there, so that the pipeline's own process never imports matplotlib (0.3 CPU-s; drawing
    it there cost a 10k-row run 0.2 s of wall time, competing with the notebooks). Drawn here only without it.
    """
    if not calibration or not calibration.get("bins"):
        return None
    drawn = notebook_png(evaluation_notebook, RELIABILITY_TAG) if evaluation_notebook is not None else None
    return {lang: drawn or _reliability_png(calibration, lang)}


def notebook_png(notebook: Path, tag: str) -> str | None:
    """The first PNG (base64) that the code cell tagged ``tag`` of an executed notebook displayed, or None."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for cell in cells:
        if tag in cell.get("metadata", {}).get("tags", ()):
            for output in cell.get("outputs", ()):
                png = output.get("data", {}).get("image/png")
                if png:  # nbformat may keep base64 text as a list of lines
                    return ("".join(png) if isinstance(png, list) else png).replace("\n", "")
    return None


def _reliability_png(calibration: dict[str, Any], lang: str) -> str:
    # matplotlib is imported only when an index has to draw its calibration chart itself
    from future_skills.reporting.plots import figure_png, reliability_figure

    return figure_png(reliability_figure(calibration, lang))


def read_drift(paths: ProjectPaths, version: str) -> dict[str, Any] | None:
    """The production model's drift report written by this run's 04_drift, or None."""
    try:
        return json.loads((paths.run_dir(version) / "drift.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def decision_commands(version: str) -> dict[str, str]:
    """The exact commands to approve, reject and promote this version."""
    v = shlex.quote(version)
    return {
        "approve": f'future-skills approve {v} --by "Your Name" --comment "Reviewed the audit reports"',
        "reject": f'future-skills reject {v} --by "Your Name" --comment "Reason for rejection"',
        "promote": f"future-skills promote {v}",
    }


def build_index_context(*, version: str, paths: ProjectPaths, manifest: dict[str, Any],
                        metadata: dict[str, Any] | None, registry: Any,
                        failure: dict[str, Any] | None, lang: str = "en") -> dict[str, Any]:
    """Everything ``templates/index.html.j2`` renders in ``lang``, from the run's own records."""
    report_dir = paths.report_dir(version)
    reports = []
    for notebook, step in NOTEBOOK_STEPS.items():
        href = notebook.replace(".ipynb", ".html")
        reports.append({"step": step, "href": href, "exists": (report_dir / href).exists()})
    gate = (metadata or {}).get("gate") or {}
    evaluation = (metadata or {}).get("evaluation") or {}
    comparison = None
    if evaluation.get("production"):
        comparison = {
            "production_version": evaluation.get("production_version"),
            "rows_compared": evaluation.get("rows_compared"),
            "excluded_overlap": evaluation.get("excluded_overlap", 0),
            "rows": comparison_rows(evaluation["candidate"], evaluation["production"]),
        }
    production_meta = None
    if evaluation.get("production_version") and registry.exists(evaluation["production_version"]):
        production_meta = entry_metadata(paths, registry.get(evaluation["production_version"]))
    drift = read_drift(paths, version) if metadata else None
    return {
        "version": version,
        "run_date": manifest.get("started_at"),
        "run_id": manifest.get("run_id"),
        "failed": failure is not None,
        "failure": failure or {},
        "dataset": (metadata or {}).get("dataset"),
        "verdict": gate.get("verdict", ""),
        "gate_passed": gate.get("passed"),
        "criteria": gate.get("criteria", []),
        "targets": gate.get("targets", []),
        "comparison": comparison,
        "paired": evaluation.get("paired"),
        "recent": evaluation.get("recent"),
        "decision": recommend(metadata, drift) if evaluation else None,
        "drift": drift if drift and drift.get("status") != "no_data" else None,
        "model_card": model_card_context(metadata, load_config()["model_card"]),
        "calibration_png": calibration_png(evaluation.get("calibration"), lang,
                                           paths.run_dir(version) / EVALUATION_NOTEBOOK),
        "changes": changes_since_production(production_meta, metadata) if metadata else None,
        "reports": reports,
        "generated_at": datetime.now().isoformat(timespec="seconds"),
        "git_commit": (manifest.get("git_commit") or "unknown")[:12],
    }
