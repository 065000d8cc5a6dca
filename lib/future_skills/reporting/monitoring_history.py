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
from typing import TYPE_CHECKING, Any

from future_skills.atomic import atomic_write_text
from future_skills.formatting import LANGUAGES, colon, compact, date_time, typography, window_text
from future_skills.monitoring.statistics import DriftStatistic, charted, registered
from future_skills.paths import ProjectPaths, get_paths
from future_skills.registry.entities import RegistryEntry
from future_skills.registry.reader import RegistryReader
from future_skills.reporting.drift_reasons import reason_text
from future_skills.reporting.drift_texts import (
    FEATURE_NAMES_FR,
    chart_text,
    column_header,
    monitoring_words,
    statistic_explanation,
    statistic_name,
)
from future_skills.schema import NUMERIC_FEATURES
from future_skills.thresholds import DEFAULTS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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


def run_language(run_dir: Path) -> str | None:
    """The report language a drift run was asked for: the ``report_lang`` papermill recorded in its executed
    notebook (None for a ``drift --no-report`` run or an unreadable notebook)."""
    for notebook in sorted(Path(run_dir).glob("*.ipynb")):
        try:
            metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
        except (OSError, ValueError):
            continue
        lang = ((metadata.get("papermill") or {}).get("parameters") or {}).get("report_lang")
        if lang in LANGUAGES:
            return lang
    return None


def history_language(paths: ProjectPaths | None = None) -> str:
    """The language of the newest drift run that recorded one, else English: the history page reads like
    the reports it links to."""
    runs, _ = monitoring_dirs(paths or get_paths())
    for run_dir in sorted((d for d in runs.glob("*") if d.is_dir()), reverse=True):
        lang = run_language(run_dir)
        if lang:
            return lang
    return "en"


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


def threshold_label(statistic: DriftStatistic, thresholds: dict[str, Any], lang: str = "en") -> str:
    """``PSI (0.1 watch, 0.25 drift)`` from the statistic's declared threshold keys and their values."""
    values = {**DEFAULTS["drift"], **statistic.defaults, **thresholds}
    marks = [f"{compact(values[key], lang)} {chart_text(label, lang)}" for key, label in
             ((statistic.watch_key, "watch"), (statistic.drift_key, "drift")) if key in values]
    short = column_header(statistic, statistic.columns[0], lang) if statistic.columns else statistic.name
    return f"{short} ({', '.join(marks)})" if marks else short


def statistic_history_figure(history: list[dict[str, Any]], statistic: DriftStatistic,
                             lang: str = "en") -> Figure | None:
    """One charted statistic per feature over the drift runs' dates (None when no run has a date)."""
    points = [(run_time(h), h) for h in history]
    points = [(when, h) for when, h in points if when is not None]
    if not points:
        return None
    # lazy: the history page is rarely built, matplotlib is slow to import
    from matplotlib.figure import Figure

    from future_skills.reporting.plots import localise_ticks  # lazy: plots imports matplotlib

    fig = Figure(figsize=(9, 4), dpi=100)
    ax = fig.subplots()
    dates = [when for when, _ in points]
    for feature in NUMERIC_FEATURES:
        values = [statistic_values(h, statistic)[feature] for _, h in points]
        ax.plot(dates, [v if v is not None else float("nan") for v in values], marker="o",
                label=FEATURE_NAMES_FR.get(feature, feature) if lang == "fr" else feature)
    thresholds = {**DEFAULTS["drift"], **statistic.defaults, **points[-1][1].get("thresholds", {})}
    for key, style in ((statistic.watch_key, ":"), (statistic.drift_key, "--")):
        if key in thresholds:
            ax.axhline(thresholds[key], color="grey", linestyle=style, linewidth=1)
    ax.set_title(chart_text("history_title", lang, name=statistic_name(statistic, lang)))
    ax.set_xlabel(chart_text("run_date", lang))
    ax.set_ylabel(threshold_label(statistic, thresholds, lang))
    fig.autofmt_xdate()
    ax.legend(fontsize=7, ncols=2)
    localise_ticks(fig, lang)
    fig.tight_layout()
    return fig


def statistic_history_png(history: list[dict[str, Any]], statistic: DriftStatistic, lang: str = "en") -> str | None:
    """:func:`statistic_history_figure` as a base64 PNG data URI (offline page), or None."""
    fig = statistic_history_figure(history, statistic, lang)
    if fig is None:
        return None
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def history_rows(history: list[dict[str, Any]], entries: list[RegistryEntry], reports: Path,
                 lang: str = "en") -> list[dict]:
    """One row per drift run, newest first: date, model watched, verdict, charted values, links (dates,
    window and reasons worded in ``lang``)."""
    rows = []
    for h in history:
        when = run_time(h)
        html = reports / f"{h['_run']}.html"
        candidate = retrained_after(when, entries) if h.get("verdict") == "retrain" else None
        date = (when.strftime("%Y-%m-%d %H:%M") if lang == "en" else date_time(when.isoformat(), lang)) if when \
            else h["_run"]
        rows.append({"run": h["_run"], "date": date,
                     "model": (h.get("reference") or {}).get("version"),
                     "window": h.get("window") if lang == "en" else window_text(h.get("window"), lang),
                     "rows": h.get("rows"), "malformed": h.get("malformed_lines"), "verdict": h.get("verdict"),
                     "reasons": [reason_text(reason, lang) for reason in h.get("reasons", [])],
                     "values": {s.name: statistic_values(h, s) for s in charted("numeric")},
                     "href": html.name if html.exists() else None, "candidate": candidate,
                     "candidate_href": f"../{candidate}/index.html" if candidate else None})
    return list(reversed(rows))


def build_monitor_history(paths: ProjectPaths | None = None, lang: str | None = None) -> tuple[Path, int]:
    """Write ``reports/monitoring/index.html`` in ``lang`` (default: :func:`history_language`, the language of
    the newest drift report): one line per past drift run, charted statistics over time."""
    # Imported here: nbconvert (under reporting.html) takes seconds to import, and `drift --no-report`
    # imports this module for monitoring_dirs only.
    from future_skills.reporting.html import render_template

    # lazy: start-up time of `drift --no-report`
    from future_skills.reporting.status_block import render_status_block, status_context

    paths = (paths or get_paths()).ensure()
    lang = lang or history_language(paths)
    _, reports = monitoring_dirs(paths)
    history = load_drift_history(paths)
    thresholds = {**DEFAULTS["drift"], **(history[-1].get("thresholds", {}) if history else {})}
    statistics = charted("numeric")
    now = datetime.now().isoformat(timespec="seconds")
    context = {"rows": history_rows(history, RegistryReader(paths).versions(), reports, lang),
               "features": NUMERIC_FEATURES, "m": monitoring_words(lang), "colon": colon("", lang),
               "reason_separator": typography(" ; ", lang) if lang == "fr" else "; ",
               "feature_names": {f: FEATURE_NAMES_FR.get(f, f) if lang == "fr" else f.replace("_", " ")
                                 for f in NUMERIC_FEATURES},
               "statistics": [{"name": s.name, "display_name": statistic_name(s, lang),
                               "header": column_header(s, s.columns[0], lang) if s.columns else s.name,
                               "chart": statistic_history_png(history, s, lang)} for s in statistics],
               "glossary": [(statistic_name(s, lang), statistic_explanation(s, thresholds, lang)) for s in registered()],
               "generated_at": now if lang == "en" else date_time(now, lang)}
    data = RegistryReader(paths).load()
    context["status_block"] = render_status_block(status_context(data, data.production or "", paths, lang), lang)
    index = reports / "index.html"
    atomic_write_text(index, render_template("monitoring_index.html.j2", context, lang))
    return index, len(history)
