"""Built-in hypothesis ``bottleneck``: over-squashing (Alon & Yahav 2021)."""
from __future__ import annotations

from depthlab.theory.builtin_parts import EXACT, MESSAGE_PASSING
from depthlab.theory.hypothesis_spec import (DEFAULT_GROUP_BY, AllOf, ColumnRef, Comparison,
                                             Condition, TrendClaim)

NAME = "bottleneck"


def hypothesis() -> AllOf:
    """A falling trend of train accuracy in the radius, and the least-width bound, on
    message-passing rows that reach the radius."""
    deep_enough = MESSAGE_PASSING + (Condition("receptive_radius", "ge", ColumnRef("radius")),)
    return AllOf(NAME, (
        TrendClaim(f"{NAME}/trend", "train_acc", "radius", "decreasing", DEFAULT_GROUP_BY,
                   deep_enough, statement="at fixed width, training accuracy falls as the "
                   "radius grows (receptive radius >= radius)"),
        Comparison(f"{NAME}/bound", "train_errors", ">=", 1, 0.0,
                   deep_enough + (Condition("width", "lt", ColumnRef("min_width")),), EXACT,
                   "below Alon & Yahav's least width the training set is not fitted")),
        "over-squashing: a fixed width cannot carry a neighbourhood that grows with r")
