"""Checking hypotheses against a results table: verdicts with evidence and statistics.

``check(hypothesis, frame) -> Verdict``. ``frame`` is a results table as CONTRACTS.md
describes it (``experiments.results_frame``; theory never imports experiments). The
hypothesis kinds are defined in ``theory.hypothesis_spec``; how each is judged:

Comparison ``quantity op against (+/- tolerance)`` on the rows passing the filter:

- ``wilson`` (default for ``train_acc``/``val_acc``/``test_acc``): per row, a Wilson interval
  from ``round(acc * n)`` successes in ``n`` trials (``n_train``/``n_val``/``n_test``);
- ``mean``: per config (rows equal in every config column but the training seed), a
  Student-t interval of the mean over seeds, clipped to the quantity's range;
- ``exact``: per row, the value itself (a fact about that run, e.g. a training-set fit).

Each interval is judged against the allowed region (for ``<=``: up to ``against +
tolerance``): it *violates* the claim if it lies wholly outside (for ``<=``: its lower bound
exceeds the limit), *confirms* it if it lies wholly inside, and is *undecided* if it
straddles the limit. Before that, a row/config is *vacuous* when the region holds every
value the quantity can take (an accuracy ``<= 1``, an MSE ``>= 0``) and *thin* when its
interval rests on too little (Wilson: ``n < min_trials``; mean: a single seed).

The confidence is family-wise: with the Bonferroni correction (default) each of the m
intervals has confidence ``1 - (1 - confidence)/m``. Verdict: *refuted* if any row/config
violates the claim; *supported* if none does and at least ``min_rows`` confirm it;
*inconclusive* otherwise (no matching rows, or only undecided, vacuous or thin ones).

Trend: per group, Spearman's rho of ``quantity`` on ``over`` with one-sided p-values
(groups with fewer than ``min_levels`` distinct ``over`` values are not tested); a group
*supports* the trend if its p-value in the claimed direction is below ``(1 - confidence)/m``
and *refutes* it if the opposite one is. Verdict: refuted if any group refutes, supported
if at least one supports, inconclusive otherwise.

AllOf: parts that match no row are left out; refuted if any remaining part is refuted,
supported if all are supported (and at least one remains), inconclusive otherwise.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from depthlab.theory.hypothesis_spec import (
    DEFAULT_GROUP_BY,
    DERIVED_QUANTITIES,
    THEORY_VALUES,
    AllOf,
    ColumnRef,
    Comparison,
    Condition,
    Hypothesis,
    Statistics,
    TrendClaim,
    load_hypotheses,
)
from depthlab.theory.predictions import TheoryValues, countable
from depthlab.theory.statistics import bonferroni, mean_interval, spearman_trend, wilson_interval

SUPPORTED, REFUTED, INCONCLUSIVE = "supported", "refuted", "inconclusive"
VIOLATES, CONFIRMS, UNDECIDED, VACUOUS, THIN = ("violates", "confirms", "undecided", "vacuous",
                                                "thin")
ROW_STATUSES = (VIOLATES, CONFIRMS, UNDECIDED, VACUOUS, THIN)
ACCURACY = re.compile(r"^(train|val|test)_acc$")
CONFIG_COLUMNS = ("task", "task_params", "data_seed", "model", "depth", "width",
                  "model_options", "train_config")
ID_COLUMNS = ("task", "radius", "model", "depth", "width", "seed")
OPS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "in": "in",
       "not_in": "not in"}


@dataclass
class Verdict:
    """The outcome of checking one hypothesis.

    ``status``: supported / refuted / inconclusive; ``reason``: one sentence why;
    ``claim``: the hypothesis in words; ``matched``: rows passing the filter;
    ``evidence``: the rows (or configs, or groups) judged, with their intervals and status;
    ``theory``: the value compared against and its range over the evidence;
    ``statistics``: method, confidence, correction, counts, and the spread over seeds per
    config; ``parts``: the verdicts of an AllOf's parts.
    """

    name: str
    status: str
    reason: str
    claim: str
    statement: str = ""
    matched: int = 0
    evidence: pd.DataFrame = field(default_factory=pd.DataFrame)
    theory: dict[str, Any] = field(default_factory=dict)
    statistics: dict[str, Any] = field(default_factory=dict)
    parts: list["Verdict"] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (NaN as null; evidence as a list of row dicts)."""
        return _jsonable({
            "name": self.name, "status": self.status, "reason": self.reason,
            "claim": self.claim, "statement": self.statement, "matched": self.matched,
            "theory": self.theory, "statistics": self.statistics,
            "evidence": self.evidence.to_dict(orient="records"),
            "parts": [p.to_dict() for p in self.parts],
        })


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# -- columns: results, derived, theory ------------------------------------------------------
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


_DERIVED = {"energy_rate": _energy_rate, "energy_ratio": _energy_ratio,
            "train_errors": _errors("train"), "test_errors": _errors("test"),
            "countable": countable}


def _split_of(quantity: str) -> str:
    prefix = quantity.split("_", 1)[0]
    return prefix if prefix in ("train", "val", "test") else "test"


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


def _known(rows: pd.DataFrame, name: str) -> bool:
    return name in rows.columns or name in _DERIVED or name in THEORY_VALUES


# -- filters --------------------------------------------------------------------------------
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
    if not _known(rows, c.column):
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
    if isinstance(h, TrendClaim):
        return (f"{h.quantity} is {h.direction} in {h.over} within each group of "
                f"({', '.join(h.group_by)}), where {where}")
    limit = {"<=": "+", ">=": "-", "==": "+/-"}[h.op]
    tolerance = f" {limit} {h.tolerance:g}" if h.tolerance else ""
    return f"{h.quantity} {h.op} {h.against}{tolerance}, where {where}"


# -- checking -------------------------------------------------------------------------------
def check(hypothesis: Hypothesis, frame: pd.DataFrame, theory: TheoryValues | None = None) -> Verdict:
    """The :class:`Verdict` of ``hypothesis`` on the results table ``frame`` (module
    docstring). ``theory`` caches regenerated datasets and theory values across calls.
    Raises ``ValueError`` for a column the table lacks."""
    theory = theory or TheoryValues()
    if isinstance(hypothesis, AllOf):
        return _check_all_of(hypothesis, frame, theory)
    if isinstance(hypothesis, TrendClaim):
        return _check_trend(hypothesis, frame, theory)
    return _check_comparison(hypothesis, frame, theory)


def _inconclusive(h: Hypothesis, reason: str, matched: int = 0, **extra) -> Verdict:
    return Verdict(h.name, INCONCLUSIVE, reason, describe(h), h.statement, matched, **extra)


def _id_columns(rows: pd.DataFrame, fixed: tuple[str, ...]) -> list[str]:
    """The ``fixed`` columns present, plus the ``task.``/``model.``/``train.`` columns that
    tell apart rows the fixed ones do not."""
    present = [c for c in fixed if c in rows.columns]
    return present + [c for c in rows.columns if c.startswith(("task.", "model.", "train."))
                      and _varies_within(rows, present, c)]


def _varies_within(rows: pd.DataFrame, keys: list[str], column: str) -> bool:
    """Whether ``column`` takes two values (null counting as one) in some group of ``keys``."""
    values = rows[column].astype(str)
    if not keys:
        return values.nunique() > 1
    return bool(values.groupby([rows[k].astype(str) for k in keys]).nunique().max() > 1)


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


def _check_comparison(h: Comparison, frame: pd.DataFrame, theory: TheoryValues) -> Verdict:
    rows = select(frame, h.filter, theory)
    matched = len(rows)
    if matched == 0:
        return _inconclusive(h, "no row matches the filter")
    split = _split_of(h.quantity)
    quantity = pd.to_numeric(resolve_column(rows, h.quantity, theory, split), errors="coerce")
    if isinstance(h.against, str):
        theta = pd.to_numeric(resolve_column(rows, h.against, theory, split), errors="coerce")
    else:
        theta = pd.Series(float(h.against), index=rows.index)
    usable = quantity.notna() & theta.notna()
    if not usable.any():
        return _inconclusive(h, f"none of the {matched} matching rows has both {h.quantity} "
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
    per_test = _per_test_confidence(stats, tests)
    statistics = {"method": method, "confidence": stats.confidence, "correction": stats.correction,
                  "per_test_confidence": per_test, "tolerance": h.tolerance, "tests": tests,
                  "unusable_rows": int(matched - len(rows)),
                  "counts": {s: int(counts.get(s, 0)) for s in ROW_STATUSES}}
    if method != "mean":
        statistics["by_config"] = _seed_spread(rows, quantity)
    theory_info = {"against": h.against,
                   "description": THEORY_VALUES.get(h.against, "results column")
                   if isinstance(h.against, str) else "constant",
                   "min": float(theta.min()), "max": float(theta.max())}
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


def _per_test_confidence(stats: Statistics, tests: int) -> float:
    return bonferroni(stats.confidence, tests) if stats.correction == "bonferroni" else stats.confidence


def _row_evidence(rows, quantity, theta, h: Comparison, method: str) -> pd.DataFrame:
    value = quantity.to_numpy(float)
    low, high = _limits(h.op, theta.to_numpy(float), h.tolerance)
    evidence = rows[_id_columns(rows, ID_COLUMNS)].copy()
    evidence[h.quantity] = value
    if method == "wilson":
        trials = pd.to_numeric(rows[f"n_{_split_of(h.quantity)}"], errors="coerce").to_numpy(float)
        if np.isnan(trials).any():
            raise ValueError(f"hypothesis {h.name!r}: method 'wilson' needs the number of "
                             f"{_split_of(h.quantity)} examples (n_{_split_of(h.quantity)}) in every row")
        successes = np.clip(np.round(value * trials), 0, trials)
        lower, upper = wilson_interval(successes, trials, _per_test_confidence(h.statistics, len(rows)))
        thin = trials < h.statistics.min_trials
        evidence["trials"] = trials.astype(int)
    else:
        lower = upper = value
        thin = np.zeros(len(value), bool)
    vacuous = _vacuous(h.quantity, low, high)
    evidence["lower"], evidence["upper"] = lower, upper
    evidence["theory"], evidence["limit"] = theta.to_numpy(float), _limit_of(h, low, high)
    evidence["status"] = _status(lower, upper, low, high, vacuous, thin)
    return evidence.reset_index(drop=True)


def _limit_of(h: Comparison, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return high if h.op == "<=" else low if h.op == ">=" else (low + high) / 2


def _config_keys(rows: pd.DataFrame) -> list[str]:
    return [c for c in CONFIG_COLUMNS if c in rows.columns]


def _config_means(rows, quantity, theta, h: Comparison) -> pd.DataFrame:
    keys = _config_keys(rows)
    data = rows.assign(_q=quantity, _t=theta)
    groups = list(data.groupby(keys, dropna=False, sort=True)) if keys else [((), data)]
    confidence = _per_test_confidence(h.statistics, len(groups))
    shown = _id_columns(rows, tuple(c for c in ID_COLUMNS if c != "seed"))
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
    """Values the quantity can take: [0, 1] for accuracies, [0, inf) for MSEs, error counts
    and energy quantities, unbounded otherwise."""
    if ACCURACY.match(quantity):
        return 0.0, 1.0
    if quantity.endswith(("_mse", "_errors")) or quantity.startswith("energy_"):
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
    shown = [c for c in _id_columns(rows, ID_COLUMNS) if c != "seed"]
    table = rows.assign(_q=quantity).groupby(keys, dropna=False, sort=True).agg(
        **{c: (c, "first") for c in shown if c not in keys},
        mean=("_q", "mean"), std=("_q", "std"), n=("_q", "count")).reset_index()
    return table[[c for c in shown] + ["mean", "std", "n"]].to_dict(orient="records")


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
                    and _varies_within(data, named + ["_x"], c)]
    return list(dict.fromkeys(columns))


def _check_trend(h: TrendClaim, frame: pd.DataFrame, theory: TheoryValues) -> Verdict:
    rows = select(frame, h.filter, theory)
    matched = len(rows)
    if matched == 0:
        return _inconclusive(h, "no row matches the filter")
    y = pd.to_numeric(resolve_column(rows, h.quantity, theory, _split_of(h.quantity)), errors="coerce")
    x = pd.to_numeric(resolve_column(rows, h.over, theory), errors="coerce")
    usable = x.notna() & y.notna()
    if not usable.any():
        return _inconclusive(h, f"none of the {matched} matching rows has both {h.quantity} "
                                f"and {h.over}", matched)
    data = rows[usable].assign(_x=x[usable], _y=y[usable])
    keys = _group_columns(h, data)
    groups = list(data.groupby(keys, dropna=False, sort=True)) if keys else [((), data)]
    stats = h.statistics
    testable = sum(g["_x"].nunique() >= stats.min_levels for _, g in groups)
    alpha = 1.0 - _per_test_confidence(stats, testable)
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


def _check_all_of(h: AllOf, frame: pd.DataFrame, theory: TheoryValues) -> Verdict:
    parts = [check(p, frame, theory) for p in h.parts]
    applicable = [p for p in parts if not p.evidence.empty]
    matched = max((p.matched for p in parts), default=0)
    names = lambda verdicts: ", ".join(p.name for p in verdicts)
    if not applicable:
        status, reason = INCONCLUSIVE, "no part has evidence rows"
    elif any(p.status == REFUTED for p in applicable):
        status, reason = REFUTED, f"refuted part(s): {names(p for p in applicable if p.status == REFUTED)}"
    elif all(p.status == SUPPORTED for p in applicable):
        status, reason = SUPPORTED, f"every part with evidence is supported: {names(applicable)}"
    else:
        status, reason = INCONCLUSIVE, (f"inconclusive part(s): "
                                        f"{names(p for p in applicable if p.status == INCONCLUSIVE)}")
    skipped = [p.name for p in parts if p.evidence.empty]
    return Verdict(h.name, status, reason, describe(h), h.statement, matched,
                   statistics={"parts_without_evidence": skipped}, parts=parts)


# -- built-in hypotheses --------------------------------------------------------------------
ONE_HOP_FAMILIES = ("gcn", "gin", "gat", "ggnn", "sage", "sign")
ACCURACY_EPS = 0.02
MSE_EPS = 1e-6
ENERGY_EPS = 0.05
_MESSAGE_PASSING = (Condition("model", "in", ONE_HOP_FAMILIES),
                    Condition("model.fully_adjacent_last", "eq", False, or_missing=True))
_EXACT = Statistics(method="exact")


def _ceiling_parts(name: str, where: tuple[Condition, ...]) -> tuple[Comparison, Comparison]:
    return (Comparison(f"{name}/accuracy", "test_acc", "<=", "ceiling", ACCURACY_EPS, where),
            Comparison(f"{name}/mse", "test_mse", ">=", "ceiling", MSE_EPS, where, _EXACT))


def builtin_hypotheses() -> dict[str, Hypothesis]:
    """The built-in hypotheses by name: radius, expressivity, bottleneck, oversmoothing."""
    below_radius = _MESSAGE_PASSING + (Condition("depth", "lt", ColumnRef("radius")),)
    uncountable = _MESSAGE_PASSING + (Condition("task", "eq", "motif-count"),
                                      Condition("countable", "eq", False))
    deep_enough = _MESSAGE_PASSING + (Condition("depth", "ge", ColumnRef("radius")),)
    plain_gcn = (Condition("model", "eq", "gcn"), Condition("depth", "ge", 2),
                 Condition("model.residual", "eq", False, or_missing=True),
                 Condition("model.norm", "eq", "none", or_missing=True),
                 Condition("model.self_loops", "eq", True, or_missing=True),
                 Condition("model.fully_adjacent_last", "eq", False, or_missing=True))
    return {
        "radius": AllOf("radius", _ceiling_parts("radius", below_radius),
                        "below the required radius, a message-passing network is no better "
                        "than the 1-WL ceiling at its depth"),
        "expressivity": AllOf("expressivity", _ceiling_parts("expressivity", uncountable),
                              "on motif patterns message passing cannot count, accuracy (MSE) "
                              "stays at the ceiling at every depth"),
        "bottleneck": AllOf("bottleneck", (
            TrendClaim("bottleneck/trend", "train_acc", "radius", "decreasing", DEFAULT_GROUP_BY,
                       deep_enough, statement="at fixed width, training accuracy falls as the "
                       "radius grows (depth >= radius)"),
            Comparison("bottleneck/bound", "train_errors", ">=", 1, 0.0,
                       deep_enough + (Condition("width", "lt", ColumnRef("min_width")),), _EXACT,
                       "below Alon & Yahav's least width the training set is not fitted")),
            "over-squashing: a fixed width cannot carry a neighbourhood that grows with r"),
        "oversmoothing": Comparison(
            "oversmoothing", "energy_rate", "<=", "smoothing_rate", ENERGY_EPS, plain_gcn,
            Statistics(method="mean"),
            "a plain GCN's Dirichlet energy contracts per layer at least as fast as lambda^2 "
            "(Cai & Wang 2020, Oono & Suzuki 2020, weights' norms taken as 1)"),
    }


def resolve_hypotheses(name_or_file: str) -> list[Hypothesis]:
    """``all`` (every built-in), a built-in name, or a TOML file of hypotheses. Raises
    ``ValueError`` for anything else (listing the built-ins), ``FileNotFoundError`` for a
    missing ``.toml`` file."""
    builtins = builtin_hypotheses()
    if name_or_file == "all":
        return list(builtins.values())
    if name_or_file in builtins:
        return [builtins[name_or_file]]
    path = Path(name_or_file)
    if path.suffix == ".toml" or path.exists():
        return load_hypotheses(path)
    raise ValueError(f"hypothesis={name_or_file!r} is invalid: expected 'all', one of "
                     f"{', '.join(builtins)}, or a TOML file")
