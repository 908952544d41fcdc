"""Built-in hypothesis ``radius``: below the required radius, a network is no better than
the 1-WL ceiling of what it can see."""
from __future__ import annotations

from depthlab.theory.builtin_parts import MESSAGE_PASSING, ceiling_parts
from depthlab.theory.hypothesis_spec import AllOf, ColumnRef, Condition

NAME = "radius"


def hypothesis() -> AllOf:
    """The claim on message-passing rows whose receptive radius is below the task's."""
    below_radius = MESSAGE_PASSING + (Condition("receptive_radius", "lt", ColumnRef("radius")),)
    return AllOf(NAME, ceiling_parts(NAME, below_radius),
                 "below the required radius (hops per layer x depth < radius), a "
                 "message-passing network is no better than the 1-WL ceiling of what it sees")
