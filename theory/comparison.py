"""Judging a :class:`Comparison` ``quantity op against (+/- tolerance)`` (methods wilson,
mean and exact; the rules are in ``theory.hypotheses``'s docstring)."""
from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from depthlab.models.facts import facts_of
from depthlab.theory.columns import resolve_column, split_of
from depthlab.theory.filters import describe, select
from depthlab.theory.hypothesis_spec import SHALLOW_PREFIX, THEORY_VALUES, Comparison, Statistics
from depthlab.theory.model_ceiling import ceiling_input
from depthlab.theory.predictions import TheoryValues
from depthlab.theory.statistics import bonferroni, mean_interval, wilson_interval
from depthlab.theory.verdict import (CONFIG_COLUMNS, CONFIRMS, ID_COLUMNS, INCONCLUSIVE, REFUTED,
                                     ROW_STATUSES, SUPPORTED, THIN, UNDECIDED, VACUOUS, VIOLATES,
                                     Verdict, identifying_columns)

ACCURACY = re.compile(r"^(train|val|test)_acc$")


def _limits(op: str, theta: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest values allowed by ``q op theta (+/- tolerance)``."""
    low = np.where(op == "<=", -np.inf, theta - tolerance)
    high = np.where(op == ">=", np.inf, theta + tolerance)
    return low, high


def _status(lower, upper, low, high, vacuous, thin) -> np.ndarray:
    violates = (lower > high) | (upper < low)
    confirms = (lower >= low) & (upper <= high)
    return np.select([violates, vacuous, thin, confirms], [VIOLATES, VACUOUS, THIN, CONFIRMS],
                     UNDECIDED)


def inconclusive(h, reason: str, matched: int = 0, **extra) -> Verdict:
    """An inconclusive :class:`Verdict` of ``h`` (a Comparison or a TrendClaim)."""
    return Verdict(h.name, INCONCLUSIVE, reason, describe(h), h.statement, matched, **extra)


def check_comparison(h: Comparison, frame: pd.DataFrame, theory: TheoryValues) -> Verdict:
    """The verdict of ``h`` on ``frame`` (rules: ``theory.hypotheses``)."""
    rows = select(frame, h.filter, theory)
    matched = len(rows)
    if matched == 0:
        return inconclusive(h, "no row matches the filter")
    split = split_of(h.quantity)
    quantity = pd.to_numeric(resolve_column(rows, h.quantity, theory, split), errors="coerce")
    if isinstance(h.against, str):
        theta = pd.to_numeric(resolve_column(rows, h.against, theory, split), errors="coerce")
    else:
        theta = pd.Series(float(h.against), index=rows.index)
    usable = quantity.notna() & theta.notna()
    if not usable.any():
        return inconclusive(h, f"none of the {matched} matching rows has both {h.quantity} "
                                f"and {h.against}", matched)
    rows, quantity, theta = rows[usable], quantity[usable], theta[usable]
    stats = h.statistics
    method = stats.method or ("wilson" if ACCURACY.match(h.quantity) else "mean")
    if method == "wilson" and not ACCURACY.match(h.quantity):
        raise ValueError(f"hypothesis {h.name!r}: method 'wilson' needs an accuracy quantity "
                         f"(train_acc, val_acc, test_acc), got {h.quantity!r}")
    if method == "mean":
        evidence, unit = _config_means(rows, quantity, theta, h), "configs"
    else:
        evidence, unit = _row_evidence(rows, quantity, theta, h, method), "rows"
    counts = evidence["status"].value_counts().to_dict()
    tests = len(evidence)
    per_test = per_test_confidence(stats, tests)
    statistics = {"method": method, "confidence": stats.confidence, "correction": stats.correction,
                  "per_test_confidence": per_test, "tolerance": h.tolerance, "tests": tests,
                  "unusable_rows": int(matched - len(rows)),
                  "counts": {s: int(counts.get(s, 0)) for s in ROW_STATUSES}}
    if method != "mean":
        statistics["by_config"] = _seed_spread(rows, quantity)
    theory_info = {"against": h.against, "description": _describe_against(h.against),
                   "min": float(theta.min()), "max": float(theta.max())}
    if h.against == "ceiling":
        theory_info["input"] = ceiling_inputs(rows["model"])
    bad, good = counts.get(VIOLATES, 0), counts.get(CONFIRMS, 0)
    if bad:
        status = REFUTED
        reason = f"{bad} of {tests} {unit} violate the claim " + (
            "(exact values)" if method == "exact" else
            f"beyond their {per_test:.4g}-confidence intervals")
    elif good >= stats.min_rows:
        status = SUPPORTED
        reason = f"no {unit[:-1]} violates the claim and {good} of {tests} confirm it"
    else:
        status = INCONCLUSIVE
        reason = (f"{good} of {tests} {unit} confirm the claim (min_rows {stats.min_rows}); "
                  f"{counts.get(UNDECIDED, 0)} undecided (interval straddles the limit), "
                  f"{counts.get(VACUOUS, 0)} vacuous (the limit allows every possible value), "
                  f"{counts.get(THIN, 0)} thin (too few trials or seeds)")
    return Verdict(h.name, status, reason, describe(h), h.statement, matched, evidence,
                   theory_info, statistics)


def _describe_against(against: float | str) -> str:
    if not isinstance(against, str):
        return "constant"
    if against.startswith(SHALLOW_PREFIX):
        return (f"mean {against[len(SHALLOW_PREFIX):]} of the same config at its shallowest "
                "depth in the table (<= 4)")
    return THEORY_VALUES.get(against, "results column")


def ceiling_inputs(models: pd.Series) -> dict[str, str]:
    """Per model: what its ceiling's 1-WL colours start from (``theory.model_ceiling``)."""
    return {m: ceiling_input(facts_of(m)) for m in sorted(models.unique())}


def per_test_confidence(stats: Statistics, tests: int) -> float:
    """Each of ``tests`` intervals' confidence under ``stats.correction``."""
    return bonferroni(stats.confidence, tests) if stats.correction == "bonferroni" else stats.confidence


def _row_evidence(rows, quantity, theta, h: Comparison, method: str) -> pd.DataFrame:
    value = quantity.to_numpy(float)
    low, high = _limits(h.op, theta.to_numpy(float), h.tolerance)
    evidence = rows[identifying_columns(rows, ID_COLUMNS)].copy()
    evidence[h.quantity] = value
    if method == "wilson":
        trials = pd.to_numeric(rows[f"n_{split_of(h.quantity)}"], errors="coerce").to_numpy(float)
        if np.isnan(trials).any():
            raise ValueError(f"hypothesis {h.name!r}: method 'wilson' needs the number of "
                             f"{split_of(h.quantity)} examples (n_{split_of(h.quantity)}) in every row")
        successes = np.clip(np.round(value * trials), 0, trials)
        lower, upper = wilson_interval(successes, trials, per_test_confidence(h.statistics, len(rows)))
        thin = trials < h.statistics.min_trials
        evidence["trials"] = trials.astype(int)
    else:
        lower = upper = value
        thin = np.zeros(len(value), bool)
    vacuous = _vacuous(h.quantity, low, high)
    evidence["lower"], evidence["upper"] = lower, upper
    evidence["theory"], evidence["limit"] = theta.to_numpy(float), _limit_of(h, low, high)
    evidence["status"] = _status(lower, upper, low, high, vacuous, thin)
    if method == "exact" and h.op in ("<=", ">=") and isinstance(h.against, str):
        ratio = _slack(value, theta.to_numpy(float), h.op)
        if np.isfinite(ratio).any():
            evidence["slack"] = ratio
    return evidence.reset_index(drop=True)


def _slack(value: np.ndarray, theta: np.ndarray, op: str) -> np.ndarray:
    """How far inside its limit a value is, as a factor: ``theta / value`` for ``<=``,
    ``value / theta`` for ``>=`` (> 1 inside; NaN unless both are positive)."""
    top, bottom = (theta, value) if op == "<=" else (value, theta)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((top > 0) & (bottom > 0), top / bottom, np.nan)


def _limit_of(h: Comparison, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return high if h.op == "<=" else low if h.op == ">=" else (low + high) / 2


def _config_keys(rows: pd.DataFrame) -> list[str]:
    return [c for c in CONFIG_COLUMNS if c in rows.columns]


def _config_means(rows, quantity, theta, h: Comparison) -> pd.DataFrame:
    keys = _config_keys(rows)
    data = rows.assign(_q=quantity, _t=theta)
    groups = list(data.groupby(keys, dropna=False, sort=True)) if keys else [((), data)]
    confidence = per_test_confidence(h.statistics, len(groups))
    shown = identifying_columns(rows, tuple(c for c in ID_COLUMNS if c != "seed"))
    records = []
    least, most = _natural_range(h.quantity)
    for _, group in groups:
        interval = mean_interval(group["_q"], confidence)
        records.append({**group.iloc[0][shown].to_dict(), "n": interval.n, "mean": interval.mean,
                        "std": interval.std, "lower": max(interval.lower, least),
                        "upper": min(interval.upper, most), "theory": float(group["_t"].mean())})
    evidence = pd.DataFrame(records)
    low, high = _limits(h.op, evidence["theory"].to_numpy(float), h.tolerance)
    evidence["limit"] = _limit_of(h, low, high)
    evidence["status"] = _status(evidence["lower"].to_numpy(), evidence["upper"].to_numpy(),
                                 low, high, _vacuous(h.quantity, low, high),
                                 evidence["n"].to_numpy() < 2)
    return evidence


def _natural_range(quantity: str) -> tuple[float, float]:
    """Values the quantity can take: [0, 1] for accuracies, [0, inf) for (normalised) MSEs,
    error counts and energy quantities, unbounded otherwise."""
    if ACCURACY.match(quantity):
        return 0.0, 1.0
    if quantity.endswith(("_mse", "_nmse", "_errors")) or quantity.startswith("energy_"):
        return 0.0, np.inf
    return -np.inf, np.inf


def _vacuous(quantity: str, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Where the limits admit every value the quantity can take."""
    least, most = _natural_range(quantity)
    return (low <= least) & (high >= most)


def _seed_spread(rows: pd.DataFrame, quantity: pd.Series) -> list[dict[str, Any]]:
    """Mean, std and n of the quantity over training seeds, per config."""
    keys = _config_keys(rows)
    if not keys:
        return []
    shown = [c for c in identifying_columns(rows, ID_COLUMNS) if c != "seed"]
    table = rows.assign(_q=quantity).groupby(keys, dropna=False, sort=True).agg(
        **{c: (c, "first") for c in shown if c not in keys},
        mean=("_q", "mean"), std=("_q", "std"), n=("_q", "count")).reset_index()
    return table[[c for c in shown] + ["mean", "std", "n"]].to_dict(orient="records")

