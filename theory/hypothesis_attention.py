"""Built-in hypothesis ``attention``: attention over the whole graph removes the radius
limit. Below the radius, where message passing is held at the 1-WL ceiling of its view, a
global-attention network of the same depth fits the training set."""
from __future__ import annotations

from depthlab.theory.builtin_parts import ACCURACY_EPS, EXACT, MESSAGE_PASSING
from depthlab.theory.hypothesis_spec import AllOf, ColumnRef, Comparison, Condition

NAME = "attention"
FIT = 0.5


def hypothesis() -> AllOf:
    """Two parts on rows whose depth is below the task's radius: global-attention rows
    reach train accuracy >= FIT (Wilson intervals); message-passing rows stay at the train
    ceiling of their receptive radius (+ ACCURACY_EPS), judged exactly: the ceiling bounds
    the accuracy any such network can reach on that very training set."""
    below = (Condition("depth", "ge", 1), Condition("depth", "lt", ColumnRef("radius")))
    global_rows = (Condition("message_passing", "eq", False),
                   Condition("hops_per_layer", "eq", float("inf"))) + below
    # the train ceiling is that of the whole train split: runs on a subset of it
    # (train_examples set, never < 0) are left out of the exact part
    whole_split = Condition("train.train_examples", "lt", 0, or_missing=True)
    local_rows = MESSAGE_PASSING + (Condition("receptive_radius", "lt", ColumnRef("radius")),
                                    whole_split)
    return AllOf(NAME, (
        Comparison(f"{NAME}/beyond-depth", "train_acc", ">=", FIT, 0.0, global_rows,
                   statement=f"a global-attention network with fewer layers than the radius "
                   f"fits at least {FIT:.0%} of its training examples"),
        Comparison(f"{NAME}/message-passing-held", "train_acc", "<=", "ceiling", ACCURACY_EPS,
                   local_rows, EXACT, statement="message passing that does not reach the radius "
                   "fits no more than the 1-WL ceiling of what it sees")),
        "attention removes the radius limit: below the radius, where message passing is held "
        "at its 1-WL ceiling, a global-attention network of the same depth fits the task")
