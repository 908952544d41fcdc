"""Built-in hypothesis ``expressivity``: message passing cannot count what 1-WL cannot."""
from __future__ import annotations

from depthlab.theory.builtin_parts import MESSAGE_PASSING, ceiling_parts
from depthlab.theory.hypothesis_spec import AllOf, Condition

NAME = "expressivity"


def hypothesis() -> AllOf:
    """The claim on motif-count rows whose pattern message passing cannot count."""
    uncountable = MESSAGE_PASSING + (Condition("task", "eq", "motif-count"),
                                     Condition("countable", "eq", False))
    return AllOf(NAME, ceiling_parts(NAME, uncountable),
                 "on motif patterns message passing cannot count, accuracy (MSE) stays at "
                 "the ceiling at every depth")
