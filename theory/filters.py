"""Which rows a hypothesis is about: its filter applied to a results table, and in words."""
from __future__ import annotations

from typing import Any

import pandas as pd

from depthlab.theory.columns import known, resolve_column
from depthlab.theory.hypothesis_spec import (AllOf, ColumnRef, Condition, Hypothesis, Measurement,
                                             PairedComparison, TrendClaim)
from depthlab.theory.predictions import TheoryValues

OPS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "in": "in",
       "not_in": "not in"}


def select(frame: pd.DataFrame, conditions: tuple[Condition, ...], theory: TheoryValues) -> pd.DataFrame:
    """The rows of ``frame`` passing every condition. Conditions on results columns run
    first, so derived and theory columns are computed only for the rows left."""
    def computed(c: Condition) -> bool:
        names = [c.column] + ([c.value.column] if isinstance(c.value, ColumnRef) else [])
        return any(n not in frame.columns for n in names)

    rows = frame
    for condition in sorted(conditions, key=computed):
        if rows.empty:
            break
        rows = rows[_mask(rows, condition, theory)]
    return rows


def _mask(rows: pd.DataFrame, c: Condition, theory: TheoryValues) -> pd.Series:
    if not known(rows, c.column):
        if c.or_missing:
            return pd.Series(True, index=rows.index)
        resolve_column(rows, c.column, theory)   # raises, naming the columns
    column = resolve_column(rows, c.column, theory)
    value = resolve_column(rows, c.value.column, theory) if isinstance(c.value, ColumnRef) else c.value
    present = column.notna()
    try:
        if c.op in ("in", "not_in"):
            result = column.isin(list(value))
            result = ~result if c.op == "not_in" else result
        elif c.op in ("eq", "ne"):
            result = column == value if c.op == "eq" else column != value
        else:
            if isinstance(value, (int, float, pd.Series)) and not isinstance(value, bool):
                column = pd.to_numeric(column, errors="coerce")
                value = pd.to_numeric(value, errors="coerce") if isinstance(value, pd.Series) else value
            compare = {"lt": column.lt, "le": column.le, "gt": column.gt, "ge": column.ge}[c.op]
            result = compare(value)
    except TypeError as error:
        raise ValueError(f"filter {c.column} {OPS[c.op]} {_show(c.value)} cannot be applied "
                         f"to the column's values: {error}") from None
    result = result.fillna(False).astype(bool) & present
    if isinstance(value, pd.Series):
        result &= value.notna()
    return result | ~present if c.or_missing else result


def _show(value: Any) -> str:
    if isinstance(value, ColumnRef):
        return value.column
    if isinstance(value, tuple):
        return "(" + ", ".join(map(str, value)) + ")"
    return repr(value) if isinstance(value, str) else str(value)


def describe_filter(conditions: tuple[Condition, ...]) -> str:
    """The filter in words, e.g. ``depth < radius, model in (gcn, gin)``."""
    parts = [f"{c.column} {OPS[c.op]} {_show(c.value)}" + (" (or unset)" if c.or_missing else "")
             for c in conditions]
    return ", ".join(parts) if parts else "all rows"


def describe(h: Hypothesis) -> str:
    """The claim of ``h`` in words."""
    if isinstance(h, AllOf):
        return "all of: " + ", ".join(p.name for p in h.parts)
    where = describe_filter(h.filter)
    if getattr(h, "per", "run") != "run":
        where += f" (per {h.per.replace('_', ' ')} of each run's test examples)"
    if isinstance(h, Measurement):
        return f"measured: mean of {', '.join(h.quantities)} by {', '.join(h.by)}, where {where}"
    if isinstance(h, PairedComparison):
        limit = {"<=": "+", ">=": "-", "==": "+/-"}[h.op]
        tolerance = f" {limit} {h.tolerance:g}" if h.tolerance else ""
        return (f"mean {h.quantity} of [{describe_filter(h.contender)}] {h.op} mean of "
                f"[{describe_filter(h.baseline)}]{tolerance}, in each cell of equal "
                f"({', '.join(h.match)}), where {where}")
    if isinstance(h, TrendClaim):
        return (f"{h.quantity} is {h.direction} in {h.over} within each group of "
                f"({', '.join(h.group_by)}), where {where}")
    limit = {"<=": "+", ">=": "-", "==": "+/-"}[h.op]
    tolerance = f" {limit} {h.tolerance:g}" if h.tolerance else ""
    if h.tolerance < 0 and h.op != "==":
        tolerance = f" {'-' if h.op == '<=' else '+'} {-h.tolerance:g}"
    return f"{h.quantity} {h.op} {h.against}{tolerance}, where {where}"

