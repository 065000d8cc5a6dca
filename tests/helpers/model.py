"""Small synthetic datasets for the model-layer tests (schema.DATASET_COLUMNS, learnable label).

Shares (trend, usage, scarcity, hiring difficulty) are in 0–1, as the dataset contract's defaults.

The label is a noisy rule on two numeric features, so a small random forest learns it well
and the tests run in seconds. Keys are unique per (role, skill, snapshot date).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from future_skills.schema import DATASET_COLUMNS, LABEL, LEVELS

DEPARTMENTS = ("Engineering", "Finance", "Sales", "Operations")
CATEGORIES = ("Technical", "Business", "Soft", "Data")


def snapshot_dates(n: int, start: str = "2024-01-01") -> list[str]:
    """``n`` quarterly snapshot dates as 'YYYY-MM-DD' text."""
    return [d.strftime("%Y-%m-%d") for d in pd.date_range(start, periods=n, freq="QS")]


def make_dataset(n_roles: int = 8, n_skills: int = 10, dates: list[str] | None = None, seed: int = 0,
                 noise: float = 0.05) -> pd.DataFrame:
    """One row per role × skill × date with the dataset columns and a learnable label."""
    rng = np.random.default_rng(seed)
    dates = dates or snapshot_dates(3)
    grid = pd.MultiIndex.from_product(
        [range(1, n_roles + 1), range(1, n_skills + 1), dates], names=["job_role_id", "skill_id", "snapshot_date"]
    ).to_frame(index=False)
    n = len(grid)
    frame = pd.DataFrame({
        "job_role_id": grid["job_role_id"].astype("int64"),
        "job_role_name": [f"Role {i}" for i in grid["job_role_id"]],
        "job_department": [DEPARTMENTS[i % len(DEPARTMENTS)] for i in grid["job_role_id"]],
        "skill_id": grid["skill_id"].astype("int64"),
        "skill_name": [f"Skill {i}" for i in grid["skill_id"]],
        "skill_category": [CATEGORIES[i % len(CATEGORIES)] for i in grid["skill_id"]],
        "snapshot_date": grid["snapshot_date"].astype(str),
        "trend_score": rng.uniform(0, 1, n).round(4),
        "internal_usage": rng.uniform(0, 1, n).round(4),
        "training_requests": rng.integers(0, 50, n).astype(float),
        "scarcity_index": rng.uniform(0, 1, n).round(4),
        "hiring_difficulty": rng.uniform(0, 1, n).round(4),
        "avg_salary_k": rng.uniform(30, 120, n).round(1),
        "economic_indicator": rng.uniform(-5, 5, n).round(2),
    })
    score = 0.6 * frame["trend_score"] + 0.4 * frame["scarcity_index"]
    cuts = np.quantile(score, [1 / 3, 2 / 3])
    level_index = np.digitize(score, cuts)
    flip = rng.random(n) < noise
    level_index[flip] = rng.integers(0, 3, flip.sum())
    frame[LABEL] = [LEVELS[i] for i in level_index]
    return frame[list(DATASET_COLUMNS)]


def write_dataset(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as the export would (CSV, no index)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path
