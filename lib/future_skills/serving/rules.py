"""The transparent rules engine: answers when no ML model is in production or it cannot be loaded.

The rule is a weighted sum of four signals, each brought to a 0–100 scale::

    score = 0.35 * trend_score + 0.25 * internal_usage
          + 0.20 * min(training_requests / TRAINING_REQUESTS_FULL, 1) * 100
          + 0.20 * scarcity_index

    LOW  if score < 40,   MEDIUM if 40 <= score < 70,   HIGH if score >= 70

Probabilities are derived from the score so that they are plausible and agree with the
level: each level has a centre on the score scale (LOW 25, MEDIUM 55, HIGH 85, whose
midpoints are the thresholds 40 and 70) and gets a Gaussian weight
``exp(-(score - centre)² / (2 · 15²))``; the weights are normalised to sum to 1. The
most probable level is therefore always the predicted level.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from future_skills.exceptions import FutureSkillsError
from future_skills.model.scoring import prediction_frame
from future_skills.schema import LEVELS

RULES_ENGINE = "rules"
RULES_VERSION = "rules_v1"

RULE_WEIGHTS: dict[str, float] = {
    "trend_score": 0.35,
    "internal_usage": 0.25,
    "training_requests": 0.20,
    "scarcity_index": 0.20,
}
# training_requests is an unbounded count: this many requests (or more) counts as 100.
TRAINING_REQUESTS_FULL = 50.0
MEDIUM_THRESHOLD = 40.0
HIGH_THRESHOLD = 70.0
LEVEL_CENTRES: dict[str, float] = {"LOW": 25.0, "MEDIUM": 55.0, "HIGH": 85.0}
PROBABILITY_SPREAD = 15.0


def rules_score(frame: pd.DataFrame) -> np.ndarray:
    """The 0–100 rule score of each row (see the module docstring for the formula)."""
    missing = [name for name in RULE_WEIGHTS if name not in frame.columns]
    if missing:
        raise FutureSkillsError(
            f"The rules engine needs the column(s) {', '.join(missing)}; add them to the pairs to score."
        )
    values = {}
    for name in RULE_WEIGHTS:
        column = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
        if np.isnan(column).any():
            raise FutureSkillsError(
                f"Column {name} has empty or non-numeric values; give a number for every pair."
            )
        values[name] = column
    scaled_requests = np.clip(values["training_requests"] / TRAINING_REQUESTS_FULL, 0.0, 1.0) * 100.0
    score = (
        RULE_WEIGHTS["trend_score"] * np.clip(values["trend_score"], 0, 100)
        + RULE_WEIGHTS["internal_usage"] * np.clip(values["internal_usage"], 0, 100)
        + RULE_WEIGHTS["training_requests"] * scaled_requests
        + RULE_WEIGHTS["scarcity_index"] * np.clip(values["scarcity_index"], 0, 100)
    )
    return np.clip(score, 0.0, 100.0)


def level_from_score(score: np.ndarray) -> np.ndarray:
    """LOW below 40, MEDIUM from 40 to below 70, HIGH from 70."""
    return np.where(score >= HIGH_THRESHOLD, "HIGH", np.where(score >= MEDIUM_THRESHOLD, "MEDIUM", "LOW"))


def probabilities_from_score(score: np.ndarray) -> np.ndarray:
    """An (n, 3) array of P(LOW), P(MEDIUM), P(HIGH): normalised Gaussian weights around each level's centre."""
    centres = np.array([LEVEL_CENTRES[level] for level in LEVELS])
    distance = np.asarray(score, dtype=float)[:, None] - centres[None, :]
    weights = np.exp(-(distance**2) / (2 * PROBABILITY_SPREAD**2))
    return weights / weights.sum(axis=1, keepdims=True)




def rules_predict(frame: pd.DataFrame) -> pd.DataFrame:
    """Score rows with the rule: ``predicted_level``, ``score``, ``prob_<LEVEL>``, ``engine``, ``model_version``.

    The result has the same index as ``frame``; names and other columns are not needed.
    """
    score = rules_score(frame)
    result = prediction_frame(frame.index, level_from_score(score), score, probabilities_from_score(score),
                              RULES_ENGINE)
    result["model_version"] = RULES_VERSION
    return result
