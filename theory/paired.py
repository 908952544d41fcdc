"""Judging a :class:`PairedComparison`: one model class against another, cell by cell.

A *cell* is a set of rows equal in the claim's ``match`` columns (e.g. task, data seed,
receptive radius, parameter budget). Within a cell, every contender config (rows equal in
every config column but the training seed) is paired with every baseline config, and the
difference of their means over seeds, ``d = mean(contender) - mean(baseline)``, gets a
two-sided Welch t-interval (Welch-Satterthwaite degrees of freedom) at the per-test
confidence (Bonferroni over all pairs by default). The claim ``d op 0 (+/- tolerance)``
(for ``>=``: ``d >= -tolerance``, the contender is at most ``tolerance`` worse) is
*violated* by a pair whose interval lies wholly outside the allowed region, *confirmed*
by one whose interval lies wholly inside, *undecided* otherwise, and *thin* when a side
has a single seed. Verdict: refuted if any pair violates, supported if none does and at
least ``min_rows`` confirm, inconclusive otherwise (also when no cell holds both sides).
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from depthlab.theory.columns import resolve_column, split_of
from depthlab.theory.comparison import _limits, _status, per_test_confidence
from depthlab.theory.filters import describe, select
from depthlab.theory.hypothesis_spec import PairedComparison
from depthlab.theory.predictions import TheoryValues
from depthlab.theory.verdict import (CONFIG_COLUMNS, CONFIRMS, INCONCLUSIVE, REFUTED,
                                     ROW_STATUSES, SUPPORTED, THIN, UNDECIDED, VIOLATES, Verdict)

SHOWN = ("model", "depth", "width")


def welch_interval(a: np.ndarray, b: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """``(mean(a) - mean(b), lower, upper)``: the two-sided Welch t-interval (each side
    needs 2+ values; with zero spread on both sides the interval is the point)."""
    diff = float(a.mean() - b.mean())
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = float(np.sqrt(va + vb))
    if se == 0.0:
        return diff, diff, diff
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    half = float(scipy_stats.t.ppf(0.5 + confidence / 2.0, df)) * se
    return diff, diff - half, diff + half


def check_paired(h: PairedComparison, frame: pd.DataFrame, theory: TheoryValues) -> Verdict:
    """The verdict of ``h`` on ``frame`` (module docstring)."""
    rows = select(frame, h.filter, theory)
    sides = {name: select(rows, conditions, theory) for name, conditions in
             (("contender", h.contender), ("baseline", h.baseline))}
    matched = sum(len(side) for side in sides.values())
    pairs = []
    for name, side in sides.items():
        if side.empty:
            return Verdict(h.name, INCONCLUSIVE, f"no {name} row matches", describe(h),
                           h.statement, matched)
    grouped = {name: _configs(side, h, theory) for name, side in sides.items()}
    for cell, contenders in grouped["contender"].items():
        for contender in contenders:
            for baseline in grouped["baseline"].get(cell, []):
                pairs.append((cell, contender, baseline))
    if not pairs:
        return Verdict(h.name, INCONCLUSIVE, "no cell of equal (" + ", ".join(h.match) +
                       ") holds both a contender and a baseline", describe(h),
                       h.statement, matched)
    confidence = per_test_confidence(h.statistics, len(pairs))
    low, high = (float(v) for v in _limits(h.op, np.float64(0.0), h.tolerance))
    records = []
    for cell, (c_info, c_values), (b_info, b_values) in pairs:
        thin = len(c_values) < 2 or len(b_values) < 2
        diff, lower, upper = (welch_interval(c_values, b_values, confidence) if not thin else
                              (float(c_values.mean() - b_values.mean()), -np.inf, np.inf))
        status = str(_status(np.float64(lower), np.float64(upper), low, high, False, thin))
        records.append({**dict(zip(h.match, json.loads(cell))),
                        **{f"contender_{k}": v for k, v in c_info.items()},
                        **{f"baseline_{k}": v for k, v in b_info.items()},
                        "contender_mean": float(c_values.mean()), "contender_n": len(c_values),
                        "baseline_mean": float(b_values.mean()), "baseline_n": len(b_values),
                        "difference": diff, "lower": lower, "upper": upper,
                        "limit": low if h.op == ">=" else high, "status": status})
    evidence = pd.DataFrame(records)
    counts = evidence["status"].value_counts().to_dict()
    statistics = {"method": "welch", "confidence": h.statistics.confidence,
                  "correction": h.statistics.correction, "per_test_confidence": confidence,
                  "tolerance": h.tolerance, "tests": len(pairs),
                  "counts": {s: int(counts.get(s, 0)) for s in ROW_STATUSES}}
    bad, good = counts.get(VIOLATES, 0), counts.get(CONFIRMS, 0)
    if bad:
        status, reason = REFUTED, (f"{bad} of {len(pairs)} pairs violate the claim beyond "
                                   f"their {confidence:.4g}-confidence Welch intervals")
    elif good >= h.statistics.min_rows:
        status, reason = SUPPORTED, f"no pair violates the claim and {good} of {len(pairs)} confirm it"
    else:
        status, reason = INCONCLUSIVE, (f"{good} of {len(pairs)} pairs confirm the claim "
                                        f"(min_rows {h.statistics.min_rows}); "
                                        f"{counts.get(UNDECIDED, 0)} undecided, "
                                        f"{counts.get(THIN, 0)} thin (a single seed)")
    theory_info = {"against": "the baseline's mean in the same cell",
                   "description": f"difference of means over seeds, {h.op} 0 within tolerance"}
    return Verdict(h.name, status, reason, describe(h), h.statement, matched, evidence,
                   theory_info, statistics)


def _configs(side: pd.DataFrame, h: PairedComparison, theory: TheoryValues) -> dict:
    """Per cell (JSON of its ``match`` values): a list of (shown fields, values over seeds)
    for each config of ``side``."""
    quantity = pd.to_numeric(resolve_column(side, h.quantity, theory, split_of(h.quantity)),
                             errors="coerce")
    cells = pd.DataFrame({m: resolve_column(side, m, theory) for m in h.match}, index=side.index)
    cell_key = cells.apply(lambda row: json.dumps([_plain(v) for v in row]), axis=1)
    keys = [c for c in CONFIG_COLUMNS if c in side.columns]
    data = side.assign(_q=quantity, _cell=cell_key)
    data = data[data["_q"].notna()]
    out: dict[str, list] = {}
    for names, group in data.groupby(["_cell", *keys], dropna=False, sort=True):
        cell = names[0]
        info = {k: _plain(group.iloc[0][k]) for k in SHOWN if k in group.columns}
        out.setdefault(cell, []).append((info, group["_q"].to_numpy(float)))
    return out


def _plain(value):
    """A JSON-able scalar (numpy scalars unwrapped, NaN as None)."""
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and value != value else value
