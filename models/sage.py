"""GraphSAGE layer (Hamilton et al. 2017, mean aggregator) on DGL's ``SAGEConv``.

    h'_v = h_v W_self + (mean_{u -> v} h_u) W_neigh + b

(N, width) -> (N, width); a node of in-degree 0 has a zero neighbour mean and keeps its own
term (no output normalisation).
"""
from __future__ import annotations

import torch
from torch import nn

from depthlab.tasks.quiet_dgl import dgl
from dgl.nn.pytorch import SAGEConv


class SAGELayer(nn.Module):
    """One mean-aggregator SAGE convolution of ``width`` features."""

    supports_blocks = True

    def __init__(self, width: int) -> None:
        super().__init__()
        self.conv = SAGEConv(width, width, aggregator_type="mean")

    def forward(self, graph: "dgl.DGLGraph", h: torch.Tensor) -> torch.Tensor:
        """``h`` (N_src, width) -> (N_dst, width) (N_src = N_dst = N on a graph; a block of
        models.target_blocks)."""
        with graph.local_scope():
            return self.conv(graph, h)
