"""Evidence behind the decision, computed once on the compared rows and stored in the metadata.

* ``paired``: both models on the same unseen rows, with 95 % intervals and McNemar's test;
* ``recent``: the same on the rows dated after everything production was trained on (HR decided
  them after production was built, and neither model learned from them);
* ``groups``: the candidate's accuracy by department and by skill category, weakest group flagged;
* ``calibration``: whether the model's confidence matches how often it is right.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from future_skills.model.statistics import accuracy_with_interval, paired_comparison
from future_skills.schema import LABEL

GROUP_COLUMNS = ("job_department", "skill_category")
MIN_GROUP_ROWS = 20
CALIBRATION_BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)


def group_accuracy(frame: pd.DataFrame, predictions: list[str], column: str) -> dict[str, Any]:
    """Accuracy (with interval) per value of ``column``; the weakest group with enough rows and its gap."""
    right = pd.Series([p == t for p, t in zip(predictions, frame[LABEL].astype(str))], index=frame.index)
    overall = float(right.mean()) if len(right) else None
    groups = {}
    for value, hits in right.groupby(frame[column].astype(str)):
        groups[str(value)] = accuracy_with_interval(int(hits.sum()), int(len(hits)))
    eligible = {k: g for k, g in groups.items() if g["rows"] >= MIN_GROUP_ROWS}
    weakest = min(eligible, key=lambda k: eligible[k]["accuracy"]) if eligible else None
    return {"column": column, "overall": overall, "groups": groups, "weakest": weakest,
            "weakest_gap": (groups[weakest]["accuracy"] - overall) if weakest and overall is not None else None,
            "min_rows": MIN_GROUP_ROWS}


def calibration(confidence: Any, frame: pd.DataFrame, predictions: list[str]) -> dict[str, Any] | None:
    """Per confidence band: rows, mean confidence, share right; and the overall gap (confidence − accuracy).

    ``confidence`` is the model's probability of each predicted level (None: the model gives none).
    """
    if confidence is None or not len(frame):
        return None
    confidence = np.asarray(confidence, dtype=float)
    right = np.asarray([p == t for p, t in zip(predictions, frame[LABEL].astype(str))], dtype=float)
    bins = []
    for low, high in zip(CALIBRATION_BINS[:-1], CALIBRATION_BINS[1:]):
        inside = (confidence >= low) & (confidence < high)
        if inside.any():
            bins.append({"low": low, "high": min(high, 1.0), "rows": int(inside.sum()),
                         "confidence": float(confidence[inside].mean()), "accuracy": float(right[inside].mean())})
    return {"bins": bins, "mean_confidence": float(confidence.mean()), "accuracy": float(right.mean()),
            "gap": float(confidence.mean() - right.mean())}


def recent_rows(frame: pd.DataFrame, production_train_dates: set[str]) -> pd.Series:
    """Rows dated after the last date production was trained on."""
    if not production_train_dates:
        return pd.Series(False, index=frame.index)
    last = max(production_train_dates)
    return frame["snapshot_date"].astype(str) > last


def collect(frame: pd.DataFrame, truth: list[str], cand_confidence: Any, cand_pred: list[str],
            prod_pred: list[str] | None, production_train_dates: set[str]) -> dict[str, Any]:
    """All the evidence above, as plain JSON-ready data (``cand_confidence``: see :func:`calibration`)."""
    recent = recent_rows(frame, production_train_dates).to_numpy()
    recent_block = None
    if prod_pred is not None and recent.any():
        pick = [i for i, r in enumerate(recent) if r]
        recent_block = paired_comparison([truth[i] for i in pick], [cand_pred[i] for i in pick],
                                         [prod_pred[i] for i in pick])
        recent_block["after"] = max(production_train_dates)
    return {
        "paired": paired_comparison(truth, cand_pred, prod_pred),
        "recent": recent_block,
        "groups": {column: group_accuracy(frame, cand_pred, column) for column in GROUP_COLUMNS},
        "calibration": calibration(cand_confidence, frame, cand_pred),
    }
