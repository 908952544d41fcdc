"""Built-in hypothesis ``oversmoothing``: a plain GCN's Dirichlet energy contracts."""
from __future__ import annotations

from depthlab.theory.hypothesis_spec import Comparison, Condition, Statistics

NAME = "oversmoothing"
ENERGY_EPS = 0.05


def hypothesis() -> Comparison:
    """Energy rate <= lambda^2 on plain GCN rows."""
    plain_gcn = (Condition("model", "eq", "gcn"), Condition("depth", "ge", 2),
                 Condition("model.residual", "eq", False, or_missing=True),
                 Condition("model.norm", "eq", "none", or_missing=True),
                 Condition("model.self_loops", "eq", True, or_missing=True),
                 Condition("model.fully_adjacent_last", "eq", False, or_missing=True),
                 Condition("model.fully_adjacent_all", "eq", False, or_missing=True))
    return Comparison(NAME, "energy_rate", "<=", "smoothing_rate", ENERGY_EPS, plain_gcn,
                      Statistics(method="mean"),
                      "a plain GCN's Dirichlet energy contracts per layer at least as fast as "
                      "lambda^2 (Cai & Wang 2020, Oono & Suzuki 2020, weights' norms taken as 1)")
