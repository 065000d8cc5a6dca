"""Drift of the categorical features: logged IDs mapped to names, then the registered categorical statistics.

The log carries IDs only; they are mapped to role/skill names, departments and categories
through the HR catalog (``database.load_catalog``), else through the reference dataset itself
(IDs it never saw are then "unknown role #id"). The four features are functions of the
(role, skill) pair, so the pairs are counted once and only the distinct pairs are mapped: the
cost does not grow with the log beyond one counting pass. Each feature's reference and current
value counts go to the registered ``categorical`` statistics (unseen share, total variation,
chi-square by default: :mod:`future_skills.monitoring.builtin_statistics`).
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from future_skills.data.catalog import lookup_names
from future_skills.monitoring.statistics import compare
from future_skills.schema import CATEGORICAL_FEATURES, ID_COLUMNS


def map_ids(reference: pd.DataFrame, current: pd.DataFrame,
            catalog: tuple[pd.DataFrame, pd.DataFrame] | None) -> pd.DataFrame:
    """``current`` with the four categorical columns filled from its IDs (unknown ID → "unknown role #id")."""
    mapped = lookup_names(current, catalog, reference)
    for column, id_column, label in (("job_role_name", "job_role_id", "role"), ("job_department", "job_role_id", "role"),
                                     ("skill_name", "skill_id", "skill"), ("skill_category", "skill_id", "skill")):
        unknown = "unknown " + label + " #" + mapped[id_column].astype(str)
        mapped[column] = mapped[column].astype(object).where(mapped[column].notna(), unknown).astype(str)
    return mapped


def pair_counts(current: pd.DataFrame) -> pd.DataFrame:
    """The distinct (job role, skill) pairs of ``current`` with their number of rows (``rows``)."""
    roles = current["job_role_id"].to_numpy(dtype="int64")
    skills = current["skill_id"].to_numpy(dtype="int64")
    low, span = skills.min(), int(skills.max() - skills.min()) + 1
    if span * (int(roles.max() - roles.min()) + 1) >= 2**62:  # IDs too far apart for one int64 key
        counts = current.groupby(list(ID_COLUMNS)).size().rename("rows").reset_index()
        return counts.astype({name: "int64" for name in ID_COLUMNS})
    keys, counts = np.unique((roles - roles.min()) * span + (skills - low), return_counts=True)
    return pd.DataFrame({"job_role_id": keys // span + roles.min(), "skill_id": keys % span + low, "rows": counts})


def categorical_drift(reference: pd.DataFrame, current: pd.DataFrame,
                      catalog: tuple[pd.DataFrame, pd.DataFrame] | None,
                      thresholds: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Per categorical feature: the registered categorical statistics and the status."""
    if current.empty:
        return {}
    pairs = pair_counts(current[list(ID_COLUMNS)])
    mapped = map_ids(reference, pairs, catalog)
    results = {}
    for name in CATEGORICAL_FEATURES:
        ref_counts = reference[name].astype(str).value_counts()
        cur_counts = pairs["rows"].groupby(mapped[name].to_numpy()).sum()
        results[name] = compare(ref_counts, cur_counts, "categorical", thresholds)
    return results
