"""Built-in hypothesis ``expressivity``: message passing cannot count what 1-WL cannot.

Classification rows: test accuracy at most the 1-WL ceiling. Regression rows (counts):
normalised MSE (``test_nmse``, 1.0 = predicting the mean) at least the ceiling's nMSE; on
random regular graphs every node has one 1-WL colour, so the ceiling's nMSE is exactly 1.0
and message passing can do no better than the mean, while on Erdos-Renyi graphs the
ceiling allows far less. The measurement shows nMSE beside the ceiling per graph family.
"""
from __future__ import annotations

from depthlab.theory.builtin_parts import ACCURACY_EPS, EXACT, MESSAGE_PASSING, MSE_EPS
from depthlab.theory.hypothesis_spec import AllOf, Comparison, Condition, Measurement

NAME = "expressivity"
MOTIFS = (Condition("task", "eq", "motif-count"),)


def hypothesis() -> AllOf:
    """The claim on motif-count rows whose pattern message passing cannot count."""
    uncountable = MESSAGE_PASSING + MOTIFS + (Condition("countable", "eq", False),)
    return AllOf(NAME, (
        Comparison(f"{NAME}/accuracy", "test_acc", "<=", "ceiling", ACCURACY_EPS, uncountable),
        Comparison(f"{NAME}/nmse", "test_nmse", ">=", "ceiling_nmse", MSE_EPS, uncountable, EXACT,
                   "normalised MSE no lower than the 1-WL ceiling's (1.0 on regular graphs)"),
        Measurement(f"{NAME}/by-graph-family", ("test_nmse", "ceiling_nmse"),
                    ("task.family", "task.pattern", "model", "depth"), MESSAGE_PASSING + MOTIFS,
                    "normalised MSE and the ceiling's, per graph family"),
    ), "on motif patterns message passing cannot count, a network does no better than the "
       "1-WL ceiling at any depth")
