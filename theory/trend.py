"""Judging a :class:`TrendClaim`: per group, a one-sided Spearman test of ``quantity`` on
``over`` (the rules are in ``theory.hypotheses``'s docstring)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from depthlab.theory.columns import resolve_column, split_of
from depthlab.theory.comparison import inconclusive, per_test_confidence
from depthlab.theory.filters import describe, select
from depthlab.theory.hypothesis_spec import TrendClaim
from depthlab.theory.predictions import TheoryValues
from depthlab.theory.statistics import spearman_trend
from depthlab.theory.verdict import INCONCLUSIVE, REFUTED, SUPPORTED, Verdict, varies_within


def _group_columns(h: TrendClaim, data: pd.DataFrame) -> list[str]:
    """``h.group_by`` with each ``prefix.*`` entry expanded to the columns of that prefix
    that vary within some group of the named columns at a fixed ``over`` (``_x``) in
    ``data``. Raises ``ValueError`` for a named column the table lacks."""
    named = [c for c in h.group_by if not c.endswith(".*")]
    missing = [c for c in named if c not in data.columns]
    if missing:
        raise ValueError(f"hypothesis {h.name!r}: group_by column {missing[0]!r} is not in the "
                         f"results table")
    columns = list(named)
    for entry in (c for c in h.group_by if c.endswith(".*")):
        columns += [c for c in data.columns if c.startswith(entry[:-1])
                    and varies_within(data, named + ["_x"], c)]
    return list(dict.fromkeys(columns))


def check_trend(h: TrendClaim, frame: pd.DataFrame, theory: TheoryValues) -> Verdict:
    """The verdict of ``h`` on ``frame`` (rules: ``theory.hypotheses``)."""
    rows = select(frame, h.filter, theory)
    matched = len(rows)
    if matched == 0:
        return inconclusive(h, "no row matches the filter")
    y = pd.to_numeric(resolve_column(rows, h.quantity, theory, split_of(h.quantity)), errors="coerce")
    x = pd.to_numeric(resolve_column(rows, h.over, theory), errors="coerce")
    usable = x.notna() & y.notna()
    if not usable.any():
        return inconclusive(h, f"none of the {matched} matching rows has both {h.quantity} "
                                f"and {h.over}", matched)
    data = rows[usable].assign(_x=x[usable], _y=y[usable])
    keys = _group_columns(h, data)
    groups = list(data.groupby(keys, dropna=False, sort=True)) if keys else [((), data)]
    stats = h.statistics
    testable = sum(g["_x"].nunique() >= stats.min_levels for _, g in groups)
    alpha = 1.0 - per_test_confidence(stats, testable)
    records = []
    for _, group in groups:
        record = group.iloc[0][keys].to_dict()
        means = group.groupby("_x")["_y"].mean()
        record.update(levels=int(group["_x"].nunique()), n=len(group),
                      means=", ".join(f"{k:g}: {v:.4g}" for k, v in means.items()))
        if record["levels"] < stats.min_levels:
            record.update(rho=np.nan, p_decreasing=np.nan, p_increasing=np.nan,
                          status=f"fewer than {stats.min_levels} levels")
        else:
            trend = spearman_trend(group["_x"], group["_y"])
            p_claim, p_other = ((trend.p_decreasing, trend.p_increasing)
                                if h.direction == "decreasing" else
                                (trend.p_increasing, trend.p_decreasing))
            status = (SUPPORTED if p_claim < alpha else REFUTED if p_other < alpha
                      else INCONCLUSIVE)
            record.update(rho=trend.rho, p_decreasing=trend.p_decreasing,
                          p_increasing=trend.p_increasing, status=status)
        records.append(record)
    evidence = pd.DataFrame(records)
    counts = evidence["status"].value_counts().to_dict()
    statistics = {"method": "spearman", "confidence": stats.confidence,
                  "correction": stats.correction, "per_test_alpha": alpha, "groups": len(groups),
                  "tested_groups": int(testable), "min_levels": stats.min_levels,
                  "counts": {s: int(counts.get(s, 0)) for s in (SUPPORTED, REFUTED, INCONCLUSIVE)}}
    supported, refuted = counts.get(SUPPORTED, 0), counts.get(REFUTED, 0)
    if refuted:
        status, reason = REFUTED, (f"{refuted} of {testable} tested groups show a significant "
                                   f"trend against the claim (one-sided p < {alpha:.3g})")
    elif supported:
        status, reason = SUPPORTED, (f"{supported} of {testable} tested groups show a "
                                     f"significant {h.direction} trend, none the opposite")
    elif testable == 0:
        status, reason = INCONCLUSIVE, f"no group has {stats.min_levels} or more distinct {h.over} values"
    else:
        status, reason = INCONCLUSIVE, f"no significant trend in any of {testable} tested groups"
    return Verdict(h.name, status, reason, describe(h), h.statement, matched, evidence,
                   {"against": f"monotone {h.direction} trend in {h.over}"}, statistics)

