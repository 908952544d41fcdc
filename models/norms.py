"""Node-state normalisations; each maps (graph, h (N, d)) -> (N, d).

``graph`` is the batched DGL graph; only its ``batch_num_nodes()`` is read (PairNorm works
per member graph). ``make_norm(kind, width)`` builds one by name. A norm's ``per_node``
says whether each output row depends on its input row alone (layer, node, none), as
computing only the rows a readout reads (models.target_blocks) requires.
"""
from __future__ import annotations

import torch
from torch import nn

from depthlab.models.segments import node_graph_ids, segment_mean

NORMS = ("none", "batch", "layer", "pair", "node")
EPS = 1e-6


class PairNorm(nn.Module):
    """PairNorm (Zhao & Akoglu 2020), per graph G of the batch:

        c_v = h_v - mean_{u in G} h_u
        out_v = s * c_v / sqrt(mean_{u in G} ||c_u||^2)

    so every graph's output has zero mean row and mean squared row norm exactly s^2
    (the denominator is clamped at sqrt(1e-6) for graphs whose rows are all equal).
    No parameters.
    """

    per_node = False

    def __init__(self, scale: float = 1.0) -> None:
        super().__init__()
        if not scale > 0:
            raise ValueError(f"pairnorm_scale={scale!r} is invalid: expected a float > 0")
        self.scale = float(scale)

    def forward(self, graph, h: torch.Tensor) -> torch.Tensor:
        sizes = graph.batch_num_nodes()
        ids = node_graph_ids(sizes)
        centred = h - segment_mean(h, sizes)[ids]
        msq = segment_mean(centred.pow(2).sum(dim=1, keepdim=True), sizes)
        return self.scale * centred / msq.clamp(min=EPS).sqrt()[ids]


class NodeNorm(nn.Module):
    """NodeNorm (Zhou et al. 2020, p = 1), per node over its d features:

        out_v = h_v / sigma_v,  sigma_v = sqrt(mean_j (h_vj - mean_j h_vj)^2)

    so every output row has (population) standard deviation exactly 1; rows are rescaled,
    not centred (sigma clamped at sqrt(1e-6)). No parameters.
    """

    per_node = True

    def forward(self, graph, h: torch.Tensor) -> torch.Tensor:
        var = h.var(dim=1, unbiased=False, keepdim=True)
        return h / var.clamp(min=EPS).sqrt()


class _Ungraphed(nn.Module):
    """A torch normalisation with the (graph, h) signature; ``per_node`` as given."""

    def __init__(self, inner: nn.Module, per_node: bool) -> None:
        super().__init__()
        self.inner = inner
        self.per_node = per_node

    def forward(self, graph, h: torch.Tensor) -> torch.Tensor:
        return self.inner(h)


def make_norm(kind: str, width: int, pairnorm_scale: float = 1.0) -> nn.Module:
    """The normalisation ``kind`` for states of ``width`` features.

    "batch": BatchNorm1d over all nodes of the batch; "layer": LayerNorm over features
    (with affine parameters); "pair": :class:`PairNorm`; "node": :class:`NodeNorm`;
    "none": identity. Raises ``ValueError`` for another ``kind``.
    """
    if kind == "none":
        return _Ungraphed(nn.Identity(), per_node=True)
    if kind == "batch":
        return _Ungraphed(nn.BatchNorm1d(width), per_node=False)
    if kind == "layer":
        return _Ungraphed(nn.LayerNorm(width), per_node=True)
    if kind == "pair":
        return PairNorm(pairnorm_scale)
    if kind == "node":
        return NodeNorm()
    raise ValueError(f"norm={kind!r} is invalid: expected one of {', '.join(NORMS)}")
