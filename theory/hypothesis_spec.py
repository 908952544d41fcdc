"""Hypotheses over a results table: their data model and the TOML schema users write.

A TOML file holds one or more ``[[hypothesis]]`` tables::

    [[hypothesis]]
    name = "shallow-gin-at-chance"             # required, unique in the file
    statement = "below the radius GIN is at chance"   # optional, printed with the verdict
    kind = "compare"                           # "compare" (default), "trend" or "paired"
    quantity = "test_acc"                      # a results column or a derived quantity
    op = "<="                                  # compare: "<=", ">=" or "=="
    against = "chance"                         # compare: a number, a theory value or a column
    tolerance = 0.05                           # compare: the claim is quantity <= against + tolerance
    per = "run"                                # compare: "run" or "example_radius" (each run's
                                               # test examples grouped by their own radius)

    [hypothesis.filter]                        # rows the claim is about (all conditions hold)
    task = "tree-neighbors-match"              # column = value
    model = ["gin", "gcn"]                     # column in list
    depth = { lt = { column = "radius" } }     # comparison with a number or another column
    "model.residual" = { eq = false, or_missing = true }   # absent column / null also passes

    [hypothesis.statistics]                    # all optional
    method = "wilson"        # wilson | mean | exact (default: wilson for *_acc, else mean)
    confidence = 0.95        # family-wise, split over rows/configs by the correction
    correction = "bonferroni"                  # or "none"
    min_rows = 1             # rows (configs for mean) that must confirm the claim to support it
    min_trials = 20          # wilson: rows with fewer test examples are too thin to support

A trend hypothesis (``kind = "trend"``) claims ``quantity`` falls (``direction =
"decreasing"``, default) or rises as ``over`` (default "radius") grows, within each group of
rows sharing ``group_by`` (default: task, model, width and every ``task.``, ``model.`` and
``train.`` column not determined by ``over``; an entry ``"prefix.*"`` stands for the
columns of that prefix that are not a function of ``over``); statistics keys
``confidence`` (one-sided Spearman test at level 1 - confidence), ``correction`` and
``min_levels`` (distinct values of ``over`` a group needs, default 3).

A paired hypothesis (``kind = "paired"``) compares two model classes cell by cell
(``theory.paired``): ``baseline`` and ``contender`` are filter tables, ``match`` the
columns a cell holds equal (e.g. ``["task", "data_seed", "receptive_radius"]``), and the
claim is ``mean(contender) - mean(baseline) op 0 (+/- tolerance)`` per pair of configs
(``op`` default ">="), judged by a Welch interval over seeds.

Filter operators: eq, ne, lt, le, gt, ge, in, not_in; a value is a TOML scalar, a list (for
in/not_in) or ``{ column = "name" }``. Theory values (computed per row by
``theory.predictions``): ``THEORY_VALUES``. Derived quantities: ``DERIVED_QUANTITIES``.
"""
from __future__ import annotations

import math

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

COMPARE_OPS = ("<=", ">=", "==")
FILTER_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in")
METHODS = ("wilson", "mean", "exact")
CORRECTIONS = ("bonferroni", "none")
DIRECTIONS = ("decreasing", "increasing")
KINDS = ("compare", "trend", "paired")
UNITS = ("run", "example_radius")
THEORY_VALUES = {
    "ceiling": "best accuracy (least MSE) any network of the row's model and depth can reach "
               "on the quantity's split: 1-WL after hops_per_layer * depth rounds on what the "
               "model receives (node features, plus degrees where it weights messages by "
               "degree; theory.model_ceiling)",
    "smoothing_rate": "lambda^2, Oono & Suzuki's lambda of the test graphs (Cai & Wang's "
                      "per-layer energy contraction; null for directed graphs)",
    "min_width": "Alon & Yahav's least width that can tell apart the leaf arrangements of "
                 "the training set (tree-neighbors-match; theory.bottleneck)",
    "ceiling_nmse": "the ceiling's MSE over the variance of the split's labels (1.0: the "
                    "best function of the 1-WL colour does no better than the mean)",
    "energy_rate_bound": "Cai & Wang's bound on energy_rate from the trained weights: the "
                         "geometric mean over layers of (s_l lambda + |b_l| sqrt(E(1)/E_l))^2, "
                         "s_l the layer's largest singular value, b_l its bias, E(1) the "
                         "energy of a constant feature (theory.smoothing.cai_wang_rate_bound; "
                         "null where the assumptions fail)",
}
DERIVED_QUANTITIES = {
    "energy_rate": "(E_L / E_0)^(1/L): geometric-mean per-layer ratio of the energy column",
    "energy_ratio": "E_L / E_0 from the energy column",
    "train_errors": "misclassified training examples, round((1 - train_acc) * n_train)",
    "test_errors": "misclassified test examples, round((1 - test_acc) * n_test)",
    "countable": "whether message passing can count the motif-count row's pattern "
                 "(theory.countability; null for other tasks)",
    "hops_per_layer": "hops one layer of the row's model reaches (models.facts; inf: global)",
    "sees_degrees": "whether the model weights messages by the sender's degree (models.facts)",
    "message_passing": "whether the model is bounded by 1-WL colour refinement (models.facts)",
    "receptive_radius": "hops_per_layer * depth: the rounds of 1-WL the row's output depends on",
}
# Any quantity q also gives a column shallow_<q>: the mean of q over the rows of the same
# config (seeds aside) at the shallowest depth in the table, if that depth is <= 4.
SHALLOW_PREFIX = "shallow_"
DEFAULT_GROUP_BY = ("task", "model", "width", "task.*", "model.*", "train.*")


@dataclass(frozen=True)
class ColumnRef:
    """A filter value taken from another column of the same row."""

    column: str


@dataclass(frozen=True)
class Condition:
    """``column op value``; with ``or_missing`` an absent column or a null value passes."""

    column: str
    op: str
    value: Any
    or_missing: bool = False


@dataclass(frozen=True)
class Statistics:
    """How evidence is weighed (module docstring); ``method`` None picks by quantity."""

    method: str | None = None
    confidence: float = 0.95
    correction: str = "bonferroni"
    min_rows: int = 1
    min_trials: int = 20
    min_levels: int = 3


@dataclass(frozen=True)
class Comparison:
    """Claim: for every row passing ``filter``, ``quantity op against (+/- tolerance)``.
    ``per = "example_radius"`` judges each run's test examples grouped by their own radius
    (``theory.example_radius``) instead of whole runs."""

    name: str
    quantity: str
    op: str
    against: float | str
    tolerance: float = 0.0
    filter: tuple[Condition, ...] = ()
    statistics: Statistics = field(default_factory=Statistics)
    statement: str = ""
    per: str = "run"


@dataclass(frozen=True)
class Measurement:
    """Not a claim: the mean (std, n over seeds) of each of ``quantities`` per group of
    ``by`` on the rows passing ``filter``, shown beside the claims of an :class:`AllOf`
    (what a variant is measured to do). Its verdict status is ``measured``."""

    name: str
    quantities: tuple[str, ...]
    by: tuple[str, ...]
    filter: tuple[Condition, ...] = ()
    statement: str = ""
    per: str = "run"


@dataclass(frozen=True)
class TrendClaim:
    """Claim: within each ``group_by`` group, ``quantity`` moves in ``direction`` as
    ``over`` grows."""

    name: str
    quantity: str
    over: str = "radius"
    direction: str = "decreasing"
    group_by: tuple[str, ...] = DEFAULT_GROUP_BY
    filter: tuple[Condition, ...] = ()
    statistics: Statistics = field(default_factory=Statistics)
    statement: str = ""


@dataclass(frozen=True)
class AllOf:
    """Claim: every part holds. Parts that match no row are left out of the verdict."""

    name: str
    parts: tuple["Hypothesis", ...]
    statement: str = ""


@dataclass(frozen=True)
class PairedComparison:
    """Claim: in every cell of rows equal in ``match`` (results columns or derived ones
    such as ``receptive_radius``), ``mean(quantity | contender) - mean(quantity |
    baseline) op 0 (+/- tolerance)``, for each pair of a contender and a baseline config
    of the cell, on the rows passing ``filter`` (``theory.paired``)."""

    name: str
    quantity: str
    baseline: tuple[Condition, ...]
    contender: tuple[Condition, ...]
    match: tuple[str, ...]
    op: str = ">="
    tolerance: float = 0.0
    filter: tuple[Condition, ...] = ()
    statistics: Statistics = field(default_factory=Statistics)
    statement: str = ""


Hypothesis = Union[Comparison, TrendClaim, PairedComparison, AllOf, Measurement]


def _fail(where: str, message: str) -> None:
    raise ValueError(f"hypothesis {where}: {message}")


def _choice(where: str, key: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        _fail(where, f"{key}={value!r} is invalid: expected one of {', '.join(allowed)}")
    return value


def _number(where: str, key: str, value: Any, low: float, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < low or (high is not None and value >= high):
        upper = f" and < {high}" if high is not None else ""
        _fail(where, f"{key}={value!r} is invalid: expected a finite number >= {low}{upper}")
    return value


def parse_filter(where: str, table: Any) -> tuple[Condition, ...]:
    """Conditions of a ``[hypothesis.filter]`` table (see the module docstring)."""
    if not isinstance(table, dict):
        _fail(where, f"filter must be a table of column = condition, got {table!r}")
    conditions = []
    for column, spec in table.items():
        if isinstance(spec, list):
            conditions.append(Condition(column, "in", tuple(spec)))
        elif not isinstance(spec, dict) or "column" in spec:
            conditions.append(Condition(column, "eq", _value(where, column, spec)))
        else:
            or_missing = spec.get("or_missing", False)
            if not isinstance(or_missing, bool):
                _fail(where, f"filter {column}: or_missing={or_missing!r} is invalid: expected true or false")
            ops = {k: v for k, v in spec.items() if k != "or_missing"}
            if not ops:
                _fail(where, f"filter {column}: no operator given; expected some of {', '.join(FILTER_OPS)}")
            for op, value in ops.items():
                _choice(where, f"filter {column} operator", op, FILTER_OPS)
                if op in ("in", "not_in") and not isinstance(value, list):
                    _fail(where, f"filter {column}: {op} needs a list, got {value!r}")
                value = tuple(value) if op in ("in", "not_in") else _value(where, column, value)
                conditions.append(Condition(column, op, value, or_missing))
    return tuple(conditions)


def _value(where: str, column: str, value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) != {"column"} or not isinstance(value["column"], str):
            _fail(where, f"filter {column}: {value!r} is invalid: a table value must be "
                         "{ column = \"name\" }")
        return ColumnRef(value["column"])
    return value


def parse_statistics(where: str, table: Any) -> Statistics:
    """A :class:`Statistics` from a ``[hypothesis.statistics]`` table."""
    if not isinstance(table, dict):
        _fail(where, f"statistics must be a table, got {table!r}")
    unknown = sorted(set(table) - set(Statistics.__dataclass_fields__))
    if unknown:
        _fail(where, f"unknown statistics key(s) {', '.join(unknown)}; expected some of "
                     f"{', '.join(Statistics.__dataclass_fields__)}")
    if "method" in table:
        _choice(where, "method", table["method"], METHODS)
    if "correction" in table:
        _choice(where, "correction", table["correction"], CORRECTIONS)
    if "confidence" in table:
        _number(where, "confidence", table["confidence"], 0.0, 1.0)
    for key in ("min_rows", "min_trials", "min_levels"):
        if key in table and (not isinstance(table[key], int) or isinstance(table[key], bool)
                             or table[key] < 1):
            _fail(where, f"{key}={table[key]!r} is invalid: expected an int >= 1")
    return Statistics(**table)


_COMMON_KEYS = {"name", "statement", "kind", "quantity", "filter", "statistics"}
_KIND_KEYS = {"compare": {"op", "against", "tolerance", "per"},
              "trend": {"over", "direction", "group_by"},
              "paired": {"baseline", "contender", "match", "op", "tolerance"}}


def parse_hypothesis(table: dict[str, Any], where: str = "") -> Hypothesis:
    """A :class:`Comparison`, :class:`TrendClaim` or :class:`PairedComparison` from one
    ``[[hypothesis]]`` table.

    Raises ``ValueError`` naming the hypothesis, the key, the value and what is allowed.
    """
    name = table.get("name")
    where = f"{where}{name!r}" if isinstance(name, str) and name else f"{where}#?"
    if not isinstance(name, str) or not name:
        _fail(where, f"name={name!r} is invalid: expected a non-empty string")
    kind = _choice(where, "kind", table.get("kind", "compare"), KINDS)
    unknown = sorted(set(table) - _COMMON_KEYS - _KIND_KEYS[kind])
    if unknown:
        _fail(where, f"unknown key(s) {', '.join(unknown)} for kind {kind!r}; expected some of "
                     f"{', '.join(sorted(_COMMON_KEYS | _KIND_KEYS[kind]))}")
    quantity = table.get("quantity")
    if not isinstance(quantity, str) or not quantity:
        _fail(where, f"quantity={quantity!r} is invalid: expected a column name")
    common = dict(name=name, quantity=quantity, statement=str(table.get("statement", "")),
                  filter=parse_filter(where, table.get("filter", {})),
                  statistics=parse_statistics(where, table.get("statistics", {})))
    if kind == "paired":
        match = table.get("match")
        if not isinstance(match, list) or not match or not all(isinstance(c, str) for c in match):
            _fail(where, f"match={match!r} is invalid: expected a non-empty list of column names")
        sides = {}
        for side in ("baseline", "contender"):
            if side not in table:
                _fail(where, f"{side} is required for kind 'paired': a filter table")
            sides[side] = parse_filter(f"{where} {side}", table[side])
        return PairedComparison(match=tuple(match), op=_choice(where, "op", table.get("op", ">="),
                                                               COMPARE_OPS),
                                tolerance=_number(where, "tolerance", table.get("tolerance", 0.0), 0.0),
                                **sides, **common)
    if kind == "trend":
        group_by = table.get("group_by", list(DEFAULT_GROUP_BY))
        if not isinstance(group_by, list) or not all(isinstance(c, str) for c in group_by):
            _fail(where, f"group_by={group_by!r} is invalid: expected a list of column names")
        over = table.get("over", "radius")
        if not isinstance(over, str):
            _fail(where, f"over={over!r} is invalid: expected a column name")
        return TrendClaim(over=over, group_by=tuple(group_by),
                          direction=_choice(where, "direction", table.get("direction", "decreasing"),
                                            DIRECTIONS), **common)
    against = table.get("against")
    if isinstance(against, bool) or not isinstance(against, (int, float, str)):
        _fail(where, f"against={against!r} is invalid: expected a number, a column or one of "
                     f"{', '.join(THEORY_VALUES)}")
    return Comparison(op=_choice(where, "op", table.get("op"), COMPARE_OPS), against=against,
                      tolerance=_number(where, "tolerance", table.get("tolerance", 0.0), 0.0),
                      per=_choice(where, "per", table.get("per", "run"), UNITS), **common)


def load_hypotheses(path) -> list[Hypothesis]:
    """The hypotheses of a TOML file (module docstring). Raises ``FileNotFoundError`` for
    a missing file and ``ValueError`` for invalid TOML, no ``[[hypothesis]]`` table, a
    duplicate name or an invalid hypothesis."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"hypothesis file {path} not found")
    try:
        document = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: invalid TOML: {error}") from None
    tables = document.get("hypothesis")
    if not isinstance(tables, list) or not tables:
        raise ValueError(f"{path}: expected one or more [[hypothesis]] tables")
    hypotheses = [parse_hypothesis(t, f"{path}: ") for t in tables]
    names = [h.name for h in hypotheses]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{path}: duplicate hypothesis name(s) {', '.join(duplicates)}")
    return hypotheses
