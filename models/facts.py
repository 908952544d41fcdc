"""What theory needs to know about each model family, declared once, without torch or DGL.

A family's :class:`ModelFacts` say what an L-layer network of the family can see, which is
what the message-passing ceiling and the radius verdicts are computed from:

- ``hops_per_layer``: how far one layer reaches along the message graph (1 for a
  convolution over neighbours, 2 for MixHop's ``A_hat^2``; SIGN counts its depth in hops,
  so 1); ``None`` when a layer reaches every node of the graph (global attention);
- ``sees_degrees``: whether a message ``u -> v`` is weighted by the sender's out-degree
  (GCN's ``1/sqrt(d_out(u) d_in(v))`` and its powers), or out-degrees are an input
  (graphormer's degree encoding). In-neighbour 1-WL does not see
  ``d_out(u)``; with it added to the initial colours, such a network is again a function
  of the refined colour;
- ``message_passing``: whether the network's output at a node is a function of that
  node's 1-WL colour after ``hops_per_layer * depth`` rounds (false for global layers);
- ``hops_option``: the model option that sets the hops per layer where a config gives it
  (mixhop's ``max_power``); ``hops_per_layer`` is then that option's default.

The model registry (``models.registry``) refuses to register a family with no entry in
:data:`FAMILY_FACTS`, and :func:`facts_of` raises for an undeclared name: a family never
drops silently out of a verdict. This module is kept free of torch and DGL so that
``experiments`` can put the facts into a results table without importing the networks.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping


@dataclass(frozen=True)
class ModelFacts:
    """A family's facts (module docstring)."""

    hops_per_layer: int | None
    sees_degrees: bool
    message_passing: bool
    hops_option: str | None = None

    def columns(self) -> dict[str, Any]:
        """The facts as results-table columns; a global reach is ``inf`` hops per layer."""
        facts = {name: getattr(self, name) for name in FACT_COLUMNS}
        if facts["hops_per_layer"] is None:
            facts["hops_per_layer"] = float("inf")
        return facts


FACT_COLUMNS = ("hops_per_layer", "sees_degrees", "message_passing")
_ONE_HOP = ModelFacts(hops_per_layer=1, sees_degrees=False, message_passing=True)
_ONE_HOP_DEGREE_WEIGHTED = ModelFacts(hops_per_layer=1, sees_degrees=True, message_passing=True)

FAMILY_FACTS: dict[str, ModelFacts] = {
    "gcn": _ONE_HOP_DEGREE_WEIGHTED,
    "gin": _ONE_HOP,
    "gat": _ONE_HOP,
    "ggnn": _ONE_HOP,
    "sage": _ONE_HOP,
    "sign": _ONE_HOP_DEGREE_WEIGHTED,
    "mixhop": ModelFacts(hops_per_layer=2, sees_degrees=True, message_passing=True,
                         hops_option="max_power"),
    "graphormer": ModelFacts(hops_per_layer=None, sees_degrees=True, message_passing=False),
}


def facts_of(family: str, options: Mapping[str, Any] | None = None) -> ModelFacts:
    """The declared facts of ``family``; with ``options`` (a config's model options), the
    hops per layer its ``hops_option`` sets, where given and not null. Raises ``ValueError``
    naming the family and the declared ones when it has none."""
    if family not in FAMILY_FACTS:
        raise ValueError(f"model family {family!r} declares no facts for theory (hops per "
                         f"layer, degrees, message passing) in depthlab.models.facts; declared: "
                         f"{', '.join(sorted(FAMILY_FACTS))}")
    facts = FAMILY_FACTS[family]
    hops = (options or {}).get(facts.hops_option) if facts.hops_option else None
    if hops is None or hops != hops:
        return facts
    return replace(facts, hops_per_layer=int(hops))
