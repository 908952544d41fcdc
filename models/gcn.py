"""GCN layer (Kipf & Welling 2017) on DGL's ``GraphConv``.

    h'_v = sum_{u -> v} c_uv h_u W + b                          (N, width) -> (N, width)

with ``degree_norm`` "out-in" (DGL's GraphConv, norm="both"): c_uv = 1/sqrt(d_out(u) d_in(v)),
or "in-in" (PyTorch Geometric's GCNConv, which Alon & Yahav used):
c_uv = 1/sqrt(d_in(u) d_in(v)). Degrees are those of the message graph, clamped at 1; on an
undirected graph both rules agree. The gcn family adds one self-loop per node by default
(``self_loops=True``: A + I, as in Kipf & Welling), so a node keeps its own state. On
depthlab's directed trees (edges child -> parent) with self-loops, d_in(v) is the number of
children + 1 and d_out(u) is 2 (1 at the root): under "out-in" a parent weighs each child
and itself by 1/sqrt(2 * 3); under "in-in" a leaf child by 1/sqrt(3), an inner child and
itself by 1/3. Without self-loops a leaf (in-degree 0) receives nothing and outputs b alone
after the first layer (``allow_zero_in_degree``). ``graph`` may be a block of
models.target_blocks: the degrees are then the whole message graph's, read from it.
"""
from __future__ import annotations

import torch
from torch import nn

from depthlab.models.target_blocks import edge_degrees
from depthlab.tasks.quiet_dgl import dgl
from dgl.nn.pytorch import GraphConv

DEGREE_NORMS = ("out-in", "in-in")


class GCNLayer(nn.Module):
    """One GCN convolution of ``width`` features; ``ValueError`` for an unknown norm."""

    supports_blocks = True

    def __init__(self, width: int, degree_norm: str = "out-in") -> None:
        super().__init__()
        if degree_norm not in DEGREE_NORMS:
            raise ValueError(f"degree_norm={degree_norm!r} is invalid: expected one of "
                             f"{', '.join(DEGREE_NORMS)}")
        self.in_in = degree_norm == "in-in"
        self.conv = GraphConv(width, width, norm="none", allow_zero_in_degree=True)

    def forward(self, graph: "dgl.DGLGraph", h: torch.Tensor) -> torch.Tensor:
        """``h`` (N_src, width) -> (N_dst, width) (N_src = N_dst = N on a graph)."""
        with graph.local_scope():
            source, destination = edge_degrees(graph, "in" if self.in_in else "out")
            left = source.clamp(min=1).to(h.dtype).rsqrt()
            right = destination.clamp(min=1).to(h.dtype).rsqrt()
            src, dst = graph.edges()
            return self.conv(graph, h, edge_weight=left[src] * right[dst])
