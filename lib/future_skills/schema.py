"""The dataset contract of DESIGN.md: columns, feature lists, labels and value ranges.

This module is the one place where feature lists and value rules are defined.
"""
from __future__ import annotations

LEVELS: tuple[str, ...] = ("LOW", "MEDIUM", "HIGH")
PROBABILITY_COLUMNS: tuple[str, ...] = tuple(f"prob_{level}" for level in LEVELS)  # in predictions
LABEL = "future_need_level"

ID_COLUMNS: tuple[str, ...] = ("job_role_id", "skill_id")  # a (job role, skill) pair
KEY_COLUMNS: tuple[str, ...] = (*ID_COLUMNS, "snapshot_date")

CATEGORICAL_FEATURES: tuple[str, ...] = (
    "job_role_name",
    "skill_name",
    "skill_category",
    "job_department",
)

NUMERIC_FEATURES: tuple[str, ...] = (
    "trend_score",
    "internal_usage",
    "training_requests",
    "scarcity_index",
    "hiring_difficulty",
    "avg_salary_k",
    "economic_indicator",
)

FEATURES: tuple[str, ...] = CATEGORICAL_FEATURES + NUMERIC_FEATURES

DATASET_COLUMNS: tuple[str, ...] = (
    "job_role_id",
    "job_role_name",
    "job_department",
    "skill_id",
    "skill_name",
    "skill_category",
    "snapshot_date",
    *NUMERIC_FEATURES,
    LABEL,
)

# Inclusive value ranges per numeric column (None = unbounded on that side).
NUMERIC_RANGES: dict[str, tuple[float | None, float | None]] = {
    "trend_score": (0.0, 100.0),
    "internal_usage": (0.0, 100.0),
    "training_requests": (0.0, None),
    "scarcity_index": (0.0, 100.0),
    "hiring_difficulty": (0.0, 100.0),
    "avg_salary_k": (0.0, 1000.0),
    "economic_indicator": (-100.0, 100.0),
}

INTEGER_COLUMNS: tuple[str, ...] = ID_COLUMNS
TEXT_COLUMNS: tuple[str, ...] = CATEGORICAL_FEATURES
