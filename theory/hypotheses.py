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

Paired: a contender's mean over seeds against a baseline's in the same cell, by a Welch
interval of the difference (``theory.paired``).

AllOf: parts that match no row, and Measurements (what variants are measured to do, status
``measured``, no claim), are left out; refuted if any remaining part is refuted, supported
if all are supported (and at least one remains), inconclusive otherwise.

A part with ``per = "example_radius"`` is judged on the table of ``theory.example_radius``
(one row per run and radius of its test examples). A column ``shallow_<q>`` named by a
part is computed on the whole table before its filter (``theory.columns``).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from depthlab.theory.builtin_hypotheses import builtin_hypotheses
from depthlab.theory.columns import with_shallow_columns
from depthlab.theory.comparison import check_comparison
from depthlab.theory.example_radius import by_example_radius
from depthlab.theory.filters import describe
from depthlab.theory.hypothesis_spec import (AllOf, ColumnRef, Hypothesis, Measurement,
                                             PairedComparison, TrendClaim, load_hypotheses)
from depthlab.theory.measurement import check_measurement
from depthlab.theory.paired import check_paired
from depthlab.theory.predictions import TheoryValues
from depthlab.theory.trend import check_trend
from depthlab.theory.verdict import INCONCLUSIVE, MEASURED, REFUTED, SUPPORTED, Verdict


def check(hypothesis: Hypothesis, frame: pd.DataFrame, theory: TheoryValues | None = None) -> Verdict:
    """The :class:`Verdict` of ``hypothesis`` on the results table ``frame`` (module
    docstring). ``theory`` caches regenerated datasets and theory values across calls.
    Raises ``ValueError`` for a column the table lacks or a model that declares no facts."""
    theory = theory or TheoryValues()
    if isinstance(hypothesis, AllOf):
        return _check_all_of(hypothesis, frame, theory)
    if getattr(hypothesis, "per", "run") == "example_radius":
        frame = by_example_radius(frame)
    frame = with_shallow_columns(frame, named_columns(hypothesis), theory)
    if isinstance(hypothesis, Measurement):
        return check_measurement(hypothesis, frame, theory)
    if isinstance(hypothesis, TrendClaim):
        return check_trend(hypothesis, frame, theory)
    if isinstance(hypothesis, PairedComparison):
        return check_paired(hypothesis, frame, theory)
    return check_comparison(hypothesis, frame, theory)


def named_columns(h: Hypothesis) -> list[str]:
    """Every column name ``h`` (not an AllOf) mentions: quantities, against, filters."""
    names = [h.quantity] if not isinstance(h, Measurement) else list(h.quantities)
    names += [h.against] if isinstance(getattr(h, "against", None), str) else []
    conditions = h.filter
    if isinstance(h, PairedComparison):
        names += list(h.match)
        conditions += h.baseline + h.contender
    for c in conditions:
        names += [c.column] + ([c.value.column] if isinstance(c.value, ColumnRef) else [])
    return names


def _check_all_of(h: AllOf, frame: pd.DataFrame, theory: TheoryValues) -> Verdict:
    parts = [check(p, frame, theory) for p in h.parts]
    applicable = [p for p in parts if not p.evidence.empty and p.status != MEASURED]
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
    skipped = [p.name for p in parts if p.evidence.empty and p.status != MEASURED]
    return Verdict(h.name, status, reason, describe(h), h.statement, matched,
                   statistics={"parts_without_evidence": skipped}, parts=parts)


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
