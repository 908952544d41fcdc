"""The one message-passing ceiling of a model: 1-WL on what the model actually receives.

A network of a family with facts ``(hops_per_layer, sees_degrees, message_passing)``
(``depthlab.models.facts``) and ``depth`` layers computes at a node a function of its 1-WL
colour after ``rounds = hops_per_layer * depth`` rounds, refined from initial colours that
are the node features, plus each node's out- and in-degree when the family weights a
message ``u -> v`` by the sender's degree (GCN's ``1/sqrt(d_out(u) d_in(v))``, or
``1/sqrt(d_in(u) d_in(v))`` with ``degree_norm = "in-in"``: in-neighbour 1-WL sees
``d_in(v)`` but not the sender's degree before it has refined the sender). Both degrees
are added so that one ceiling bounds every degree rule; on an undirected graph they are
equal. Its ceiling is ``theory.ceiling.mp_ceiling`` of
that colouring. ``depthlab check``, ``depthlab theory ceiling`` and the API all go through
:func:`model_ceiling`, so they give one number for one question.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from depthlab.theory.arguments import require_int
from depthlab.theory.ceiling import mp_ceiling_until_stable


@dataclass(frozen=True)
class ModelCeiling:
    """``splits``: best accuracy (``metric`` "accuracy") or least MSE ("mse") per split;
    ``rounds``: 1-WL rounds; ``input``: the initial colours in words; ``stable_after``:
    the round at which refinement stopped because the colouring was stable (``None`` when
    it still changed at ``rounds``; the ceiling is the same either way)."""

    model: str
    depth: int
    rounds: int
    input: str
    metric: str
    splits: dict[str, float]
    stable_after: int | None = None

    def to_dict(self) -> dict:
        """JSON-able form."""
        return {"model": self.model, "depth": self.depth, "rounds": self.rounds,
                "input": self.input, "metric": self.metric, "splits": dict(self.splits),
                "stable_after": self.stable_after}


def ceiling_rounds(facts, depth: int) -> int:
    """1-WL rounds an ``depth``-layer network of ``facts`` depends on. Raises ``ValueError``
    for a family that is not message passing (no 1-WL ceiling)."""
    depth = require_int("depth", depth, 0)
    if not facts.message_passing or facts.hops_per_layer is None:
        raise ValueError("a model that is not message passing (a global layer) has no 1-WL "
                         "ceiling")
    return facts.hops_per_layer * depth


def ceiling_input(facts) -> str:
    """The initial colours of the model's ceiling, in words."""
    return ("node features + each node's out- and in-degree (messages weighted by degrees)"
            if facts.sees_degrees else "node features")


def model_ceiling(ds, model: str, facts, depth: int) -> ModelCeiling:
    """The ceiling of a ``depth``-layer ``model`` network (declared ``facts``) on each split
    of TaskDataset ``ds`` (module docstring). Raises ``ValueError`` for ``depth < 0`` or a
    model that is not message passing."""
    if not facts.message_passing:
        raise ValueError(f"model={model!r} is not message passing (its layers reach the whole "
                         "graph): it has no 1-WL ceiling; expected a message-passing family")
    rounds = ceiling_rounds(facts, depth)
    splits, done = mp_ceiling_until_stable(model_input(ds, facts), rounds)
    return ModelCeiling(model, int(depth), rounds, ceiling_input(facts),
                        "mse" if ds.is_regression else "accuracy", splits,
                        done if done < rounds else None)


def model_input(ds, facts):
    """``ds`` as the model sees it: with degree features if ``facts.sees_degrees``."""
    return with_degrees(ds) if facts.sees_degrees else ds


def with_degrees(ds):
    """``ds`` with two more feature columns: each node's out-degree and in-degree (edges
    ``src -> dst`` leaving and entering it), in ``x``'s dtype."""
    out_degree = np.bincount(ds.src, minlength=ds.num_nodes).astype(ds.x.dtype)
    in_degree = np.bincount(ds.dst, minlength=ds.num_nodes).astype(ds.x.dtype)
    return replace(ds, x=np.column_stack([ds.x, out_degree, in_degree]))
