"""The columns a hypothesis can name: results columns, derived quantities, theory values.

Model facts (``hops_per_layer``, ``sees_degrees``, ``message_passing``, and
``receptive_radius = hops_per_layer * depth``) are derived from each row's ``model`` by
``depthlab.models.facts`` (torch- and DGL-free; the model registry refuses a family that
does not declare them). A row whose model declares no facts raises ``ValueError`` wherever a
fact is needed: a family never drops silently out of a verdict.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from depthlab.models.facts import FACT_COLUMNS, facts_of
from depthlab.theory.hypothesis_spec import DERIVED_QUANTITIES, SHALLOW_PREFIX, THEORY_VALUES
from depthlab.theory.predictions import TheoryValues, countable, hop_options


def _energy_ends(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First energy, last energy and number of layers per row (NaN where unusable)."""
    if "energy" not in rows.columns:
        raise ValueError("results table has no 'energy' column, needed for energy quantities")
    first, last, layers = [], [], []
    for text in rows["energy"]:
        values = json.loads(text) if isinstance(text, str) else text
        ok = isinstance(values, list) and len(values) >= 2 and all(
            isinstance(v, (int, float)) and math.isfinite(v) for v in values)
        first.append(values[0] if ok else np.nan)
        last.append(values[-1] if ok else np.nan)
        layers.append(len(values) - 1 if ok else np.nan)
    return np.array(first, float), np.array(last, float), np.array(layers, float)


def _energy_ratio(rows: pd.DataFrame) -> pd.Series:
    first, last, _ = _energy_ends(rows)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(first > 0, last / first, np.nan)
    return pd.Series(ratio, index=rows.index)


def _energy_rate(rows: pd.DataFrame) -> pd.Series:
    _, _, layers = _energy_ends(rows)
    return _energy_ratio(rows) ** (1.0 / layers)


def _errors(split: str):
    def errors(rows: pd.DataFrame) -> pd.Series:
        acc = pd.to_numeric(rows[f"{split}_acc"], errors="coerce")
        n = pd.to_numeric(rows[f"n_{split}"], errors="coerce")
        return ((1.0 - acc) * n).round()
    return errors


def model_fact(rows: pd.DataFrame, name: str) -> pd.Series:
    """The fact ``name`` (one of ``FACT_COLUMNS``) of each row's model, with the hops per
    layer its options set (mixhop's ``model.max_power``); ``hops_per_layer`` as float
    (``inf`` for a global layer). Raises ``ValueError`` for an undeclared model."""
    if "model" not in rows.columns:
        raise ValueError(f"results table has no 'model' column, needed for {name!r}")
    values = [facts_of(m, o).columns()[name] for m, o in zip(rows["model"], hop_options(rows))]
    return pd.Series(values, index=rows.index, dtype=float if name == "hops_per_layer" else bool)


def receptive_radius(rows: pd.DataFrame) -> pd.Series:
    """Hops a row's network reaches: ``hops_per_layer * depth`` (0 at depth 0)."""
    depth = pd.to_numeric(rows["depth"], errors="coerce")
    hops = model_fact(rows, "hops_per_layer")
    return (hops * depth).where(depth != 0, 0.0)


_DERIVED = {"energy_rate": _energy_rate, "energy_ratio": _energy_ratio,
            "train_errors": _errors("train"), "test_errors": _errors("test"),
            "countable": countable, "receptive_radius": receptive_radius,
            **{name: (lambda rows, name=name: model_fact(rows, name)) for name in FACT_COLUMNS}}


def split_of(quantity: str) -> str:
    """The split a quantity is measured on (``train_acc`` -> train; test by default)."""
    prefix = quantity.split("_", 1)[0]
    return prefix if prefix in ("train", "val", "test") else "test"


SHALLOW = SHALLOW_PREFIX
SHALLOW_DEPTH = 4
RUN_CONFIG = ("task", "task_params", "transform", "data_seed", "model", "width", "model_options",
              "train_config", "example_radius")


def with_shallow_columns(frame: pd.DataFrame, names, theory: TheoryValues) -> pd.DataFrame:
    """``frame`` with a ``shallow_<q>`` column for every such name in ``names``: per row,
    the mean of ``q`` over the rows of the same config (``RUN_CONFIG`` columns present;
    depth and seeds aside) at the shallowest depth of that config in ``frame``, NaN if that
    depth exceeds ``SHALLOW_DEPTH``. Computed on the whole table, before any filter."""
    for name in names:
        if not name.startswith(SHALLOW) or name in frame.columns or frame.empty:
            continue
        values = pd.to_numeric(resolve_column(frame, name[len(SHALLOW):], theory), errors="coerce")
        keys = [c for c in RUN_CONFIG if c in frame.columns]
        depth = pd.to_numeric(frame["depth"], errors="coerce")
        group = frame[keys].astype(str).agg("|".join, axis=1) if keys else pd.Series("", index=frame.index)
        least = depth.groupby(group).transform("min")
        at_least = values.where(depth == least)
        reference = at_least.groupby(group).transform("mean").where(least <= SHALLOW_DEPTH)
        frame = frame.assign(**{name: reference})
    return frame


def resolve_column(rows: pd.DataFrame, name: str, theory: TheoryValues,
                   split: str = "test") -> pd.Series:
    """Column ``name`` of ``rows``: a results column, a derived quantity or a theory value
    (theory values take ``split`` for the ceiling). Raises ``ValueError`` listing what
    exists."""
    if name in rows.columns:
        return rows[name]
    if name in _DERIVED:
        return _DERIVED[name](rows)
    if name in THEORY_VALUES:
        return theory.column(name, rows, split)
    raise ValueError(f"{name!r} is neither a results column nor a derived quantity "
                     f"({', '.join(DERIVED_QUANTITIES)}) nor a theory value "
                     f"({', '.join(THEORY_VALUES)}); results columns: {', '.join(map(str, rows.columns))}")


def known(rows: pd.DataFrame, name: str) -> bool:
    """Whether ``name`` is a results column, a derived quantity or a theory value."""
    return name in rows.columns or name in _DERIVED or name in THEORY_VALUES

