"""Gated graph layer (Li et al. 2016) on DGL's ``GatedGraphConv``, one step per layer.

    a_v = sum_{u -> v} (h_u W + b),   h'_v = GRUCell(a_v, h_v)

(N, width) -> (N, width). Unlike the original GGNN, every layer has its own weights (one
propagation step each), so depth counts layers as for the other families. The GRU is
already non-linear, so the ggnn family's default activation is "identity". The step is
written out on DGL's ``GatedGraphConv`` parameters (its message linear map and GRU cell),
so that it also runs on a block of models.target_blocks.
"""
from __future__ import annotations

import torch
from torch import nn

from depthlab.tasks.quiet_dgl import dgl
from dgl import function as fn
from dgl.nn.pytorch import GatedGraphConv


class GGNNLayer(nn.Module):
    """One gated propagation step of ``width`` features."""

    supports_blocks = True

    def __init__(self, width: int) -> None:
        super().__init__()
        self.conv = GatedGraphConv(width, width, n_steps=1, n_etypes=1)

    def forward(self, graph: "dgl.DGLGraph", h: torch.Tensor) -> torch.Tensor:
        """``h`` (N_src, width) -> (N_dst, width); a block's destination nodes are the first
        N_dst of its sources (N_src = N_dst = N on a graph)."""
        with graph.local_scope():
            graph.srcdata["m"] = self.conv.linears[0](h)
            graph.update_all(fn.copy_u("m", "m"), fn.sum("m", "a"))
            return self.conv.gru(graph.dstdata["a"], h[:graph.num_dst_nodes()])
