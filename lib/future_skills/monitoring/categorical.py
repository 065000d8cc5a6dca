"""Drift of the categorical features: logged IDs mapped to names, unseen values, chi-square.

The log carries IDs only; they are mapped to role/skill names, departments and categories
through the HR catalog (``database.load_catalog``), else through the reference dataset itself
(IDs it never saw are then "unknown"). Per categorical feature:

* ``unseen_share``: share of logged rows whose value never occurs in the reference;
* chi-square test of reference vs current counts (``scipy.stats.chi2_contingency``, unseen values
  pooled into one column), computed only where meaningful: at least 80 % of the expected counts
  ≥ 5 (else ``chi2_pvalue`` is null with a note); ``total_variation`` = ½ Σ |share_cur − share_ref|;
* status ``watch`` when ``unseen_share`` > ``unseen_category_watch``, or when the chi-square is
  significant (p < ``ks_pvalue``) AND ``total_variation`` ≥ :data:`TOTAL_VARIATION_WATCH`, else ``ok``.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from future_skills.data.catalog import lookup_names
from future_skills.schema import CATEGORICAL_FEATURES

TOTAL_VARIATION_WATCH = 0.10  # effect size below which a significant chi-square is ignored (large n)
UNSEEN = "(unseen)"




def map_ids(reference: pd.DataFrame, current: pd.DataFrame,
            catalog: tuple[pd.DataFrame, pd.DataFrame] | None) -> pd.DataFrame:
    """``current`` with the four categorical columns filled from its IDs (unknown ID → "unknown role #id")."""
    mapped = lookup_names(current, catalog, reference)
    for column, id_column, label in (("job_role_name", "job_role_id", "role"), ("job_department", "job_role_id", "role"),
                                     ("skill_name", "skill_id", "skill"), ("skill_category", "skill_id", "skill")):
        unknown = "unknown " + label + " #" + mapped[id_column].astype(str)
        mapped[column] = mapped[column].astype(object).where(mapped[column].notna(), unknown).astype(str)
    return mapped


def chi_square(reference: pd.Series, current: pd.Series) -> dict[str, Any]:
    """Chi-square of reference vs current counts (unseen values pooled) and the total variation distance."""
    known = set(reference.unique())
    pooled = current.where(current.isin(known), UNSEEN)
    ref_counts = reference.value_counts()
    cur_counts = pooled.value_counts()
    categories = sorted(set(ref_counts.index) | set(cur_counts.index))
    table = np.array([[ref_counts.get(c, 0) for c in categories], [cur_counts.get(c, 0) for c in categories]],
                     dtype=float)
    shares = table / table.sum(axis=1, keepdims=True)
    result: dict[str, Any] = {"categories": len(categories),
                              "total_variation": float(0.5 * np.abs(shares[0] - shares[1]).sum()),
                              "chi2": None, "chi2_pvalue": None, "chi2_note": None}
    if len(categories) < 2:
        result["chi2_note"] = "a single category: nothing to test"
        return result
    expected = stats.contingency.expected_freq(table)
    if np.mean(expected >= 5) < 0.8:
        result["chi2_note"] = "too few predictions per category for a chi-square test"
        return result
    chi2, pvalue, _, _ = stats.chi2_contingency(table)
    result.update(chi2=float(chi2), chi2_pvalue=float(pvalue))
    return result


def categorical_drift(reference: pd.DataFrame, current: pd.DataFrame,
                      catalog: tuple[pd.DataFrame, pd.DataFrame] | None,
                      thresholds: dict[str, float]) -> dict[str, dict[str, Any]]:
    """Per categorical feature: unseen share, chi-square, total variation, status (module docstring)."""
    if current.empty:
        return {}
    mapped = map_ids(reference, current, catalog)
    results = {}
    for name in CATEGORICAL_FEATURES:
        ref_values = reference[name].astype(str)
        cur_values = mapped[name]
        unseen = ~cur_values.isin(set(ref_values.unique()))
        entry = {"unseen_share": float(unseen.mean()), "unseen_values": sorted(cur_values[unseen].unique().tolist())[:10]}
        entry.update(chi_square(ref_values, cur_values))
        significant = entry["chi2_pvalue"] is not None and entry["chi2_pvalue"] < thresholds["ks_pvalue"]
        moved = significant and entry["total_variation"] >= TOTAL_VARIATION_WATCH
        entry["status"] = "watch" if entry["unseen_share"] > thresholds["unseen_category_watch"] or moved else "ok"
        results[name] = entry
    return results
