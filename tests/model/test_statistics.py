"""Confidence intervals and McNemar's paired test, checked against known values."""
from __future__ import annotations

import pytest

from future_skills.model.statistics import mcnemar, paired_comparison, paired_difference_interval, wilson_interval


def test_wilson_interval_matches_the_textbook_value():
    low, high = wilson_interval(81, 100)  # Wilson (1927); e.g. statsmodels proportion_confint(method="wilson")
    assert low == pytest.approx(0.7222, abs=1e-4) and high == pytest.approx(0.8749, abs=1e-4)
    assert wilson_interval(0, 10)[0] == pytest.approx(0.0, abs=1e-12)
    assert wilson_interval(10, 10)[1] == pytest.approx(1.0)
    assert wilson_interval(0, 0) is None


def test_interval_narrows_with_more_rows():
    small, large = wilson_interval(85, 100), wilson_interval(850, 1000)
    assert (small[1] - small[0]) > 2.5 * (large[1] - large[0])


def test_mcnemar_exact_p_values():
    assert mcnemar(0, 0) == 1.0
    assert mcnemar(5, 5) == pytest.approx(1.0)
    assert mcnemar(10, 0) == pytest.approx(2 * 0.5 ** 10)
    assert mcnemar(12, 3) == pytest.approx(0.0351, abs=1e-4)  # binomial: 2 * P(X <= 3 | 15, 0.5)


def test_paired_comparison_counts_discordant_rows():
    truth = ["LOW", "LOW", "MEDIUM", "HIGH", "HIGH", "MEDIUM"]
    cand = ["LOW", "LOW", "MEDIUM", "HIGH", "LOW", "LOW"]
    prod = ["LOW", "HIGH", "LOW", "HIGH", "HIGH", "LOW"]
    result = paired_comparison(truth, cand, prod)
    assert result["candidate"]["correct"] == 4 and result["production"]["correct"] == 3
    assert result["candidate_only_right"] == 2 and result["production_only_right"] == 1
    assert result["difference"] == pytest.approx(1 / 6)
    assert result["p_value"] == pytest.approx(1.0) and result["significant"] is False
    assert result["difference_low"] < result["difference"] < result["difference_high"]
    alone = paired_comparison(truth, cand, None)
    assert alone["production"] is None and alone["candidate"]["accuracy"] == pytest.approx(4 / 6)


def test_a_clear_difference_on_many_rows_is_significant():
    truth = ["LOW"] * 400
    cand = ["LOW"] * 360 + ["HIGH"] * 40
    prod = ["LOW"] * 300 + ["HIGH"] * 100
    result = paired_comparison(truth, cand, prod)
    assert result["significant"] is True and result["p_value"] < 1e-6
    low, high = paired_difference_interval(60, 0, 400)
    assert 0 < low < 0.15 < high


def test_paired_difference_interval_known_value():
    # diff = 10/660; var = ((30/660) - diff**2) / 660; half-width = 1.96 * sqrt(var) = 0.01622
    low, high = paired_difference_interval(20, 10, 660)
    assert low == pytest.approx(10 / 660 - 0.016224, abs=1e-5) and high == pytest.approx(10 / 660 + 0.016224, abs=1e-5)
