"""GCN layer (Kipf & Welling 2017) on DGL's ``GraphConv``.

    h'_v = sum_{u -> v} h_u W / sqrt(d_out(u) * d_in(v)) + b        (N, width) -> (N, width)

Degrees are those of the message graph, clamped at 1. The gcn family adds one self-loop per
node by default (``self_loops=True``: A + I, as in Kipf & Welling), so a node keeps its own
state. On depthlab's directed trees (edges child -> parent) with self-loops, d_in(v) is the
number of children + 1 and d_out(u) is 2 (1 at the root): a parent weighs each child and
itself by 1/sqrt(2 * 3), the root weighs itself by 1/sqrt(3); the matrix is not symmetric,
since no message flows from parent to child. Without self-loops a leaf (in-degree 0)
receives nothing and outputs b alone after the first layer (``allow_zero_in_degree``).
"""
from __future__ import annotations

import torch
from torch import nn

from depthlab.tasks.quiet_dgl import dgl
from dgl.nn.pytorch import GraphConv


class GCNLayer(nn.Module):
    """One GCN convolution of ``width`` features."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.conv = GraphConv(width, width, norm="both", allow_zero_in_degree=True)

    def forward(self, graph: "dgl.DGLGraph", h: torch.Tensor) -> torch.Tensor:
        """``h`` (N, width) -> (N, width)."""
        with graph.local_scope():
            return self.conv(graph, h)
