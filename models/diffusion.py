"""The parameter-free normalised aggregation used by the multi-hop families (sign, mixhop).

    (A_hat h)_v = sum_{u -> v} h_u / sqrt(d_out(u) * d_in(v))

i.e. A_hat = D_in^{-1/2} A^T D_out^{-1/2} with A[u, v] = 1 for an edge u -> v and degrees
of the graph given (clamped at 1). On an undirected graph with self-loops this is Kipf &
Welling's D^{-1/2}(A + I)D^{-1/2}; on a directed tree it is not symmetric (see models.gcn).
"""
from __future__ import annotations

import torch

from depthlab.tasks.quiet_dgl import dgl
from dgl.nn.pytorch import GraphConv

_AGGREGATE = GraphConv(1, 1, norm="both", weight=False, bias=False, allow_zero_in_degree=True)


def diffuse(graph: "dgl.DGLGraph", h: torch.Tensor) -> torch.Tensor:
    """A_hat h for ``h`` (N, d) -> (N, d)."""
    return _AGGREGATE(graph, h)


def hop_features(h: torch.Tensor, graphs: list["dgl.DGLGraph"]) -> list[torch.Tensor]:
    """[h, A_1 h, A_2 A_1 h, ...] with A_k the A_hat of ``graphs[k-1]``: len(graphs) + 1
    tensors, each (N, d). With one graph repeated this is [h, A_hat h, A_hat^2 h, ...]."""
    out = [h]
    for step_graph in graphs:
        out.append(diffuse(step_graph, out[-1]))
    return out
