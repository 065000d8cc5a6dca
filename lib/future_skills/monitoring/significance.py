"""The drift statistics' two significance tests, with scipy.stats' numbers, usually without importing it.

* :func:`ks_two_sample`: ``scipy.stats.ks_2samp(reference, current)`` (two-sided, ``method="auto"``);
* :func:`chi_square_test`: ``scipy.stats.chi2_contingency(table)`` (Yates's correction at one degree
  of freedom): the chi-square statistic and its p-value.

Why not simply call them: importing ``scipy.stats`` costs ~0.55 s (it imports ``scipy.optimize``,
``scipy.spatial`` and a hundred distributions), more than all the statistics of a small log, and
the cheap verdict (``future-skills drift --no-report``) is wanted in about a second. So:

* the exact KS p-value (up to :data:`EXACT_KS_MAX_ROWS` rows per sample, where scipy computes it)
  comes from scipy's own compiled routine, ``_compute_outer_prob_inside_method`` of
  ``scipy/stats/_stats_pythran``, loaded from its file (importing it by name would run
  ``scipy/stats/__init__``), or for equal sample sizes from scipy's ten-line series; the
  arithmetic around it (statistic, lattice rounding, clipping) is ``ks_2samp``'s;
* the chi-square p-value is ``scipy.special.chdtrc``, which ``scipy.stats`` itself calls
  (0.18 s to import), after ``chi2_contingency``'s arithmetic.

Anything off that path falls back to ``scipy.stats`` itself: the asymptotic KS p-value of larger
samples (``kstwo``), a floating-point failure of the exact routine (where scipy switches to the
asymptotic one), a scipy without the compiled routine. Tests compare both functions with scipy's
bit for bit, on samples with and without ties, equal and unequal sizes.
"""
from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import math
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np

EXACT_KS_MAX_ROWS = 10_000  # scipy's own limit for the exact KS p-value (ks_2samp's MAX_AUTO_N, method="auto")
_KERNEL_MODULE = "scipy.stats._stats_pythran"
_KERNEL = "_compute_outer_prob_inside_method"


def ks_two_sample(ref: np.ndarray, cur: np.ndarray) -> tuple[float, float]:
    """``scipy.stats.ks_2samp(ref, cur)``: (statistic, p-value) of two sorted, NaN-free, non-empty samples."""
    if max(len(ref), len(cur)) <= EXACT_KS_MAX_ROWS:
        exact = _exact_ks(ref, cur)
        if exact is not None:
            return exact
        from scipy import stats  # no compiled routine, or it failed: scipy.stats decides, as it always did
        result = stats.ks_2samp(ref, cur)
        return float(result.statistic), float(result.pvalue)
    return _asymptotic_ks(ref, cur)


def _exact_ks(ref: np.ndarray, cur: np.ndarray) -> tuple[float, float] | None:
    """``ks_2samp``'s exact branch (``_attempt_exact_2kssamp``), or None where scipy would leave it."""
    n1, n2 = len(ref), len(cur)
    both = np.concatenate([ref, cur])
    differences = np.searchsorted(ref, both, side="right") / n1 - np.searchsorted(cur, both, side="right") / n2
    min_s = np.clip(-differences[np.argmin(differences)], 0, 1)
    max_s = differences[np.argmax(differences)]
    d = min_s if min_s > max_s else max_s
    g = math.gcd(n1, n2)
    lcm = (n1 // g) * n2
    h = int(np.round(d * lcm))
    d = h * 1.0 / lcm
    if h == 0:
        return float(d), 1.0
    kernel = None if n1 == n2 else outside_probability_kernel()
    if n1 != n2 and kernel is None:
        return None
    try:
        with np.errstate(invalid="raise", over="raise"):
            prob = _prob_outside_square(n1, h) if n1 == n2 else kernel(n1, n2, g, h)
    except (FloatingPointError, OverflowError):
        return None
    if not 0 <= prob <= 1:
        return None
    return float(d), float(np.clip(prob, 0, 1))


def _prob_outside_square(n: int, h: int) -> float:
    """scipy's ``_compute_prob_outside_square``: Pr(D_{n,n} >= h/n), a Horner-like alternating series."""
    total = 0.0
    k = int(np.floor(n / h))
    while k >= 0:
        term = 1.0
        for j in range(h):
            term = (n - k * h - j) * term / (n + k * h + j + 1)
        total = term * (1.0 - total)
        k -= 1
    return 2 * total


@functools.cache
def outside_probability_kernel() -> Callable[[int, int, int, int], float] | None:
    """scipy's compiled exact two-sample KS routine, without running ``scipy/stats/__init__``; None if absent."""
    loaded = sys.modules.get(_KERNEL_MODULE)
    if loaded is None:
        import scipy  # the package alone: ~5 ms

        folder = Path(scipy.__file__).parent / "stats"
        files = [folder / f"_stats_pythran{suffix}" for suffix in importlib.machinery.EXTENSION_SUFFIXES]
        found = next((f for f in files if f.exists()), None)
        if found is None:
            return None
        try:
            loader = importlib.machinery.ExtensionFileLoader(_KERNEL_MODULE, str(found))
            spec = importlib.util.spec_from_file_location(_KERNEL_MODULE, found, loader=loader)
            loaded = importlib.util.module_from_spec(spec)
            loader.exec_module(loaded)
        except (ImportError, OSError):
            return None
    return getattr(loaded, _KERNEL, None)


def _asymptotic_ks(ref: np.ndarray, cur: np.ndarray) -> tuple[float, float]:
    """``ks_2samp`` (two-sided, asymptotic p-value) from counts of current values at the reference values.

    Between two reference values the reference CDF is flat, so the largest gaps are at a reference
    value or just below the next one; the counts of current values ≤ and < each reference value
    give every candidate, with the same integer ratios, hence the same floats, as scipy.
    """
    from scipy import stats  # kstwo's survival function lives in scipy.stats; only samples above 10k rows need it
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


def expected_frequencies(table: Any) -> np.ndarray:
    """``scipy.stats.contingency.expected_freq`` of a two-way table: row sum × column sum / total."""
    observed = np.asarray(table, dtype=np.float64)
    return observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / observed.sum()


def chi_square_test(table: Any) -> tuple[float, float]:
    """``scipy.stats.chi2_contingency(table)``'s (statistic, p-value) for a two-way table of counts without
    an empty row or column (Yates's correction when there is one degree of freedom)."""
    observed = np.asarray(table, dtype=np.float64)
    expected = expected_frequencies(observed)
    dof = expected.size - sum(expected.shape) + expected.ndim - 1
    if dof == 0:
        return 0.0, 1.0
    if dof == 1:
        difference = expected - observed
        observed = observed + np.minimum(0.5, np.abs(difference)) * np.sign(difference)
    from scipy import special  # chdtrc: the chi-square survival function scipy.stats itself calls
    statistic = np.sum(((observed - expected) ** 2 / expected).ravel())
    return float(statistic), float(special.chdtrc(float(dof), statistic))
