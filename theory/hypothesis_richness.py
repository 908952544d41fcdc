"""Built-in hypothesis ``richness``: on a short-range task, multi-hop filters match depth.

SIGN with K hops (one layer of per-hop projections) and MixHop with powers up to P in one
or two layers reach as far as a GCN of L layers when K (or layers x P) equals L. The claim
(Frasca et al. 2020's premise, the brief's SIGN question): where the task is short-range
(radius <= SHORT_RANGE) and the receptive radius is the same, their test accuracy is at
most TOLERANCE below the deep GCN's at the same parameter budget. Compared per cell of
equal task, data seed, receptive radius, parameter budget and training settings: the
difference of mean test accuracy over seeds, by a Welch interval (``theory.paired``).
"""
from __future__ import annotations

from depthlab.theory.hypothesis_spec import AllOf, ColumnRef, Condition, PairedComparison

NAME = "richness"
SHORT_RANGE = 2
TOLERANCE = 0.03
MATCH = ("task", "task_params", "data_seed", "receptive_radius", "model.param_budget",
         "train_config")


def hypothesis() -> AllOf:
    """One part per multi-hop family, each against the plain deep GCN."""
    where = (Condition("radius", "le", SHORT_RANGE), Condition("model.param_budget", "ge", 1),
             Condition("receptive_radius", "ge", ColumnRef("radius")),
             Condition("model.fully_adjacent_last", "eq", False, or_missing=True),
             Condition("model.fully_adjacent_all", "eq", False, or_missing=True))
    gcn = (Condition("model", "eq", "gcn"), Condition("depth", "ge", 2))
    parts = (
        PairedComparison(f"{NAME}/sign", "test_acc", gcn, (Condition("model", "eq", "sign"),),
                         MATCH, ">=", TOLERANCE, where,
                         statement="SIGN with K = L hops matches an L-layer GCN"),
        PairedComparison(f"{NAME}/mixhop", "test_acc", gcn,
                         (Condition("model", "eq", "mixhop"), Condition("depth", "le", 2)),
                         MATCH, ">=", TOLERANCE, where,
                         statement="MixHop reaching L hops in 1-2 layers matches an L-layer GCN"),
    )
    return AllOf(NAME, parts, "on a short-range task, multi-hop filters in 1-2 layers match a "
                 f"deep GCN of the same receptive radius and parameter budget (test accuracy "
                 f"at most {TOLERANCE} lower)")
