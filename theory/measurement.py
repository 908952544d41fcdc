"""A :class:`Measurement`: what variants are measured to do, shown beside claims (no verdict)."""
from __future__ import annotations

import pandas as pd

from depthlab.theory.columns import resolve_column, split_of
from depthlab.theory.filters import describe, select
from depthlab.theory.hypothesis_spec import Measurement
from depthlab.theory.predictions import TheoryValues
from depthlab.theory.verdict import MEASURED, Verdict

UNSET = "(default)"


def check_measurement(h: Measurement, frame: pd.DataFrame, theory: TheoryValues) -> Verdict:
    """Status ``measured``; evidence: per group of ``h.by`` (columns the table lacks are
    left out; a null, e.g. an option left at its default, shows as ``UNSET``), ``n`` rows
    and the mean and std over them of each quantity."""
    rows = select(frame, h.filter, theory)
    claim = describe(h)
    if rows.empty:
        return Verdict(h.name, MEASURED, "no row matches the filter", claim, h.statement)
    keys = [c for c in h.by if c in rows.columns]
    data = rows[keys].astype(object).where(rows[keys].notna(), UNSET)
    for q in h.quantities:
        data[q] = pd.to_numeric(resolve_column(rows, q, theory, split_of(q)), errors="coerce")
    stats = {"n": (h.quantities[0], "count")}
    for q in h.quantities:
        stats.update({f"{q}_mean": (q, "mean"), f"{q}_std": (q, "std")})
    grouped = data.groupby(keys, dropna=False, sort=True) if keys else data.groupby(lambda _: 0)
    evidence = grouped.agg(**stats).reset_index(drop=not keys)
    return Verdict(h.name, MEASURED, f"{len(evidence)} groups measured (no claim)", claim,
                   h.statement, len(rows), evidence)
