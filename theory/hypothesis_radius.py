"""Built-in hypothesis ``radius``: examples beyond a network's reach are at the ceiling.

Judged per example radius (``theory.example_radius``): each run's test examples grouped by
their own required radius (with small-world shortcuts it varies). Examples whose radius
exceeds the network's receptive radius (hops per layer x depth) are no better than the
1-WL ceiling of what it sees, computed on those examples; those within reach are measured
(their accuracy beside their ceiling), since "solvable" is a question of training, not a
theorem.
"""
from __future__ import annotations

from depthlab.theory.builtin_parts import ACCURACY_EPS, EXACT, MESSAGE_PASSING, MSE_EPS
from depthlab.theory.hypothesis_spec import AllOf, ColumnRef, Comparison, Condition, Measurement

NAME = "radius"
PER = "example_radius"


def hypothesis() -> AllOf:
    """The claim on examples beyond reach, and the measurement of those within it."""
    beyond = MESSAGE_PASSING + (Condition("receptive_radius", "lt", ColumnRef("example_radius")),)
    within = MESSAGE_PASSING + (Condition("receptive_radius", "ge", ColumnRef("example_radius")),)
    return AllOf(NAME, (
        Comparison(f"{NAME}/accuracy", "test_acc", "<=", "ceiling", ACCURACY_EPS, beyond, per=PER),
        Comparison(f"{NAME}/mse", "test_mse", ">=", "ceiling", MSE_EPS, beyond, EXACT, per=PER),
        Measurement(f"{NAME}/within-reach", ("test_acc", "ceiling"),
                    ("task", "model", "depth", "example_radius"), within,
                    "examples within reach: accuracy beside the ceiling", per=PER),
    ), "examples whose radius exceeds hops per layer x depth are no better than the 1-WL "
       "ceiling of what the network sees; those within reach are solvable")
