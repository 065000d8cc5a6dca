"""How sure we can be: confidence intervals and the paired test of two models on the same rows.

* Wilson's 95 % interval for a share (accuracy = share of rows where the model agrees with HR):
  it stays inside [0, 1] and behaves well for small samples, unlike the textbook ± 1.96·se.
* McNemar's exact test for two models scored on the SAME rows: only the rows where exactly one
  model is right carry information; if the models were equally good, each such row would be
  a coin toss, so the p-value is a two-sided binomial test on those discordant rows
  (:func:`scipy.stats.binomtest`).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from scipy.stats import binomtest, norm

CONFIDENCE = 0.95
SIGNIFICANCE = 0.05


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """Wilson score interval of ``successes / n``; None when ``n`` is 0."""
    if n <= 0:
        return None
    z = float(norm.ppf(0.5 + confidence / 2))
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def mcnemar(candidate_only: int, production_only: int) -> float:
    """Exact two-sided McNemar p-value from the discordant counts (1.0 when there are none)."""
    discordant = candidate_only + production_only
    if discordant == 0:
        return 1.0
    return float(binomtest(candidate_only, discordant, 0.5, alternative="two-sided").pvalue)


def paired_difference_interval(candidate_only: int, production_only: int, n: int,
                               confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """Interval of the accuracy difference (candidate − production) on paired rows (Wald, paired variance)."""
    if n <= 0:
        return None
    z = float(norm.ppf(0.5 + confidence / 2))
    diff = (candidate_only - production_only) / n
    variance = ((candidate_only + production_only) / n - diff * diff) / n
    half = z * math.sqrt(max(variance, 0.0))
    return max(-1.0, diff - half), min(1.0, diff + half)


def accuracy_with_interval(correct: int, n: int) -> dict[str, Any]:
    """``{"correct", "rows", "accuracy", "low", "high"}`` (accuracy and bounds None when n is 0)."""
    interval = wilson_interval(correct, n)
    return {"correct": int(correct), "rows": int(n), "accuracy": correct / n if n else None,
            "low": interval[0] if interval else None, "high": interval[1] if interval else None}


def paired_comparison(truth: Sequence[str], candidate: Sequence[str],
                      production: Sequence[str] | None) -> dict[str, Any]:
    """Both models on the same rows: accuracies with 95 % intervals, discordant rows, McNemar p-value.

    ``significant`` is True when the p-value is below 5 %: the difference is unlikely to be chance.
    Without production, only the candidate's accuracy and interval are given.
    """
    n = len(truth)
    cand_right = [c == t for c, t in zip(candidate, truth)]
    result: dict[str, Any] = {"rows": n, "confidence": CONFIDENCE,
                              "candidate": accuracy_with_interval(sum(cand_right), n), "production": None}
    if production is None:
        return result
    prod_right = [p == t for p, t in zip(production, truth)]
    cand_only = sum(c and not p for c, p in zip(cand_right, prod_right))
    prod_only = sum(p and not c for c, p in zip(cand_right, prod_right))
    p_value = mcnemar(cand_only, prod_only)
    interval = paired_difference_interval(cand_only, prod_only, n)
    result.update(
        production=accuracy_with_interval(sum(prod_right), n), candidate_only_right=cand_only,
        production_only_right=prod_only, difference=(cand_only - prod_only) / n if n else None,
        difference_low=interval[0] if interval else None, difference_high=interval[1] if interval else None,
        p_value=p_value, significant=bool(p_value < SIGNIFICANCE),
    )
    return result
