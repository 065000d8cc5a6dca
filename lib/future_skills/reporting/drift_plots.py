"""Figures of the drift report: feature histograms, charted statistics per feature, predicted-level mix per week.

Each function takes the report returned by :func:`drift.run_drift_analysis` (or
:func:`drift.analyse_drift`) and returns a matplotlib ``Figure`` — or None when there is
nothing to draw (no data, nothing drifted), so the notebook shows nothing rather than an
empty chart.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from future_skills.formatting import compact, integer, level_name
from future_skills.monitoring.statistics import charted
from future_skills.reporting.drift_texts import chart_text, readable, statistic_name
from future_skills.reporting.plots import LEVEL_COLOURS, LEVEL_NAMES, localise_ticks
from future_skills.schema import LEVELS, NUMERIC_FEATURES

STATUS_COLOURS = {"ok": "#4c9a2a", "watch": "#e0a100", "drift": "#c0392b"}
MONTHS_SHORT_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
                   "déc.")
CHART_SAMPLE_ROWS = 200_000  # histograms are drawn from at most this many logged rows (statistics use all)


def chart_sample(frame: pd.DataFrame, limit: int = CHART_SAMPLE_ROWS, lang: str = "en") -> tuple[pd.DataFrame, str]:
    """``frame`` itself, or a seeded random sample of ``limit`` rows with a note saying so (for a title)."""
    if len(frame) <= limit:
        return frame, ""
    return frame.sample(n=limit, random_state=0), chart_text("sample", lang, limit=integer(limit, lang),
                                                               total=integer(len(frame), lang))


def level_label(level: str, lang: str = "en") -> str:
    """A need level in a legend or table: 'Medium need' in English, the French level name otherwise."""
    return LEVEL_NAMES[level] if lang == "en" else level_name(level, lang)


def _day(day: Any, lang: str) -> str:
    """'03 Nov' / '03 nov.' for a week's first day on the chart's axis."""
    return f"{day:%d %b}" if lang == "en" else f"{day:%d} {MONTHS_SHORT_FR[day.month - 1]}"


def _frames(report: dict[str, Any]) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    inputs = getattr(report, "inputs", None)
    if inputs is None:
        return None, None
    return inputs.reference, inputs.current


def feature_histograms(report: dict[str, Any], features: list[str] | None = None, lang: str = "en") -> Figure | None:
    """Reference vs current histograms (as shares) of the features in watch or drift (or ``features``)."""
    reference, current = _frames(report)
    if reference is None or current is None or current.empty:
        return None
    chosen = features or [f for f, r in report.get("features", {}).items() if r.get("status") in ("watch", "drift")]
    if not chosen:
        return None
    columns = min(len(chosen), 3)
    rows = -(-len(chosen) // columns)
    fig = Figure(figsize=(4.5 * columns, 3.4 * rows + 0.5), dpi=100)
    axes = np.atleast_1d(fig.subplots(rows, columns)).ravel()
    current, sampled = chart_sample(current, lang=lang)
    for ax, name in zip(axes, chosen):
        ref, cur = reference[name].dropna().to_numpy(float), current[name].dropna().to_numpy(float)
        edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins=25)
        ax.hist(ref, bins=edges, weights=np.full(len(ref), 100 / max(len(ref), 1)), alpha=0.55,
                label=chart_text("reference", lang), color="#7f7f7f")
        ax.hist(cur, bins=edges, weights=np.full(len(cur), 100 / max(len(cur), 1)), alpha=0.55,
                label=chart_text("current", lang), color=STATUS_COLOURS["drift"])
        status = report["features"].get(name, {}).get("status", "")
        ax.set_title(f"{readable(name, lang)} — {chart_text(status, lang) if status in ('watch', 'drift') else status}")
        ax.set_xlabel(readable(name, lang))
        ax.set_ylabel(chart_text("share_rows", lang))
    for ax in axes[len(chosen):]:
        ax.set_visible(False)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncols=2, fontsize=8)
    fig.suptitle(chart_text("moved", lang, sampled=sampled))
    localise_ticks(fig, lang)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def statistics_chart(report: dict[str, Any], lang: str = "en") -> Figure | None:
    """One panel per charted numeric statistic (PSI by default): its value per feature, coloured by the
    feature's status, with the statistic's watch and drift thresholds."""
    features = report.get("features") or {}
    panels = charted("numeric")
    if not features or not panels:
        return None
    names = [n for n in NUMERIC_FEATURES if n in features]
    fig = Figure(figsize=(8, 3.8 * len(panels)), dpi=100)
    axes = np.atleast_1d(fig.subplots(len(panels), 1)).ravel()
    thresholds = report.get("thresholds", {})
    for ax, statistic in zip(axes, panels):
        values = [features[n].get(statistic.chart_key) or 0.0 for n in names]
        ax.barh([readable(n, lang) for n in names], values,
                color=[STATUS_COLOURS.get(features[n]["status"], "grey") for n in names])
        for key, style, label in ((statistic.watch_key, ":", "watch"), (statistic.drift_key, "--", "drift")):
            if key in thresholds:
                ax.axvline(thresholds[key], color="black", linestyle=style, linewidth=1,
                           label=chart_text("threshold", lang, label=chart_text(label, lang),
                                           value=compact(thresholds[key], lang)))
        ax.invert_yaxis()
        name = statistic_name(statistic, lang)
        ax.set_title(chart_text("per_feature", lang, name=name))
        ax.set_xlabel(chart_text("zero", lang, name=name))
        ax.set_ylabel(chart_text("feature", lang))
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8, loc="lower right")
    localise_ticks(fig, lang)
    fig.tight_layout()
    return fig


def prediction_mix_by_week(report: dict[str, Any], lang: str = "en") -> Figure | None:
    """Stacked bars: share of each predicted level among the logged predictions, per week."""
    _, current = _frames(report)
    if current is None or current.empty:
        return None
    week = current["timestamp"].dt.to_period("W").dt.start_time
    counts = pd.crosstab(week, current["predicted_level"]).reindex(columns=list(LEVELS), fill_value=0)
    shares = counts.div(counts.sum(axis=1), axis=0) * 100
    fig = Figure(figsize=(8, 3.8), dpi=100)
    ax = fig.subplots()
    bottom = np.zeros(len(shares))
    labels = [f"{_day(d, lang)}\n({n})" for d, n in zip(shares.index, counts.sum(axis=1))]
    for level in LEVELS:
        ax.bar(labels, shares[level].to_numpy(), bottom=bottom, label=level_label(level, lang), color=LEVEL_COLOURS[level])
        bottom += shares[level].to_numpy()
    ax.set_title(chart_text("per_week", lang))
    ax.set_xlabel(chart_text("week", lang))
    ax.set_ylabel(chart_text("share_predictions", lang))
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    localise_ticks(fig, lang)
    fig.tight_layout()
    return fig
