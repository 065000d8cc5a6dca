"""The dataset contract's vocabulary: columns, feature lists, labels and default value rules.

This module is the one place where feature lists and default rules are defined; the
validating schema built from them (with the user's overrides) is ``data.contract``.
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

# Default value rules per numeric column, faithful to the original system's prediction log
# (shares and indices between 0 and 1). Keys: ``min``/``max`` (inclusive), ``above``/``below``
# (exclusive); a side without a key is unbounded. Every number must also be finite. Users
# override them in ``future_skills.toml`` under ``[dataset.ranges]`` (see ``data.contract``).
NUMERIC_RANGES: dict[str, dict[str, float]] = {
    "trend_score": {"min": 0.0, "max": 1.0},
    "internal_usage": {"min": 0.0, "max": 1.0},
    "training_requests": {"min": 0.0},
    "scarcity_index": {"min": 0.0, "max": 1.0},
    "hiring_difficulty": {"min": 0.0, "max": 1.0},
    "avg_salary_k": {"above": 0.0},
    "economic_indicator": {},  # a growth rate, a centred score or an index based at 100
}
RANGE_KEYS: tuple[str, ...] = ("min", "max", "above", "below")
COUNT_COLUMNS: tuple[str, ...] = ("training_requests",)  # whole numbers
MIN_ROWS_PER_CLASS = 5  # a level with fewer rows cannot be learnt (nor split into train and test)
MIN_CLASSES = 2

INTEGER_COLUMNS: tuple[str, ...] = ID_COLUMNS
TEXT_COLUMNS: tuple[str, ...] = CATEGORICAL_FEATURES
