"""The drift statistics' KS and chi-square tests give scipy.stats' numbers bit for bit, without importing it."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from future_skills.monitoring import significance


def _samples(seed: int, count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Sorted sample pairs: equal and unequal sizes, tied (small integers) and near-continuous values, some moved."""
    rng = np.random.default_rng(seed)
    pairs = []
    for i in range(count):
        n1 = int(rng.integers(1, 2500))
        n2 = n1 if i % 4 == 0 else int(rng.integers(1, 2500))
        if i % 3 == 0:
            a, b = rng.integers(0, 8, n1), rng.integers(0, 9, n2)
        else:
            a, b = np.round(rng.normal(0, 1, n1), 2), np.round(rng.normal(rng.uniform(-0.3, 0.3), 1, n2), 2)
        pairs.append((np.sort(a.astype(float)), np.sort(b.astype(float))))
    same = np.sort(rng.normal(0, 1, 500))
    pairs += [(same, same.copy()),  # statistic 0: p-value 1
              (np.sort(np.round(rng.normal(0, 1, 4800), 1)), np.sort(np.round(rng.normal(0.05, 1, 10_000), 1)))]
    return pairs


def _scipy_ks(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    result = stats.ks_2samp(a, b)
    return float(result.statistic), float(result.pvalue)


def test_ks_is_scipys_statistic_and_exact_pvalue_bit_for_bit():
    pairs = _samples(seed=11, count=120)
    assert [significance.ks_two_sample(a, b) for a, b in pairs] == [_scipy_ks(a, b) for a, b in pairs]
    assert significance.ks_two_sample(pairs[-2][0], pairs[-2][1]) == (0.0, 1.0)


def test_ks_falls_back_to_scipy_where_the_compiled_routine_is_missing_or_fails(monkeypatch: pytest.MonkeyPatch):
    pairs = [pair for pair in _samples(seed=12, count=12) if len(pair[0]) != len(pair[1])]
    expected = [_scipy_ks(a, b) for a, b in pairs]
    monkeypatch.setattr(significance, "outside_probability_kernel", lambda: None)
    assert [significance.ks_two_sample(a, b) for a, b in pairs] == expected

    def overflowing(*_: int) -> float:
        raise FloatingPointError("overflow")
    monkeypatch.setattr(significance, "outside_probability_kernel", lambda: overflowing)
    assert [significance.ks_two_sample(a, b) for a, b in pairs] == expected


def test_chi_square_is_scipys_bit_for_bit_with_yates_at_one_degree_of_freedom():
    rng = np.random.default_rng(13)
    tables = [rng.integers(1, 400, (2, int(rng.integers(2, 20)))).astype(float) for _ in range(150)]
    tables += [np.array([[50.0, 50.0], [49.8, 50.2]]), np.array([[30.0, 10.0], [10.0, 30.0]])]
    for table in tables:
        expected = stats.chi2_contingency(table)
        assert significance.chi_square_test(table) == (float(expected.statistic), float(expected.pvalue))
        assert (significance.expected_frequencies(table) == stats.contingency.expected_freq(table)).all()
    assert significance.chi_square_test(np.array([[5.0, 7.0]])) == (0.0, 1.0)


def test_neither_test_imports_scipy_stats_and_scipy_agrees_once_imported():
    """The compiled routine loaded from its file leaves scipy.stats importable as usual, with the same numbers."""
    script = """
import sys
import numpy as np
from future_skills.monitoring import significance
rng = np.random.default_rng(3)
a, b = np.sort(rng.normal(0, 1, 3000)), np.sort(rng.normal(0.1, 1, 7001))
table = np.array([[120.0, 80.0, 40.0], [100.0, 95.0, 60.0]])
ours = significance.ks_two_sample(a, b), significance.chi_square_test(table)
print('IMPORTED', 'scipy.stats' in sys.modules)
from scipy import stats
theirs = stats.ks_2samp(a, b), stats.chi2_contingency(table)
print('SAME', ours == ((float(theirs[0].statistic), float(theirs[0].pvalue)),
                       (float(theirs[1].statistic), float(theirs[1].pvalue))))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "IMPORTED False" in done.stdout and "SAME True" in done.stdout
