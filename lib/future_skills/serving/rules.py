"""The transparent rules engine: answers when no ML model is in production or it cannot be loaded.

The rule is a weighted sum of four signals, each brought to a 0–1 share::

    score = 100 × (0.35 · trend_score + 0.25 · internal_usage
                   + 0.20 · min(training_requests / TRAINING_REQUESTS_FULL, 1)
                   + 0.20 · scarcity_index)

    LOW  if score < 40,   MEDIUM if 40 <= score < 70,   HIGH if score >= 70

The shares are the original system's 0–1 values; when the dataset contract in force gives a
signal another bounded range (``[dataset.ranges]``, e.g. 0–100), the value is rescaled from
that range, so the rule means the same whatever the scale. Shares are clipped to 0–1.

Probabilities are derived from the score so that they are plausible and agree with the
level: each level has a centre on the score scale (LOW 25, MEDIUM 55, HIGH 85, whose
midpoints are the thresholds 40 and 70) and gets a Gaussian weight
``exp(-(score - centre)² / (2 · 15²))``; the weights are normalised to sum to 1. The
most probable level is therefore always the predicted level.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from future_skills.data.contract import ColumnRange, numeric_ranges
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


def _share(values: np.ndarray, rule: ColumnRange) -> np.ndarray:
    """A signal as a 0–1 share: rescaled from the contract's range when it is bounded on both sides."""
    if rule.min is not None and rule.max is not None and (rule.min, rule.max) != (0.0, 1.0):
        values = (values - rule.min) / (rule.max - rule.min)
    return np.clip(values, 0.0, 1.0)


def rules_score(frame: pd.DataFrame, missing_as_zero: bool = False) -> np.ndarray:
    """The 0–100 rule score of each row (see the module docstring for the formula).

    ``missing_as_zero``: an empty or non-numeric signal counts as 0 (no evidence of need)
    instead of being refused — serving uses it for pairs it scores despite their invalid inputs.
    """
    missing = [name for name in RULE_WEIGHTS if name not in frame.columns and not missing_as_zero]
    if missing:
        raise FutureSkillsError(
            f"The rules engine needs the column(s) {', '.join(missing)}; add them to the pairs to score."
        )
    ranges = numeric_ranges()
    score = np.zeros(len(frame))
    for name, weight in RULE_WEIGHTS.items():
        column = frame[name] if name in frame.columns else pd.Series(np.nan, index=frame.index)
        values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
        if np.isnan(values).any() and not missing_as_zero:
            raise FutureSkillsError(f"Column {name} has empty or non-numeric values; give a number for every pair.")
        values = np.nan_to_num(values, nan=0.0)
        share = (np.clip(values / TRAINING_REQUESTS_FULL, 0.0, 1.0) if name == "training_requests"
                 else _share(values, ranges[name]))
        score += weight * share
    return np.clip(100.0 * score, 0.0, 100.0)


def level_from_score(score: np.ndarray) -> np.ndarray:
    """LOW below 40, MEDIUM from 40 to below 70, HIGH from 70."""
    return np.where(score >= HIGH_THRESHOLD, "HIGH", np.where(score >= MEDIUM_THRESHOLD, "MEDIUM", "LOW"))


def probabilities_from_score(score: np.ndarray) -> np.ndarray:
    """An (n, 3) array of P(LOW), P(MEDIUM), P(HIGH): normalised Gaussian weights around each level's centre."""
    centres = np.array([LEVEL_CENTRES[level] for level in LEVELS])
    distance = np.asarray(score, dtype=float)[:, None] - centres[None, :]
    weights = np.exp(-(distance**2) / (2 * PROBABILITY_SPREAD**2))
    return weights / weights.sum(axis=1, keepdims=True)


def rules_predict(frame: pd.DataFrame, missing_as_zero: bool = False) -> pd.DataFrame:
    """Score rows with the rule: ``predicted_level``, ``score``, ``prob_<LEVEL>``, ``engine``, ``model_version``.

    The result has the same index as ``frame``; names and other columns are not needed.
    """
    score = rules_score(frame, missing_as_zero)
    result = prediction_frame(frame.index, level_from_score(score), score, probabilities_from_score(score),
                              RULES_ENGINE)
    result["model_version"] = RULES_VERSION
    return result
