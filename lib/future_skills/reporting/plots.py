"""Figures for the training, evaluation and export reports (matplotlib object API).

Each function returns a :class:`matplotlib.figure.Figure` sized for ~700 px wide reports.
Figures are not attached to pyplot, so nothing leaks between cells; a notebook displays a
returned figure as its cell's last value, and nbconvert embeds it in the HTML as a PNG.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from future_skills.schema import LEVELS
from future_skills.thresholds import load_config

WIDTH = 7.0   # inches; at 100 dpi = 700 px
# One look for the three levels in every report (ordinal: light to dark blue).
LEVEL_COLOURS = {"LOW": "#9ecae1", "MEDIUM": "#4292c6", "HIGH": "#08519c"}
LEVEL_NAMES = {"LOW": "Low need", "MEDIUM": "Medium need", "HIGH": "High need"}
CANDIDATE_COLOUR, PRODUCTION_COLOUR = "#1f77b4", "#9e9e9e"


def confusion_matrix_figure(confusion_df: pd.DataFrame, title: str) -> Figure:
    """Heat map of a confusion matrix (rows = HR label, columns = prediction) with counts and row %."""
    frame = confusion_df.reindex(index=list(LEVELS), columns=list(LEVELS)).fillna(0)
    counts = frame.to_numpy(dtype=float)
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    fig = Figure(figsize=(5.5, 4.6), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(LEVELS)):
        for j in range(len(LEVELS)):
            colour = "white" if shares[i, j] > 0.6 else "black"
            ax.text(j, i, f"{int(counts[i, j])}\n({shares[i, j]:.0%})", ha="center", va="center",
                    color=colour, fontsize=11)
    ax.set_xticks(range(len(LEVELS)), labels=list(LEVELS))
    ax.set_yticks(range(len(LEVELS)), labels=list(LEVELS))
    ax.set_xlabel("Level predicted by the model")
    ax.set_ylabel("Level decided by HR")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label="Share of the HR level's rows", shrink=0.85)
    return fig


def feature_importance_figure(importances: dict[str, float], title: str) -> Figure:
    """Horizontal bars, most important feature on top."""
    items = sorted(importances.items(), key=lambda kv: kv[1])
    names, values = [k for k, _ in items], [v for _, v in items]
    fig = Figure(figsize=(WIDTH, max(2.5, 0.38 * len(items) + 1.2)), layout="constrained")
    ax = fig.subplots()
    bars = ax.barh(names, values, color=CANDIDATE_COLOUR)
    ax.bar_label(bars, labels=[f"{v:.3f}" for v in values], padding=3, fontsize=9)
    ax.set_xlabel("Importance (share of the forest's decisions, all features sum to 1)")
    ax.set_title(title)
    ax.set_xlim(0, max(values + [0.01]) * 1.18)
    ax.tick_params(axis="y", labelsize=9)
    return fig


def class_distribution_figure(dist: dict[str, int], title: str) -> Figure:
    """Rows per need level (LOW, MEDIUM, HIGH) with counts and shares."""
    counts = [int(dist.get(level, 0)) for level in LEVELS]
    total = sum(counts) or 1
    fig = Figure(figsize=(WIDTH * 0.75, 3.6), layout="constrained")
    ax = fig.subplots()
    bars = ax.bar(list(LEVELS), counts, color=[LEVEL_COLOURS[level] for level in LEVELS])
    ax.bar_label(bars, labels=[f"{c} ({c / total:.0%})" for c in counts], padding=3)
    ax.set_xlabel("Future need level decided by HR")
    ax.set_ylabel("Number of rows")
    ax.set_ylim(0, max(counts + [1]) * 1.18)
    ax.set_title(title)
    return fig


def _comparison_values(metrics: dict[str, Any]) -> list[float]:
    return [metrics["accuracy"], metrics["f1_weighted"],
            *[metrics["per_class"][level]["precision"] for level in LEVELS]]


def comparison_figure(candidate_metrics: dict[str, Any], production_metrics: dict[str, Any] | None,
                      targets: dict[str, float] | None = None,
                      labels: tuple[str, str] = ("Candidate", "Production")) -> Figure:
    """Grouped bars: accuracy, weighted F1 and per-class precision, with the objectives as marks."""
    targets = targets or load_config()["targets"]
    names = ["Accuracy", "Weighted F1", *[f"Precision\n{level}" for level in LEVELS]]
    keys = ["accuracy", "f1_weighted", *[f"precision_{level}" for level in LEVELS]]
    x = np.arange(len(names))
    width = 0.38 if production_metrics else 0.6
    fig = Figure(figsize=(WIDTH, 4.2), layout="constrained")
    ax = fig.subplots()
    offset = width / 2 if production_metrics else 0.0
    bars = ax.bar(x - offset, _comparison_values(candidate_metrics), width, label=labels[0],
                  color=CANDIDATE_COLOUR)
    ax.bar_label(bars, fmt="%.2f", padding=2, fontsize=8)
    if production_metrics:
        bars = ax.bar(x + offset, _comparison_values(production_metrics), width, label=labels[1],
                      color=PRODUCTION_COLOUR)
        ax.bar_label(bars, fmt="%.2f", padding=2, fontsize=8)
    for i, key in enumerate(keys):
        if key in targets:
            ax.hlines(targets[key], i - 0.45, i + 0.45, colors="black", linestyles="--", linewidth=1.2,
                      label="Objective" if i == 0 else None)
    ax.set_xticks(x, labels=names)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("Score (1 = perfect)")
    ax.set_title("Candidate vs production on the same unseen rows" if production_metrics
                 else "Candidate scores on its held-out rows")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=3, fontsize=9, frameon=False)
    return fig
