"""The monitoring history page: every past drift run, one line each, and PSI per feature over time."""
from __future__ import annotations

import base64
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from future_skills.atomic import atomic_write_text
from future_skills.paths import ProjectPaths, get_paths
from future_skills.registry.reader import RegistryReader
from future_skills.reporting.html import render_template
from future_skills.reporting.status_block import render_status_block, status_context
from future_skills.schema import NUMERIC_FEATURES


def monitoring_dirs(paths: ProjectPaths) -> tuple[Path, Path]:
    """``runs/monitoring`` and ``reports/monitoring``."""
    return paths.runs_dir / "monitoring", paths.reports_dir / "monitoring"


def load_drift_history(paths: ProjectPaths | None = None) -> list[dict[str, Any]]:
    """Every past drift run's JSON, oldest first, with its run name and report link."""
    paths = paths or get_paths()
    runs, _ = monitoring_dirs(paths)
    history = []
    for drift_json in sorted(runs.glob("*/drift.json")):
        try:
            report = json.loads(drift_json.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        report["_run"] = drift_json.parent.name
        history.append(report)
    return history


def psi_history_figure_png(history: list[dict[str, Any]]) -> str | None:
    """PSI per feature over the drift runs, as a base64 PNG (embedded: the page works offline)."""
    if not history:
        return None
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 4), dpi=100)
    ax = fig.subplots()
    runs = [h["_run"] for h in history]
    for feature in NUMERIC_FEATURES:
        values = [h.get("features", {}).get(feature, {}).get("psi") for h in history]
        ax.plot(runs, [v if v is not None else float("nan") for v in values], marker="o", label=feature)
    thresholds = history[-1].get("thresholds", {})
    for key, style in (("psi_watch", ":"), ("psi_drift", "--")):
        if key in thresholds:
            ax.axhline(thresholds[key], color="grey", linestyle=style, linewidth=1)
    ax.set_title("Population stability index per feature, by drift run")
    ax.set_xlabel("Drift run")
    ax.set_ylabel("PSI (0.1 watch, 0.25 drift)")
    ax.tick_params(axis="x", labelrotation=30, labelsize=7)
    ax.legend(fontsize=7, ncols=2)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def build_monitor_history(paths: ProjectPaths | None = None) -> tuple[Path, int]:
    """Write ``reports/monitoring/index.html``: one line per past drift run, PSI over time."""
    paths = (paths or get_paths()).ensure()
    _, reports = monitoring_dirs(paths)
    history = load_drift_history(paths)
    rows = []
    for h in history:
        psi = {f: h.get("features", {}).get(f, {}).get("psi") for f in NUMERIC_FEATURES}
        html = reports / f"{h['_run']}.html"
        rows.append({"run": h["_run"], "window": h.get("window"), "rows": h.get("rows"),
                     "malformed": h.get("malformed_lines"), "verdict": h.get("verdict"),
                     "reasons": h.get("reasons", []), "psi": psi,
                     "href": html.name if html.exists() else None})
    context = {"rows": list(reversed(rows)), "features": NUMERIC_FEATURES,
               "chart": psi_history_figure_png(history),
               "generated_at": datetime.now().isoformat(timespec="seconds")}
    data = RegistryReader(paths).load()
    context["status_block"] = render_status_block(status_context(data, data.production or "", paths))
    index = reports / "index.html"
    atomic_write_text(index, render_template("monitoring_index.html.j2", context))
    return index, len(history)
