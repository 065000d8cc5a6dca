"""Classification metrics in the shape of the model metadata, and candidate-vs-production rows.

Every number is a plain ``float`` / ``int`` so the result goes straight into JSON.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from future_skills.schema import LEVELS


def _labels(values: Sequence[Any]) -> np.ndarray:
    """Labels as a plain object array of str (works for lists, numpy and pandas 2/3 string dtypes)."""
    return np.asarray([str(v) for v in values], dtype=object)


def classification_metrics(y_true: Sequence[Any], y_pred: Sequence[Any]) -> dict[str, Any]:
    """Accuracy, weighted F1 and per-class precision/recall/F1/support for LOW, MEDIUM, HIGH.

    Undefined ratios (a class never predicted or absent) count as 0 (``zero_division=0``).
    """
    # scikit-learn is imported when metrics are computed: the pipeline's driver only renders them
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    truth, pred = _labels(y_true), _labels(y_pred)
    if len(truth) != len(pred):
        raise ValueError(f"y_true has {len(truth)} labels but y_pred has {len(pred)}.")
    if len(truth) == 0:
        raise ValueError("Cannot compute metrics on zero rows.")
    labels = list(LEVELS)
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, pred, labels=labels, zero_division=0
    )
    per_class = {
        level: {"precision": float(precision[i]), "recall": float(recall[i]),
                "f1": float(f1[i]), "support": int(support[i])}
        for i, level in enumerate(labels)
    }
    return {
        "accuracy": float(accuracy_score(truth, pred)),
        "f1_weighted": float(f1_score(truth, pred, labels=labels, average="weighted", zero_division=0)),
        "per_class": per_class,
    }


def confusion(y_true: Sequence[Any], y_pred: Sequence[Any]) -> pd.DataFrame:
    """Confusion matrix with rows = HR label, columns = predicted level, both LOW/MEDIUM/HIGH."""
    from sklearn.metrics import confusion_matrix  # when computed, as in classification_metrics

    matrix = confusion_matrix(_labels(y_true), _labels(y_pred), labels=list(LEVELS))
    frame = pd.DataFrame(matrix.astype(int), index=list(LEVELS), columns=list(LEVELS))
    frame.index.name = "HR label"
    frame.columns.name = "Predicted"
    return frame


def rows_scored(metrics: dict[str, Any]) -> int:
    """How many rows ``metrics`` were computed on (the sum of the class supports)."""
    return int(sum(int(c["support"]) for c in metrics["per_class"].values()))


def comparison_rows(candidate: dict[str, Any], production: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Candidate and production side by side: accuracy, weighted F1, per-class precision and recall.

    Each row is ``{"key", "candidate", "production", "delta"}`` with ``key`` such as
    ``accuracy`` or ``precision_MEDIUM``; production and delta are None without production.
    """
    def value(metrics: dict[str, Any] | None, key: str) -> float | None:
        if not metrics:
            return None
        if key in ("accuracy", "f1_weighted"):
            return metrics.get(key)
        measure, level = key.split("_", 1)
        return metrics.get("per_class", {}).get(level, {}).get(measure)

    keys = ["accuracy", "f1_weighted"] + [f"{m}_{level}" for m in ("precision", "recall") for level in LEVELS]
    rows = []
    for key in keys:
        cand, prod = value(candidate, key), value(production, key)
        rows.append({"key": key, "candidate": cand, "production": prod,
                     "delta": None if cand is None or prod is None else cand - prod})
    return rows
