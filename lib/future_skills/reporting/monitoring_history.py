"""The monitoring history page: every past drift run, one line each, and each charted statistic per feature over time.

The rows (:func:`history_rows`) are plain data computed apart from their rendering (the
template and :func:`statistic_history_png`). Each row names the model version it watched and,
for a *retrain* verdict, the first version trained after that run, linked to its summary.
"""
from __future__ import annotations

import base64
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from future_skills.atomic import atomic_write_text
from future_skills.monitoring.statistics import DriftStatistic, charted, registered
from future_skills.paths import ProjectPaths, get_paths
from future_skills.registry.entities import RegistryEntry
from future_skills.registry.reader import RegistryReader
from future_skills.schema import NUMERIC_FEATURES
from future_skills.thresholds import DEFAULTS

RUN_STAMP = "%Y%m%dT%H%M%S"  # drift run folder names (pipeline.drift_job)


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


def run_time(report: dict[str, Any]) -> datetime | None:
    """When a drift run was made: its ``generated_at``, else its folder's time stamp."""
    for text, parse in ((report.get("generated_at"), datetime.fromisoformat),
                        (str(report.get("_run", ""))[:15], lambda s: datetime.strptime(s, RUN_STAMP))):
        if not text:
            continue
        try:
            return parse(text)
        except ValueError:
            continue
    return None


def retrained_after(when: datetime | None, entries: list[RegistryEntry]) -> str | None:
    """The first registered version created after ``when`` (the candidate a retrain verdict led to)."""
    if when is None:
        return None
    later = []
    for entry in entries:
        try:
            created = datetime.fromisoformat(str(entry.created_at))
        except ValueError:
            continue
        created = created.replace(tzinfo=None) if created.tzinfo is None else \
            created.astimezone().replace(tzinfo=None)
        if created > when:
            later.append((created, entry.version))
    return min(later)[1] if later else None


def statistic_values(report: dict[str, Any], statistic: DriftStatistic) -> dict[str, float | None]:
    """The charted value of ``statistic`` per numeric feature in one drift JSON (None when absent)."""
    features = report.get("features") or {}
    return {name: (features.get(name) or {}).get(statistic.chart_key) for name in NUMERIC_FEATURES}


def threshold_label(statistic: DriftStatistic, thresholds: dict[str, Any]) -> str:
    """``PSI (0.1 watch, 0.25 drift)`` from the statistic's declared threshold keys and their values."""
    values = {**DEFAULTS["drift"], **statistic.defaults, **thresholds}
    marks = [f"{values[key]:g} {label}" for key, label in ((statistic.watch_key, "watch"),
                                                           (statistic.drift_key, "drift")) if key in values]
    short = statistic.columns[0].header if statistic.columns else statistic.name
    return f"{short} ({', '.join(marks)})" if marks else short


def statistic_history_png(history: list[dict[str, Any]], statistic: DriftStatistic) -> str | None:
    """One charted statistic per feature over the drift runs' dates, as a base64 PNG (offline page)."""
    points = [(run_time(h), h) for h in history]
    points = [(when, h) for when, h in points if when is not None]
    if not points:
        return None
    from matplotlib.figure import Figure  # lazy: the history page is rarely built, matplotlib is slow to import

    fig = Figure(figsize=(9, 4), dpi=100)
    ax = fig.subplots()
    dates = [when for when, _ in points]
    for feature in NUMERIC_FEATURES:
        values = [statistic_values(h, statistic)[feature] for _, h in points]
        ax.plot(dates, [v if v is not None else float("nan") for v in values], marker="o", label=feature)
    thresholds = {**DEFAULTS["drift"], **statistic.defaults, **points[-1][1].get("thresholds", {})}
    for key, style in ((statistic.watch_key, ":"), (statistic.drift_key, "--")):
        if key in thresholds:
            ax.axhline(thresholds[key], color="grey", linestyle=style, linewidth=1)
    ax.set_title(f"{statistic.display_name} per feature, by date of the drift run")
    ax.set_xlabel("Date of the drift run")
    ax.set_ylabel(threshold_label(statistic, thresholds))
    fig.autofmt_xdate()
    ax.legend(fontsize=7, ncols=2)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def history_rows(history: list[dict[str, Any]], entries: list[RegistryEntry], reports: Path) -> list[dict]:
    """One plain row per drift run, newest first: date, model watched, verdict, charted values, links."""
    rows = []
    for h in history:
        when = run_time(h)
        html = reports / f"{h['_run']}.html"
        candidate = retrained_after(when, entries) if h.get("verdict") == "retrain" else None
        rows.append({"run": h["_run"], "date": when.strftime("%Y-%m-%d %H:%M") if when else h["_run"],
                     "model": (h.get("reference") or {}).get("version"), "window": h.get("window"),
                     "rows": h.get("rows"), "malformed": h.get("malformed_lines"), "verdict": h.get("verdict"),
                     "reasons": h.get("reasons", []),
                     "values": {s.name: statistic_values(h, s) for s in charted("numeric")},
                     "href": html.name if html.exists() else None, "candidate": candidate,
                     "candidate_href": f"../{candidate}/index.html" if candidate else None})
    return list(reversed(rows))


def build_monitor_history(paths: ProjectPaths | None = None) -> tuple[Path, int]:
    """Write ``reports/monitoring/index.html``: one line per past drift run, charted statistics over time."""
    # Imported here: nbconvert (under reporting.html) takes seconds to import, and `drift --no-report`
    # imports this module for monitoring_dirs only.
    from future_skills.reporting.html import render_template

    # lazy: start-up time of `drift --no-report`
    from future_skills.reporting.status_block import render_status_block, status_context

    paths = (paths or get_paths()).ensure()
    _, reports = monitoring_dirs(paths)
    history = load_drift_history(paths)
    thresholds = {**DEFAULTS["drift"], **(history[-1].get("thresholds", {}) if history else {})}
    statistics = charted("numeric")
    context = {"rows": history_rows(history, RegistryReader(paths).versions(), reports), "features": NUMERIC_FEATURES,
               "statistics": [{"name": s.name, "header": s.columns[0].header if s.columns else s.name,
                               "display_name": s.display_name, "chart": statistic_history_png(history, s)}
                              for s in statistics],
               "glossary": [(s.display_name, s.explain(thresholds)) for s in registered()],
               "generated_at": datetime.now().isoformat(timespec="seconds")}
    data = RegistryReader(paths).load()
    context["status_block"] = render_status_block(status_context(data, data.production or "", paths))
    index = reports / "index.html"
    atomic_write_text(index, render_template("monitoring_index.html.j2", context))
    return index, len(history)
