"""Metric names and the metric tables shared by the training and evaluation reports, in en/fr."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from future_skills.formatting import DASH, decimal, integer, level_name, mark_of, percent, points
from future_skills.model.metrics import comparison_rows
from future_skills.reporting.texts import catalogue_text
from future_skills.schema import LEVELS

TEXT: dict[str, dict[str, str]] = {
    "en": {"accuracy": "Accuracy", "f1_weighted": "Weighted F1", "precision": "Precision", "recall": "Recall",
           "f1": "F1", "support": "Support (rows)", "level": "Level", "metric": "Metric", "value": "Value",
           "candidate": "Candidate {version}", "production": "Production {version}", "difference": "Difference"},
    "fr": {"accuracy": "Taux de bonnes réponses", "f1_weighted": "F1 pondéré", "precision": "Précision",
           "recall": "Rappel", "f1": "F1", "support": "Effectif (lignes)", "level": "Niveau",
           "metric": "Indicateur", "value": "Valeur", "candidate": "Candidat {version}",
           "production": "Production {version}", "difference": "Différence"},
}


def metric_label(key: str, lang: str = "en") -> str:
    """'accuracy' -> 'Accuracy'; 'precision_MEDIUM' -> 'Precision MEDIUM' / 'Précision MOYEN'."""
    if key in ("accuracy", "f1_weighted"):
        return catalogue_text(TEXT, key, lang)
    measure, level = key.split("_", 1)
    return f"{catalogue_text(TEXT, measure, lang)} {level_name(level, lang)}"


def measure(key: str, value: Any, lang: str = "en") -> str:
    """A metric value as every page shows it: shares as percentages, weighted F1 as a 0–1 number."""
    return decimal(value, 3, lang) if str(key).startswith("f1") else percent(value, lang)


def measure_change(key: str, value: Any, lang: str = "en") -> str:
    """A metric difference as every page shows it: percentage points for shares, a signed number for F1."""
    return decimal(value, 3, lang, signed=True) if str(key).startswith("f1") else points(value, lang)


def summary_frame(metrics: dict[str, Any], name: str = "", lang: str = "en") -> pd.DataFrame:
    """Accuracy and weighted F1 as a two-row table."""
    column = name or catalogue_text(TEXT, "value", lang)
    return pd.DataFrame({column: [metrics["accuracy"], metrics["f1_weighted"]]},
                        index=[metric_label("accuracy", lang), metric_label("f1_weighted", lang)])


def per_class_frame(metrics: dict[str, Any], lang: str = "en") -> pd.DataFrame:
    """Per-class precision, recall, F1 and support (one row per level)."""
    frame = pd.DataFrame.from_dict(metrics["per_class"], orient="index")
    frame = frame.reindex(list(LEVELS))[["precision", "recall", "f1", "support"]]
    frame.columns = [catalogue_text(TEXT, k, lang) for k in ("precision", "recall", "f1", "support")]
    frame.index = [level_name(level, lang) for level in LEVELS]
    frame.index.name = catalogue_text(TEXT, "level", lang)
    return frame


def comparison_frame(candidate: dict[str, Any], production: dict[str, Any] | None,
                     versions: tuple[str, str | None] = ("", None), lang: str = "en") -> pd.DataFrame:
    """Side-by-side accuracy, weighted F1 and per-class precision/recall, with the difference."""
    names = [catalogue_text(TEXT, "candidate", lang, version=versions[0]).strip(),
             catalogue_text(TEXT, "production", lang, version=versions[1] or "").strip(),
             catalogue_text(TEXT, "difference", lang)]
    rows = comparison_rows(candidate, production)
    frame = pd.DataFrame([[r["candidate"], r["production"], r["delta"]] for r in rows],
                         index=[metric_label(r["key"], lang) for r in rows], columns=names, dtype=float)
    frame.index.name = catalogue_text(TEXT, "metric", lang)
    return frame if production is not None else frame[[names[0]]]


def comparison_table(candidate: dict[str, Any], production: dict[str, Any] | None,
                     versions: tuple[str, str | None] = ("", None), lang: str = "en") -> pd.DataFrame:
    """:func:`comparison_frame` as text cells formatted like index.html (85,5 % ; −0,6 point ; 0,868), so a
    figure shown on two pages reads the same on both."""
    frame = comparison_frame(candidate, production, versions, lang).astype(object)
    for row, result in zip(frame.index, comparison_rows(candidate, production)):
        for column, value in zip(frame.columns, (result["candidate"], result["production"], result["delta"])):
            frame.loc[row, column] = (measure_change if column == frame.columns[-1] and production is not None
                                      else measure)(result["key"], value, lang)
    return frame


def show(frame: pd.DataFrame, lang: str = "en", digits: int = 3) -> Any:
    """The table as the report shows it: numbers in the language's format (0,855 ; 6 523), gaps as a dash,
    pass / fail marks in the colours of every other page."""
    def cell(value: Any) -> str:
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            return integer(int(value), lang)
        if isinstance(value, (float, np.floating)):
            return DASH if np.isnan(value) else decimal(float(value), digits, lang)
        return str(value)

    def colour(value: Any) -> str:
        found = mark_of(value, lang)
        return found.style if found else ""

    return frame.style.format(cell).map(colour)
