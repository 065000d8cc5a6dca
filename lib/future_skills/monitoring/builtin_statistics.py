"""The built-in drift statistics, registered on import (rules in :mod:`future_skills.monitoring.drift`).

Numeric features (computed on all finite values; ``compute`` receives them NaN-free and sorted,
which lets each statistic count by bisection instead of scanning millions of rows):

* ``psi``: population stability index on the reference's deciles — *watch* from ``psi_watch``,
  *drift* from ``psi_drift``, the latter only when the KS test confirms it;
* ``ks``: two-sample Kolmogorov–Smirnov test, significant when p < ``ks_pvalue``; exact as
  :func:`scipy.stats.ks_2samp` on every row, without sorting the current sample (see :func:`ks_test`);
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

from future_skills.monitoring.statistics import Column, DriftStatistic, register

PSI_EPSILON = 1e-4  # share given to an empty bin so that log(0) never occurs
UNSEEN = "(unseen)"
EXACT_KS_MAX_ROWS = 10_000  # scipy's own limit for the exact KS p-value (method="auto")


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


def _ks_large(ref: np.ndarray, cur: np.ndarray) -> tuple[float, float]:
    """``ks_2samp`` (two-sided, asymptotic p-value) from counts of current values at the reference values.

    Between two reference values the reference CDF is flat, so the largest gaps are at a reference
    value or just below the next one; the counts of current values ≤ and < each reference value
    give every candidate, with the same integer ratios, hence the same floats, as scipy.
    """
    from scipy import stats  # imported when a statistic is computed: rendering a drift report's text needs no scipy
    values, ref_counts = np.unique(ref, return_counts=True)
    cur_leq = np.searchsorted(cur, values, side="right")
    cur_less = np.searchsorted(cur, values, side="left")
    ref_leq = np.cumsum(ref_counts)
    n_ref, n_cur = len(ref), len(cur)
    at_values = ref_leq / n_ref - cur_leq / n_cur
    below_values = np.concatenate([[0], ref_leq[:-1]]) / n_ref - cur_less / n_cur
    max_s = float(at_values.max())
    min_s = float(np.clip(-min(at_values.min(), below_values.min()), 0, 1))
    d = min_s if min_s > max_s else max_s
    m, n = sorted([float(n_ref), float(n_cur)], reverse=True)
    pvalue = float(np.clip(stats.distributions.kstwo.sf(d, np.round(m * n / (m + n))), 0, 1))
    return float(d), pvalue


def ks_test(reference: Any, current: Any) -> tuple[float, float]:
    """Two-sample Kolmogorov–Smirnov, as ``scipy.stats.ks_2samp``: (statistic, p-value); NaN ignored.

    Up to :data:`EXACT_KS_MAX_ROWS` rows per sample scipy itself runs (exact p-value); above, the
    same statistic and asymptotic p-value are computed from the sorted current sample and the
    distinct reference values (one sort instead of scipy's sort plus two searches of every value).
    """
    return _ks(*sorted_finite(reference, current))


def _ks(ref: np.ndarray, cur: np.ndarray) -> tuple[float, float]:
    from scipy import stats  # lazily, as in _ks_large
    if not len(ref) or not len(cur):
        return float("nan"), float("nan")
    if max(len(ref), len(cur)) <= EXACT_KS_MAX_ROWS:
        result = stats.ks_2samp(ref, cur)
        return float(result.statistic), float(result.pvalue)
    return _ks_large(ref, cur)


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
    from scipy import stats  # lazily, as in _ks_large
    categories, table = _pooled_table(reference, current)
    result: dict[str, Any] = {"categories": len(categories), "chi2": None, "chi2_pvalue": None, "chi2_note": None}
    if len(categories) < 2:
        result["chi2_note"] = "a single category: nothing to test"
        return result
    if np.mean(stats.contingency.expected_freq(table) >= 5) < 0.8:
        result["chi2_note"] = "too few predictions per category for a chi-square test"
        return result
    chi2, pvalue, _, _ = stats.chi2_contingency(table)
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

