"""A large synthetic HR database for benchmarks: hundreds of roles, hundreds of skills, years of quarters.

Same shape and same rules as the embedded demo database (:mod:`future_skills.data.demo`): the
signals come from the demo's own generator and the labels from its hidden rule
(:func:`demo.hidden_need_level`), so a change to the demo's scales or rule is followed here.
Only the catalogue is bigger: up to :data:`MAX_ROLES` roles × :data:`MAX_SKILLS` skills over
up to :data:`MAX_QUARTERS` quarterly snapshots. The same ``(rows, seed)`` always gives the
same tables.
"""
from __future__ import annotations

import math
import os
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd

from future_skills.data import demo
from future_skills.schema import DATASET_COLUMNS, LABEL, NUMERIC_FEATURES

MAX_ROLES = 400
MAX_SKILLS = 600
MAX_QUARTERS = 40
LAST_QUARTER = "2026-09-30"
SYNTHETIC_SEED = 20260101


def _numbered(base: pd.DataFrame, count: int, id_column: str, name_column: str) -> pd.DataFrame:
    """``count`` rows cycling through ``base``, ids 1..count, names numbered in turn ("Python 4")."""
    picks = base.iloc[np.arange(count) % len(base)].reset_index(drop=True)
    rank = np.arange(count) // len(base) + 1
    picks[name_column] = [f"{name} {n}" for name, n in zip(picks[name_column], rank)]
    picks[id_column] = np.arange(1, count + 1)
    return picks[list(base.columns)]


def synthetic_roles(count: int = MAX_ROLES) -> pd.DataFrame:
    """``count`` job roles: the demo's roles numbered in turn ("Data Scientist 3"), same departments."""
    return _numbered(demo.role_table(), count, "job_role_id", "job_role_name")


def synthetic_skills(count: int = MAX_SKILLS) -> pd.DataFrame:
    """``count`` skills: the demo's skills numbered in turn ("Python 4"), same categories."""
    return _numbered(demo.skill_table(), count, "skill_id", "skill_name")


def shape_for(rows: int) -> tuple[int, int]:
    """(pairs, quarters) giving about ``rows`` rows: all 40 quarters once there are 400 pairs."""
    if rows < 1:
        raise ValueError(f"rows must be a positive number, got {rows}")
    quarters = max(1, min(MAX_QUARTERS, rows // MAX_ROLES))
    pairs = min(math.ceil(rows / quarters), MAX_ROLES * MAX_SKILLS)
    return pairs, quarters


def _pairs(pairs: int, roles: pd.DataFrame, skills: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """``pairs`` distinct (role, skill) pairs spread over the roles, favouring their department's categories."""
    per_role = math.ceil(pairs / len(roles))
    chosen = []
    for role in roles.itertuples():
        favoured = demo.DEPARTMENT_AFFINITY[role.job_department]
        weights = np.where(skills["skill_category"].isin(favoured), 4.0, 1.0)
        picks = rng.choice(len(skills), min(per_role, len(skills)), replace=False, p=weights / weights.sum())
        chosen.append(np.column_stack([np.full(len(picks), role.job_role_id), skills["skill_id"].to_numpy()[picks]]))
    table = pd.DataFrame(np.concatenate(chosen), columns=["job_role_id", "skill_id"])
    table = table.iloc[rng.permutation(len(table))[:pairs]].sort_values(["job_role_id", "skill_id"])
    return table.merge(roles, on="job_role_id").merge(skills, on="skill_id")


def quarter_dates(quarters: int) -> list[str]:
    """``quarters`` quarter-end dates ending at :data:`LAST_QUARTER`, oldest first."""
    return [d.strftime("%Y-%m-%d") for d in pd.date_range(end=LAST_QUARTER, periods=quarters, freq="QE")]


def _signals(pairs: pd.DataFrame, quarters: int, rng: np.random.Generator) -> pd.DataFrame:
    """The demo's signal generator, run per block of its quarters and re-dated onto ``quarters`` dates."""
    dates = quarter_dates(quarters)
    block = len(demo.SNAPSHOT_DATES)
    frames = []
    for start in range(0, quarters, block):
        signals = demo._signals(pairs, rng)
        mapping = dict(zip(demo.SNAPSHOT_DATES, dates[start:start + block]))
        signals["snapshot_date"] = signals["snapshot_date"].map(mapping)
        frames.append(signals[signals["snapshot_date"].notna()])
    return pd.concat(frames, ignore_index=True)


def synthetic_tables(rows: int, seed: int = SYNTHETIC_SEED) -> dict[str, pd.DataFrame]:
    """The four tables of the demo database's schema with about ``rows`` labelled rows."""
    pair_count, quarters = shape_for(rows)
    rng = np.random.default_rng(seed)
    roles = synthetic_roles(min(MAX_ROLES, pair_count))
    skills = synthetic_skills()
    pairs = _pairs(pair_count, roles, skills, rng)
    signals = _signals(pairs, quarters, rng)
    labelled = signals.merge(pairs[["job_role_id", "skill_id", "skill_category"]], on=["job_role_id", "skill_id"])
    decisions = labelled[["job_role_id", "skill_id", "snapshot_date"]].copy()
    decisions[LABEL] = demo.hidden_need_level(labelled, rng)
    decisions["decided_at"] = decisions["snapshot_date"] + "T10:00:00"
    used = skills[skills["skill_id"].isin(pairs["skill_id"])] if len(pairs) < len(skills) else skills
    return {"job_roles": roles, "skills": used,
            "skill_signals": signals[["job_role_id", "skill_id", "snapshot_date", *NUMERIC_FEATURES]],
            "hr_decisions": decisions}


def synthetic_dataset(rows: int, seed: int = SYNTHETIC_SEED) -> pd.DataFrame:
    """The dataset CSV's rows (``schema.DATASET_COLUMNS``), as the database export would give them."""
    tables = synthetic_tables(rows, seed)
    frame = (tables["skill_signals"]
             .merge(tables["job_roles"], on="job_role_id").merge(tables["skills"], on="skill_id")
             .merge(tables["hr_decisions"][["job_role_id", "skill_id", "snapshot_date", LABEL]],
                    on=["job_role_id", "skill_id", "snapshot_date"]))
    return frame.sort_values(["snapshot_date", "job_role_id", "skill_id"], ignore_index=True)[list(DATASET_COLUMNS)]


def write_synthetic_database(path: Path | str, rows: int, seed: int = SYNTHETIC_SEED) -> Path:
    """A SQLite HR database at ``path`` with the demo's schema and about ``rows`` rows (built aside, renamed)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        connection = sqlite3.connect(tmp)
        with connection:
            for statement in demo.TABLES_SQL:
                connection.execute(statement)
            for name, frame in synthetic_tables(rows, seed).items():
                frame.to_sql(name, connection, if_exists="append", index=False, chunksize=50_000)
        connection.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
