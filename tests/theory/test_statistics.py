"""Interval estimates against published values and scipy."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from depthlab.theory.statistics import bonferroni, mean_interval, spearman_trend, wilson_interval


def test_wilson_matches_published_values():
    # Newcombe (1998), Table I, method 3 (Wilson score): 81/263 -> 0.2553-0.3662,
    # 15/148 -> 0.0624-0.1605, 0/20 -> 0-0.1611, 1/29 -> 0.0061-0.1718
    lower, upper = wilson_interval([81, 15, 0, 1], [263, 148, 20, 29], 0.95)
    np.testing.assert_allclose(lower, [0.2553, 0.0624, 0.0, 0.0061], atol=6e-5)
    np.testing.assert_allclose(upper, [0.3662, 0.1605, 0.1611, 0.1718], atol=6e-5)


@pytest.mark.parametrize("confidence", [0.8, 0.95, 0.999])
def test_wilson_matches_scipy(confidence):
    for k, n in [(0, 1), (3, 7), (50, 100), (99, 100), (100, 100), (1234, 2000)]:
        expected = stats.binomtest(k, n).proportion_ci(confidence, method="wilson")
        lower, upper = wilson_interval(k, n, confidence)
        assert float(lower) == pytest.approx(expected.low, abs=1e-12)
        assert float(upper) == pytest.approx(expected.high, abs=1e-12)


def test_wilson_edge_cases_and_errors():
    lower, upper = wilson_interval(0, 0)
    assert (float(lower), float(upper)) == (0.0, 1.0)
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(5, 4)
    with pytest.raises(ValueError, match="confidence=1.5"):
        wilson_interval(1, 4, 1.5)


def test_mean_interval_matches_scipy_t_interval():
    values = [0.61, 0.64, 0.58, 0.66, np.nan]
    result = mean_interval(values, 0.9)
    finite = np.array(values[:4])
    low, high = stats.t.interval(0.9, 3, loc=finite.mean(), scale=stats.sem(finite))
    assert (result.n, result.mean) == (4, pytest.approx(finite.mean()))
    assert result.std == pytest.approx(finite.std(ddof=1))
    assert (result.lower, result.upper) == (pytest.approx(low), pytest.approx(high))
    single = mean_interval([0.5])
    assert (single.n, single.lower, single.upper) == (1, 0.5, 0.5) and np.isnan(single.std)
    with pytest.raises(ValueError, match="finite"):
        mean_interval([np.nan])


def test_bonferroni():
    assert bonferroni(0.95, 5) == pytest.approx(0.99)
    assert bonferroni(0.95, 0) == pytest.approx(0.95)


def test_spearman_trend_directions_and_constant_input():
    x = [1, 2, 3, 4, 5, 6]
    down = spearman_trend(x, [0.9, 0.8, 0.8, 0.5, 0.3, 0.1])
    assert down.rho < -0.9 and down.p_decreasing < 0.01 and down.p_increasing > 0.99
    expected = stats.spearmanr(x, [0.9, 0.8, 0.8, 0.5, 0.3, 0.1])
    assert down.rho == pytest.approx(expected.statistic)
    assert down.p_decreasing == pytest.approx(expected.pvalue / 2)
    flat = spearman_trend(x, [1.0] * 6)
    assert np.isnan(flat.rho) and flat.n == 6
    with pytest.raises(ValueError, match="equal-length"):
        spearman_trend([1], [1])
