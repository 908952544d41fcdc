"""Building blocks shared by the built-in hypotheses: tolerances and the filters that pick
message-passing networks by their declared facts (``models.facts``), never by name."""
from __future__ import annotations

from depthlab.theory.hypothesis_spec import Comparison, Condition, Statistics

ACCURACY_EPS = 0.02
MSE_EPS = 1e-6
EXACT = Statistics(method="exact")
MESSAGE_PASSING = (Condition("message_passing", "eq", True),
                   Condition("model.fully_adjacent_last", "eq", False, or_missing=True),
                   Condition("model.fully_adjacent_all", "eq", False, or_missing=True))


def ceiling_parts(name: str, where: tuple[Condition, ...]) -> tuple[Comparison, Comparison]:
    """``test_acc <= ceiling + ACCURACY_EPS`` (classification rows) and ``test_mse >=
    ceiling - MSE_EPS`` (regression rows), both on the rows passing ``where``."""
    return (Comparison(f"{name}/accuracy", "test_acc", "<=", "ceiling", ACCURACY_EPS, where),
            Comparison(f"{name}/mse", "test_mse", ">=", "ceiling", MSE_EPS, where, EXACT))
