"""Built-in hypothesis ``transfer``: accuracy tracks commute time, not distance alone
(Di Giovanni et al. 2023, "On over-squashing in message passing neural networks").

Their bound on how much a target can learn from a source is governed by the commute time
between them (2 |E| R, R the effective resistance), so at one distance a topology of higher
commute time should be harder. On the transfer task (``tasks.transfer``), among
message-passing runs that reach the source (receptive radius >= radius), the claim is a
*decreasing* trend of test accuracy in the ``commute_time`` column (the mean over the run's
test examples) within each group of equal distance, model, depth, width and settings: the
topologies (and clique sizes) at one distance supply the commute-time levels.

Statistic (``theory.trend``): per group with at least 3 commute-time levels, Spearman's rho
of test accuracy on commute time over every run (seeds included), one-sided p-values,
Bonferroni over the tested groups at 95% family-wise confidence. Supported if some group
falls significantly and none rises significantly; refuted if any group rises
significantly (e.g. the barbell solved better than the ring at equal distance);
inconclusive when no group moves significantly (e.g. every topology solved, or none). A
measurement beside it shows accuracy, commute time and resistance per topology.
"""
from __future__ import annotations

from depthlab.theory.builtin_parts import MESSAGE_PASSING
from depthlab.theory.hypothesis_spec import AllOf, ColumnRef, Condition, Measurement, TrendClaim

NAME = "transfer"
GROUP_BY = ("task", "task.distance", "model", "depth", "width", "task.*", "transform.*",
            "model.*", "train.*")


def hypothesis() -> AllOf:
    """The trend claim and the per-topology measurement."""
    reaching = (Condition("task", "eq", "transfer"), *MESSAGE_PASSING,
                Condition("receptive_radius", "ge", ColumnRef("radius")))
    return AllOf(NAME, (
        TrendClaim(f"{NAME}/commute-time", "test_acc", "commute_time", "decreasing", GROUP_BY,
                   reaching, statement="at equal distance, test accuracy falls as the "
                   "source-target commute time grows"),
        Measurement(f"{NAME}/by-topology", ("test_acc", "commute_time", "resistance"),
                    ("task.distance", "task.topology", "model", "depth"), reaching,
                    "accuracy beside commute time and effective resistance, per topology"),
    ), "over-squashing follows commute time, not distance alone (Di Giovanni et al. 2023)")
