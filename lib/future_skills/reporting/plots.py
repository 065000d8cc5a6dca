"""Figures for the training, evaluation and export reports (matplotlib object API).

Each function returns a :class:`matplotlib.figure.Figure` sized for ~700 px wide reports.
Figures are not attached to pyplot, so nothing leaks between cells; a notebook displays a
returned figure as its cell's last value, and nbconvert embeds it in the HTML as a PNG.
"""
from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, ScalarFormatter

from future_skills.formatting import decimal, integer, level_name, percent
from future_skills.schema import LEVELS
from future_skills.thresholds import load_config

WIDTH = 7.0   # inches; at 100 dpi = 700 px
# One look for the three levels in every report (ordinal: light to dark blue).
LEVEL_COLOURS = {"LOW": "#9ecae1", "MEDIUM": "#4292c6", "HIGH": "#08519c"}
LEVEL_NAMES = {"LOW": "Low need", "MEDIUM": "Medium need", "HIGH": "High need"}
CANDIDATE_COLOUR, PRODUCTION_COLOUR = "#1f77b4", "#9e9e9e"
# Axis labels and legends of the figures, per report language.
LABELS: dict[str, dict[str, str]] = {
    "en": {"predicted": "Level predicted by the model", "decided": "Level decided by HR",
           "share": "Share of the HR level's rows", "importance": "Importance (all features sum to 1)",
           "need": "Future need level decided by HR", "rows": "Number of rows",
           "accuracy": "Accuracy", "f1": "Weighted F1", "precision": "Precision", "objective": "Objective",
           "score": "Score (1 = perfect)", "same_rows": "Candidate vs production on the same unseen rows",
           "alone": "Candidate scores on its held-out rows"},
    "fr": {"predicted": "Niveau prédit par le modèle", "decided": "Niveau décidé par la RH",
           "share": "Part des lignes de ce niveau RH", "importance": "Importance (somme de 1 sur toutes les variables)",
           "need": "Niveau de besoin futur décidé par la RH",
           "rows": "Nombre de lignes", "accuracy": "Bonnes réponses", "f1": "F1 pondéré", "precision": "Précision",
           "objective": "Objectif", "score": "Score (1 = parfait)",
           "same_rows": "Candidat et production sur les mêmes lignes jamais vues",
           "alone": "Scores du candidat sur ses lignes de test"},
}


class TickFormatter(Formatter):
    """Axis tick labels in the report language (formatting.decimal / percent): '0,25' and '85 %' in French.

    All the ticks of an axis get the same number of decimals, as few as they need (0, 0.05, 0.1 ->
    '0.00', '0.05', '0.10'); ``share`` shows values from 0 to 1 as percentages.
    """

    MAX_DIGITS = 4

    def __init__(self, lang: str = "en", share: bool = False) -> None:
        self.lang, self.share = lang, share

    def digits(self, values: Any) -> int:
        """The fewest decimals that show every value of ``values`` exactly (at most ``MAX_DIGITS``)."""
        scale = 100 if self.share else 1
        numbers = [scale * float(v) for v in values if np.isfinite(v)]
        for digits in range(self.MAX_DIGITS):
            if all(abs(v - round(v, digits)) < 1e-9 * max(1.0, abs(v)) for v in numbers):
                return digits
        return self.MAX_DIGITS

    def label(self, value: float, digits: int) -> str:
        """One tick's text with ``digits`` decimals."""
        if self.share:
            return percent(value, self.lang, digits)
        return decimal(0.0 if abs(value) < 1e-12 else value, digits, self.lang)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self.label(x, self.digits(list(self.locs) or [x]))

    def format_ticks(self, values: Any) -> list[str]:
        self.set_locs(values)
        digits = self.digits(values)
        return [self.label(v, digits) for v in values]


def localise_ticks(fig: Figure, lang: str = "en") -> Figure:
    """``fig`` with every numeric axis (colour bars included) labelled by :class:`TickFormatter` in ``lang``.

    Axes of categories or dates keep their own labels. Called last by every figure of the reports.
    """
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(TickFormatter(lang))
    return fig


def confusion_matrix_figure(confusion_df: pd.DataFrame, title: str, lang: str = "en") -> Figure:
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
            ax.text(j, i, f"{integer(counts[i, j], lang)}\n({percent(shares[i, j], lang, 0)})", ha="center", va="center",
                    color=colour, fontsize=11)
    names = [level_name(level, lang) for level in LEVELS]
    ax.set_xticks(range(len(LEVELS)), labels=names)
    ax.set_yticks(range(len(LEVELS)), labels=names)
    ax.set_xlabel(LABELS[lang]["predicted"])
    ax.set_ylabel(LABELS[lang]["decided"])
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label=LABELS[lang]["share"], shrink=0.85)
    return localise_ticks(fig, lang)


def feature_importance_figure(importances: dict[str, float], title: str, lang: str = "en") -> Figure:
    """Horizontal bars, most important feature on top."""
    items = sorted(importances.items(), key=lambda kv: kv[1])
    names, values = [k for k, _ in items], [v for _, v in items]
    fig = Figure(figsize=(WIDTH, max(2.5, 0.38 * len(items) + 1.2)), layout="constrained")
    ax = fig.subplots()
    bars = ax.barh(names, values, color=CANDIDATE_COLOUR)
    ax.bar_label(bars, labels=[decimal(v, 3, lang) for v in values], padding=3, fontsize=9)
    ax.set_xlabel(LABELS[lang]["importance"])
    ax.set_title(title)
    ax.set_xlim(0, max(values + [0.01]) * 1.18)
    ax.tick_params(axis="y", labelsize=9)
    return localise_ticks(fig, lang)


def class_distribution_figure(dist: dict[str, int], title: str, lang: str = "en") -> Figure:
    """Rows per need level (LOW, MEDIUM, HIGH) with counts and shares."""
    counts = [int(dist.get(level, 0)) for level in LEVELS]
    total = sum(counts) or 1
    fig = Figure(figsize=(WIDTH * 0.75, 3.6), layout="constrained")
    ax = fig.subplots()
    bars = ax.bar([level_name(level, lang) for level in LEVELS], counts,
                  color=[LEVEL_COLOURS[level] for level in LEVELS])
    ax.bar_label(bars, labels=[f"{integer(c, lang)} ({percent(c / total, lang, 0)})" for c in counts], padding=3)
    ax.set_xlabel(LABELS[lang]["need"])
    ax.set_ylabel(LABELS[lang]["rows"])
    ax.set_ylim(0, max(counts + [1]) * 1.18)
    ax.set_title(title)
    return localise_ticks(fig, lang)


def _comparison_values(metrics: dict[str, Any]) -> list[float]:
    return [metrics["accuracy"], metrics["f1_weighted"],
            *[metrics["per_class"][level]["precision"] for level in LEVELS]]


def comparison_figure(candidate_metrics: dict[str, Any], production_metrics: dict[str, Any] | None,
                      targets: dict[str, float] | None = None,
                      labels: tuple[str, str] = ("Candidate", "Production"), lang: str = "en") -> Figure:
    """Grouped bars: accuracy, weighted F1 and per-class precision, with the objectives as marks."""
    targets = targets or load_config()["targets"]
    text = LABELS[lang]
    names = [text["accuracy"], text["f1"], *[f"{text['precision']}\n{level_name(level, lang)}" for level in LEVELS]]
    keys = ["accuracy", "f1_weighted", *[f"precision_{level}" for level in LEVELS]]
    x = np.arange(len(names))
    width = 0.38 if production_metrics else 0.6
    fig = Figure(figsize=(WIDTH, 4.2), layout="constrained")
    ax = fig.subplots()
    offset = width / 2 if production_metrics else 0.0
    for values, shift, label, colour in ((candidate_metrics, -offset, labels[0], CANDIDATE_COLOUR),
                                         (production_metrics, offset, labels[1], PRODUCTION_COLOUR)):
        if values:
            heights = _comparison_values(values)
            bars = ax.bar(x + shift, heights, width, label=label, color=colour)
            ax.bar_label(bars, labels=[decimal(h, 2, lang) for h in heights], padding=2, fontsize=8)
    for i, key in enumerate(keys):
        if key in targets:
            ax.hlines(targets[key], i - 0.45, i + 0.45, colors="black", linestyles="--", linewidth=1.2,
                      label=text["objective"] if i == 0 else None)
    ax.set_xticks(x, labels=names)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel(text["score"])
    ax.set_title(text["same_rows"] if production_metrics else text["alone"])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=3, fontsize=9, frameon=False)
    return localise_ticks(fig, lang)


def reliability_limits(bins: list[dict[str, Any]], margin: float = 0.04) -> tuple[float, float]:
    """Axis limits of the reliability diagram holding every point and its marker: from just below the
    lowest confidence or share right (at most 0.3) to just above 1."""
    values = [float(b[key]) for b in bins for key in ("confidence", "accuracy")]
    low = min([0.3, *values]) - margin
    return max(0.0, low), 1.0 + margin


def reliability_figure(calibration: dict[str, Any], lang: str = "en") -> Figure:
    """Reliability diagram: share right against mean confidence per confidence band (diagonal = calibrated)."""
    text = CALIBRATION_LABELS[lang]
    bins = calibration["bins"]
    low, high = reliability_limits(bins)
    fig = Figure(figsize=(4.2, 3.6), layout="constrained")
    ax = fig.subplots()
    ax.plot([low, high], [low, high], linestyle="--", color=PRODUCTION_COLOUR, label=text["ideal"])
    ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o", color=CANDIDATE_COLOUR,
            label=text["model"])
    for b in bins:
        ax.annotate(integer(b["rows"], lang), (b["confidence"], b["accuracy"]), textcoords="offset points",
                    xytext=(4, -10), fontsize=7)
    ax.set_xlabel(text["confidence"])
    ax.set_ylabel(text["right"])
    ax.set_xlim(low, high)
    ax.set_ylim(low, high)
    ax.legend(fontsize=8, loc="upper left")
    return localise_ticks(fig, lang)


CALIBRATION_LABELS = {
    "en": {"ideal": "Perfectly calibrated", "model": "Candidate (pairs per point)",
           "confidence": "Model's confidence", "right": "Share of right answers"},
    "fr": {"ideal": "Calibration parfaite", "model": "Candidat (paires par point)",
           "confidence": "Confiance du modèle", "right": "Part de bonnes réponses"},
}


def figure_png(fig: Figure) -> str:
    """A figure as base64 PNG text, to embed in an offline HTML page."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
