"""Interval estimates and tests used by hypothesis verdicts.

Wilson score intervals for accuracies (Wilson 1927; Agresti & Coull 1998), Student-t
intervals for means over seeds, Bonferroni adjustment, and a Spearman trend test.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence={confidence!r} is invalid: expected a number in (0, 1)")


def wilson_interval(successes, trials, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided Wilson score interval for a binomial proportion, elementwise.

    With ``p = k/n`` and ``z`` the ``(1 + confidence)/2`` normal quantile, the bounds are
    ``(p + z^2/(2n) -+ z sqrt(p(1-p)/n + z^2/(4n^2))) / (1 + z^2/n)``. ``successes`` and
    ``trials`` broadcast; successes may be non-integer (an accuracy times a count, rounded
    by the caller if it wishes). ``trials = 0`` gives ``(0, 1)``. Raises ``ValueError`` for
    successes outside ``[0, trials]`` or a confidence outside (0, 1).
    """
    _check_confidence(confidence)
    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    if np.any(n < 0) or np.any(k < 0) or np.any(k > n):
        raise ValueError("wilson_interval needs 0 <= successes <= trials, got "
                         f"successes={k.tolist()}, trials={n.tolist()}")
    z = stats.norm.ppf(0.5 + confidence / 2.0)
    safe_n = np.where(n > 0, n, 1.0)
    p = k / safe_n
    denominator = 1.0 + z * z / safe_n
    centre = (p + z * z / (2.0 * safe_n)) / denominator
    half = z * np.sqrt(p * (1.0 - p) / safe_n + z * z / (4.0 * safe_n * safe_n)) / denominator
    lower = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), 0.0)
    upper = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), 1.0)
    return lower, upper


@dataclass(frozen=True)
class MeanInterval:
    """Mean, sample standard deviation (ddof=1; NaN for n=1) and n of some values, with a
    two-sided Student-t interval for the mean (``lower = upper = mean`` when n = 1)."""

    mean: float
    std: float
    n: int
    lower: float
    upper: float


def mean_interval(values, confidence: float = 0.95) -> MeanInterval:
    """:class:`MeanInterval` of the finite ``values``. Raises ``ValueError`` if none are
    finite."""
    _check_confidence(confidence)
    x = np.asarray(values, dtype=np.float64).ravel()
    x = x[np.isfinite(x)]
    if len(x) == 0:
        raise ValueError("mean_interval needs at least one finite value")
    mean = float(x.mean())
    if len(x) == 1:
        return MeanInterval(mean, float("nan"), 1, mean, mean)
    std = float(x.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2.0, len(x) - 1) * std / np.sqrt(len(x)))
    return MeanInterval(mean, std, len(x), mean - half, mean + half)


def bonferroni(confidence: float, tests: int) -> float:
    """Per-test confidence that keeps the family-wise confidence ``confidence`` over
    ``tests`` tests: ``1 - (1 - confidence) / tests`` (``tests < 1`` is treated as 1)."""
    _check_confidence(confidence)
    return 1.0 - (1.0 - confidence) / max(int(tests), 1)


@dataclass(frozen=True)
class Trend:
    """Spearman's rank correlation ``rho`` of y on x and the one-sided p-values for a
    decreasing (``p_decreasing``, alternative rho < 0) and an increasing trend; all NaN
    when x or y is constant."""

    rho: float
    p_decreasing: float
    p_increasing: float
    n: int


def spearman_trend(x, y) -> Trend:
    """:class:`Trend` of paired samples ``x``, ``y`` (equal length >= 2; ties get average
    ranks, p-values from scipy's t approximation). Raises ``ValueError`` otherwise."""
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if len(x) != len(y) or len(x) < 2:
        raise ValueError(f"spearman_trend needs two equal-length samples of >= 2 values, "
                         f"got {len(x)} and {len(y)}")
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return Trend(float("nan"), float("nan"), float("nan"), len(x))
    less = stats.spearmanr(x, y, alternative="less")
    greater = stats.spearmanr(x, y, alternative="greater")
    return Trend(float(less.statistic), float(less.pvalue), float(greater.pvalue), len(x))
