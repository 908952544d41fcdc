"""Built-in hypothesis ``oversmoothing``: two honest claims and a measurement.

(a) ``oversmoothing/bound`` (a theorem, Cai & Wang 2020; Oono & Suzuki 2020): a plain GCN's
    Dirichlet energy rate is at most the bound from its trained weights' measured largest
    singular values, lambda of the graphs and the biases (``theory.smoothing.
    cai_wang_rate_bound``); slack = bound / rate. Its assumptions, so its filter: GCN
    layers without residual or normalisation, ReLU or identity, self-loops (the augmented
    adjacency), no fully-adjacent layer (last or all), simple undirected test graphs (otherwise the bound
    is null and the row counted as unusable). It can fail only if the code or the theorem
    is wrong.
(b) The empirical claim on csbm, the short-range control: a deep (depth >= 16) plain GCN
    is less accurate than the same GCN at a shallow depth (<= 4) by at least
    ``ACCURACY_LOSS``, and keeps less of its input energy (``energy_ratio``); with PairNorm
    (which keeps the energy from 0) the deep GCN is within ``ACCURACY_KEPT`` of its shallow
    accuracy. Residual connections and NodeNorm are measured (accuracy and energy ratio by
    depth), not claimed.
"""
from __future__ import annotations

from depthlab.theory.builtin_parts import EXACT
from depthlab.theory.hypothesis_spec import AllOf, ColumnRef, Comparison, Condition, Measurement

NAME = "oversmoothing"
DEEP_DEPTH = 16
ACCURACY_LOSS = 0.1
ACCURACY_KEPT = 0.05
BOUND_TOLERANCE = 1e-6
GCN = (Condition("model", "eq", "gcn"),
       Condition("model.fully_adjacent_last", "eq", False, or_missing=True),
       Condition("model.fully_adjacent_all", "eq", False, or_missing=True))
PLAIN = (Condition("model.residual", "eq", False, or_missing=True),
         Condition("model.norm", "eq", "none", or_missing=True))
CSBM_DEEP = (Condition("task", "eq", "csbm"), Condition("depth", "ge", DEEP_DEPTH))


def hypothesis() -> AllOf:
    """The claims (a) and (b) and the measurement of the module docstring."""
    theorem = GCN + PLAIN + (Condition("depth", "ge", 1),
                             Condition("model.activation", "in", ("relu", "identity"), or_missing=True),
                             Condition("model.self_loops", "eq", True, or_missing=True))
    return AllOf(NAME, (
        Comparison(f"{NAME}/bound", "energy_rate", "<=", "energy_rate_bound", BOUND_TOLERANCE,
                   theorem, EXACT,
                   "a plain GCN's energy contracts per layer at least by (s_l lambda)^2 (plus "
                   "its bias's share), s_l its trained weight's largest singular value (Cai & "
                   "Wang 2020, Oono & Suzuki 2020)"),
        Comparison(f"{NAME}/accuracy-loss", "test_acc", "<=", "shallow_test_acc", -ACCURACY_LOSS,
                   GCN + PLAIN + CSBM_DEEP,
                   statement=f"on csbm a deep plain GCN loses at least {ACCURACY_LOSS:g} test "
                   "accuracy against the same GCN at a shallow depth"),
        Comparison(f"{NAME}/energy-loss", "energy_ratio", "<=", "shallow_energy_ratio", 0.0,
                   GCN + PLAIN + CSBM_DEEP, EXACT,
                   "and keeps less of its input's Dirichlet energy (E_L / E_0)"),
        Comparison(f"{NAME}/pairnorm-keeps-accuracy", "test_acc", ">=", "shallow_test_acc",
                   ACCURACY_KEPT, GCN + CSBM_DEEP + (Condition("model.norm", "eq", "pair"),
                                                     Condition("model.residual", "eq", False, or_missing=True)),
                   statement="PairNorm keeps the energy from 0 and a deep GCN's accuracy within "
                   f"{ACCURACY_KEPT:g} of its shallow accuracy"),
        Measurement(f"{NAME}/bound-scope", ("energy_rate", "energy_rate_bound"),
                    ("model.residual", "model.norm", "model.activation", "model.self_loops"), GCN,
                    "every GCN run by the theorem's assumptions: only rows with residual and "
                    "norm unset/off, ReLU or identity and self-loops are judged by the bound; "
                    "the others are skipped (their bound, computed as if the assumptions held, "
                    "is shown, not judged), as are rows whose test graphs are not simple and "
                    "undirected (null bound)"),
        Measurement(f"{NAME}/variants", ("test_acc", "energy_ratio"),
                    ("model.residual", "model.norm", "depth"),
                    GCN + (Condition("task", "eq", "csbm"),),
                    "what residual connections and each normalisation are measured to do"),
    ), "over-smoothing: a theorem on trained weights, and what depth does to a plain GCN on "
       "a short-range task")
