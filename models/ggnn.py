"""Gated graph layer (Li et al. 2016) on DGL's ``GatedGraphConv``, one step per layer.

    a_v = sum_{u -> v} (h_u W + b),   h'_v = GRUCell(a_v, h_v)

(N, width) -> (N, width). Unlike the original GGNN, every layer has its own weights (one
propagation step each), so depth counts layers as for the other families. The GRU is
already non-linear, so the ggnn family's default activation is "identity".
"""
from __future__ import annotations

import torch
from torch import nn

from depthlab.tasks.quiet_dgl import dgl
from dgl.nn.pytorch import GatedGraphConv


class GGNNLayer(nn.Module):
    """One gated propagation step of ``width`` features."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.conv = GatedGraphConv(width, width, n_steps=1, n_etypes=1)

    def forward(self, graph: "dgl.DGLGraph", h: torch.Tensor) -> torch.Tensor:
        """``h`` (N, width) -> (N, width)."""
        with graph.local_scope():
            return self.conv(graph, h)
