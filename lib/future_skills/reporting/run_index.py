"""The content of ``reports/<version>/index.html``: what DRH needs to decide, in one place."""
from __future__ import annotations

import functools
import json
import shlex
from datetime import datetime
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


def calibration_png(calibration: dict[str, Any] | None, lang: str) -> dict[str, str] | None:
    """The reliability diagram of the model card in ``lang`` (base64 PNG, keyed by ``lang``), or None.

    Drawn in the page's language only, and once per calibration: a run draws it while 03_evaluate still draws
    its own figures (0.1 s less at the run's end), and index.html then finds it drawn.
    """
    if not calibration or not calibration.get("bins"):
        return None
    return {lang: _reliability_png(json.dumps(calibration, sort_keys=True), lang)}


@functools.lru_cache(maxsize=8)
def _reliability_png(calibration: str, lang: str) -> str:
    # matplotlib is imported only when an index with a calibration chart is drawn (not at the driver's start)
    from future_skills.reporting.plots import figure_png, reliability_figure

    return figure_png(reliability_figure(json.loads(calibration), lang))


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
        "calibration_png": calibration_png(evaluation.get("calibration"), lang),
        "changes": changes_since_production(production_meta, metadata) if metadata else None,
        "reports": reports,
        "generated_at": datetime.now().isoformat(timespec="seconds"),
        "git_commit": (manifest.get("git_commit") or "unknown")[:12],
    }
