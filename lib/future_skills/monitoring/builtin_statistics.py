"""The built-in drift statistics, registered on import (rules in :mod:`future_skills.monitoring.drift`).

Numeric features (computed on all finite values; ``compute`` receives them NaN-free and sorted,
which lets each statistic count by bisection instead of scanning millions of rows):

* ``psi``: population stability index on the reference's deciles — *watch* from ``psi_watch``,
  *drift* from ``psi_drift``, the latter only when the KS test confirms it;
* ``ks``: two-sample Kolmogorov–Smirnov test, significant when p < ``ks_pvalue``; exact as
  :func:`scipy.stats.ks_2samp` on every row (see :mod:`~future_skills.monitoring.significance`);
* ``out_of_range``: share of current values outside the reference range — *watch* above ``out_of_range_watch``.

Categorical features (``compute`` receives the value counts of reference and current):

* ``unseen``: share of current rows whose value the reference never had — *watch* above ``unseen_category_watch``;
* ``total_variation``: ½ Σ |share_cur − share_ref| (unseen values pooled) — *watch* from
  ``total_variation_watch``, only when the chi-square test confirms it;
* ``chi_square``: chi-square test of the two count vectors, significant when p < ``chi2_pvalue``;
  computed only where meaningful (at least 80 % of the expected counts ≥ 5).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from future_skills.monitoring.significance import chi_square_test, expected_frequencies, ks_two_sample
from future_skills.monitoring.statistics import Column, DriftStatistic, register

PSI_EPSILON = 1e-4  # share given to an empty bin so that log(0) never occurs
UNSEEN = "(unseen)"


def finite_pair(reference: Any, current: Any) -> tuple[np.ndarray, np.ndarray]:
    """Both samples as float arrays without their NaN values (no copy of a sample without NaN)."""
    return _finite(reference), _finite(current)


def _finite(values: Any) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    missing = np.isnan(array)
    return array[~missing] if missing.any() else array


def sorted_finite(reference: Any, current: Any) -> tuple[np.ndarray, np.ndarray]:
    """Both samples without NaN, sorted: what every numeric statistic's ``compute`` receives."""
    ref, cur = finite_pair(reference, current)
    return np.sort(ref), np.sort(cur)


def share_psi(reference_share: Any, current_share: Any) -> float:
    """PSI between two vectors of shares (bins or categories), empty shares set to :data:`PSI_EPSILON`."""
    ref = np.clip(np.asarray(reference_share, dtype=float), PSI_EPSILON, None)
    cur = np.clip(np.asarray(current_share, dtype=float), PSI_EPSILON, None)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def population_stability_index(reference: Any, current: Any, bins: int = 10) -> float:
    """PSI = Σ (cur − ref) · ln(cur / ref) over ``bins`` quantile bins of the reference.

    Inner edges are the reference's quantiles (deciles for 10 bins; duplicates merged, so
    discrete features get fewer bins), outer edges are open (−∞, +∞); a value equal to an
    edge falls in the upper bin. Empty bins get the share :data:`PSI_EPSILON`. NaN is ignored.
    """
    return _psi(*sorted_finite(reference, current), bins)


def _psi(ref: np.ndarray, cur: np.ndarray, bins: int = 10) -> float:
    if not len(ref) or not len(cur):
        return float("nan")
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
    return share_psi(_bin_counts(ref, edges) / len(ref), _bin_counts(cur, edges) / len(cur))


def _bin_counts(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Sorted values per bin (a value equal to an edge falls in the upper bin), counted by bisection."""
    return np.diff(np.searchsorted(values, edges, side="left"), prepend=0, append=len(values))


def ks_test(reference: Any, current: Any) -> tuple[float, float]:
    """Two-sample Kolmogorov–Smirnov, as ``scipy.stats.ks_2samp``: (statistic, p-value); NaN ignored.

    The numbers are scipy's, computed by :func:`~future_skills.monitoring.significance.ks_two_sample`
    (exact p-value up to 10,000 rows per sample, without importing ``scipy.stats``; asymptotic above).
    """
    return _ks(*sorted_finite(reference, current))


def _ks(ref: np.ndarray, cur: np.ndarray) -> tuple[float, float]:
    if not len(ref) or not len(cur):
        return float("nan"), float("nan")
    return ks_two_sample(ref, cur)


def out_of_range_share(reference: Any, current: Any) -> float:
    """Share of current values below the reference minimum or above its maximum."""
    return _outside(*sorted_finite(reference, current))


def _outside(ref: np.ndarray, cur: np.ndarray) -> float:
    if not len(ref) or not len(cur):
        return float("nan")
    below = np.searchsorted(cur, ref[0], side="left")
    above = len(cur) - np.searchsorted(cur, ref[-1], side="right")
    return float(int(below + above) / len(cur))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _graded(value: Any, watch: float, drift: float | None = None, strict: bool = False) -> str:
    """ok / watch / drift of a value against its thresholds (``strict``: above, not from)."""
    if _missing(value):
        return "ok"
    reaches = (lambda limit: value > limit) if strict else (lambda limit: value >= limit)
    if drift is not None and reaches(drift):
        return "drift"
    return "watch" if reaches(watch) else "ok"


def _significant(pvalue: Any, limit: float) -> str:
    return "drift" if not _missing(pvalue) and pvalue < limit else "ok"


def _pooled_table(reference: pd.Series, current: pd.Series) -> tuple[list, np.ndarray]:
    """(categories, 2 × k count table) with current values unseen in the reference pooled into one column."""
    known = set(reference.index[reference > 0])
    pooled = current.groupby(np.where(current.index.isin(known), current.index, UNSEEN)).sum()
    pooled = pooled[pooled > 0]
    categories = sorted(set(reference.index[reference > 0]) | set(pooled.index))
    table = np.array([[reference.get(c, 0) for c in categories], [pooled.get(c, 0) for c in categories]],
                     dtype=float)
    return categories, table


def unseen_values(reference: pd.Series, current: pd.Series) -> dict[str, Any]:
    """Share of current rows with a value absent from the reference, and the first ten such values."""
    unseen = current[(current > 0) & ~current.index.isin(set(reference.index[reference > 0]))]
    total = max(int(current.sum()), 1)
    return {"unseen_share": float(int(unseen.sum())) / total if int(current.sum()) else float("nan"),
            "unseen_values": sorted(str(v) for v in unseen.index)[:10]}


def total_variation(reference: pd.Series, current: pd.Series) -> dict[str, Any]:
    """½ Σ |share_cur − share_ref| over the pooled categories."""
    _, table = _pooled_table(reference, current)
    shares = table / table.sum(axis=1, keepdims=True)
    return {"total_variation": float(0.5 * np.abs(shares[0] - shares[1]).sum())}


def chi_square(reference: pd.Series, current: pd.Series) -> dict[str, Any]:
    """Chi-square of reference vs current counts (``scipy.stats.chi2_contingency``), where meaningful."""
    categories, table = _pooled_table(reference, current)
    result: dict[str, Any] = {"categories": len(categories), "chi2": None, "chi2_pvalue": None, "chi2_note": None}
    if len(categories) < 2:
        result["chi2_note"] = "a single category: nothing to test"
        return result
    if np.mean(expected_frequencies(table) >= 5) < 0.8:
        result["chi2_note"] = "too few predictions per category for a chi-square test"
        return result
    chi2, pvalue = chi_square_test(table)
    result.update(chi2=float(chi2), chi2_pvalue=float(pvalue))
    return result


def _psi_values(ref: np.ndarray, cur: np.ndarray) -> dict[str, Any]:
    return {"psi": _psi(ref, cur)}


def _ks_values(ref: np.ndarray, cur: np.ndarray) -> dict[str, Any]:
    statistic, pvalue = _ks(ref, cur)
    return {"ks_statistic": statistic, "ks_pvalue": pvalue}


def _range_values(ref: np.ndarray, cur: np.ndarray) -> dict[str, Any]:
    return {"out_of_range_share": _outside(ref, cur)}


def register_builtins() -> None:
    """Register the six built-in statistics, in the order their columns appear."""
    register(DriftStatistic(
        "psi", "Population stability index (PSI)", ("numeric",), ("psi_watch", "psi_drift"), _psi_values,
        lambda v, t: _graded(v["psi"], t["psi_watch"], t["psi_drift"]), (Column("psi", "PSI", "number", 3),),
        description="how far the distribution moved (0 = same as in training): below {psi_watch:g} stable, "
                    "from {psi_watch:g} worth watching, from {psi_drift:g} drifted",
        confirmed_by="ks", confirm_levels=("drift",), chart_key="psi", watch_key="psi_watch", drift_key="psi_drift"))
    register(DriftStatistic(
        "ks", "Kolmogorov–Smirnov test", ("numeric",), ("ks_pvalue",), _ks_values,
        lambda v, t: _significant(v["ks_pvalue"], t["ks_pvalue"]),
        (Column("ks_statistic", "KS statistic", "number", 3), Column("ks_pvalue", "KS p-value", "number", 4)),
        description="whether the move is more than chance (p-value below {ks_pvalue:g})", kind="test"))
    register(DriftStatistic(
        "out_of_range", "Share outside the training range", ("numeric",), ("out_of_range_watch",), _range_values,
        lambda v, t: _graded(v["out_of_range_share"], t["out_of_range_watch"], strict=True),
        (Column("out_of_range_share", "Outside training range", "percent"),),
        description="share of values outside the training range: worth watching above {out_of_range_watch:.0%}"))
    register(DriftStatistic(
        "unseen", "Values never seen in training", ("categorical",), ("unseen_category_watch",), unseen_values,
        lambda v, t: _graded(v["unseen_share"], t["unseen_category_watch"], strict=True),
        (Column("unseen_share", "Unseen in training", "percent"),),
        description="share of values the model never saw: worth watching above {unseen_category_watch:.0%}"))
    register(DriftStatistic(
        "total_variation", "Mix change (total variation)", ("categorical",), ("total_variation_watch",),
        total_variation, lambda v, t: _graded(v["total_variation"], t["total_variation_watch"]),
        (Column("total_variation", "Mix change (total variation)", "percent"),),
        description="share of rows that would have to change category to restore the training mix: worth "
                    "watching from {total_variation_watch:.0%} when the chi-square test is significant",
        confirmed_by="chi_square", confirm_levels=("watch",)))
    register(DriftStatistic(
        "chi_square", "Chi-square test", ("categorical",), ("chi2_pvalue",), chi_square,
        lambda v, t: _significant(v["chi2_pvalue"], t["chi2_pvalue"]),
        (Column("chi2_pvalue", "Chi-square p-value", "pvalue", 4), Column("chi2_note", "Note", "text")),
        description="whether the mix change is more than chance (p-value below {chi2_pvalue:g})", kind="test"))


register_builtins()

