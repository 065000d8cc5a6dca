"""The content of ``reports/<version>/index.html``: what DRH needs to decide, in one place."""
from __future__ import annotations

import shlex
from datetime import datetime
from typing import Any

from future_skills.paths import NOTEBOOK_STEPS, ProjectPaths
from future_skills.registry.reader import entry_metadata
from future_skills.schema import LEVELS


def comparison_rows(candidate: dict[str, Any], production: dict[str, Any]) -> list[dict[str, Any]]:
    """Side-by-side metric rows (accuracy, weighted F1, per-class precision and recall)."""
    rows = []
    for key, label in (("accuracy", "Accuracy"), ("f1_weighted", "Weighted F1")):
        rows.append(_row(label, candidate.get(key), production.get(key)))
    for measure in ("precision", "recall"):
        for level in LEVELS:
            rows.append(_row(
                f"{measure.capitalize()} {level}",
                candidate.get("per_class", {}).get(level, {}).get(measure),
                production.get("per_class", {}).get(level, {}).get(measure),
            ))
    return rows


def _row(label: str, candidate: float | None, production: float | None) -> dict[str, Any]:
    delta = None if candidate is None or production is None else candidate - production
    return {"label": label, "candidate": candidate, "production": production, "delta": delta}


def changes_since_production(production_meta: dict | None, metadata: dict) -> dict[str, Any] | None:
    """The ``diff`` rows between production and this version, keeping only what changed."""
    if not production_meta:
        return None
    from future_skills.registry.diff import diff_versions

    diff = diff_versions(production_meta, metadata)
    a, b = production_meta.get("model_version", "production"), metadata.get("model_version", "candidate")
    rows = [[r["section"], r["name"], _cell(r["a"]), _cell(r["b"]), _cell(r["delta"], signed=True)]
            for r in diff["rows"] if r.get("changed")]
    return {"header": ["Section", "Item", a, b, "Change"], "rows": rows} if rows else None


def _cell(value: Any, signed: bool = False) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:+.4f}" if signed else f"{value:.4f}"
    if isinstance(value, int) and signed:
        return f"{value:+d}"
    text = str(value)
    return text[:12] if len(text) == 64 and all(c in "0123456789abcdef" for c in text) else text


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
                        failure: dict[str, Any] | None) -> dict[str, Any]:
    """Everything ``templates/index.html.j2`` renders, from the run's own records."""
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
        "changes": changes_since_production(production_meta, metadata) if metadata else None,
        "reports": reports,
        "generated_at": datetime.now().isoformat(timespec="seconds"),
        "git_commit": (manifest.get("git_commit") or "unknown")[:12],
    }
