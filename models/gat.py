"""GAT layer (Velickovic et al. 2018), multi-head, on DGL's ``GATConv``.

For each head k of K (out width d_k = width / K, concatenated back to width):

    z_u = h_u W_k,  e_uv = leakyrelu_0.2(a_k . [z_u || z_v]),
    alpha_uv = softmax over u -> v of e_uv,  h'_v[k] = sum_{u -> v} alpha_uv z_u + b_k

(N, width) -> (N, width). The gat family adds one self-loop per node by default
(``self_loops=True``), so a node attends to itself as in the paper; without them a node of
in-degree 0 outputs its bias alone. ``width`` must be a multiple of ``heads``.
"""
from __future__ import annotations

import torch
from torch import nn

from depthlab.tasks.quiet_dgl import dgl
from dgl.nn.pytorch import GATConv


class GATLayer(nn.Module):
    """One multi-head attention convolution; raises ``ValueError`` unless heads | width."""

    supports_blocks = True

    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        if heads < 1 or width % heads:
            raise ValueError(f"width={width} is invalid for heads={heads}: gat needs width "
                             "to be a positive multiple of heads")
        self.conv = GATConv(width, width // heads, heads, allow_zero_in_degree=True)

    def forward(self, graph: "dgl.DGLGraph", h: torch.Tensor) -> torch.Tensor:
        """``h`` (N_src, width) -> (N_dst, width) (N_src = N_dst = N on a graph; a block of
        models.target_blocks): the heads' outputs concatenated."""
        with graph.local_scope():
            return self.conv(graph, h).flatten(1)
