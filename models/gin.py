"""GIN layer (Xu et al. 2019, GIN-0) on DGL's ``GINConv``.

    h'_v = MLP(h_v + sum_{u -> v} h_u)
    MLP(z) = W_2 relu(W_1 z + b_1) + b_2                         (default)
    MLP(z) = relu(BN(W_2 relu(BN(W_1 z + b_1)) + b_2))            (``batchnorm``: Alon &
                                                                   Yahav's published GIN)

(N, width) -> (N, width); epsilon is fixed at 0. Sum aggregation over in-neighbours of the
message graph; a node with no in-neighbours applies the MLP to its own state. BatchNorm
normalises over all nodes of the batch (running statistics in eval mode), so a layer
with it needs every node's state and does not run on blocks of models.target_blocks.
"""
from __future__ import annotations

import torch
from torch import nn

from depthlab.tasks.quiet_dgl import dgl
from dgl.nn.pytorch import GINConv


class GINLayer(nn.Module):
    """One GIN convolution of ``width`` features (two linear maps per layer)."""

    def __init__(self, width: int, batchnorm: bool = False) -> None:
        super().__init__()
        self.supports_blocks = not batchnorm
        if batchnorm:
            mlp = nn.Sequential(nn.Linear(width, width), nn.BatchNorm1d(width), nn.ReLU(),
                                nn.Linear(width, width), nn.BatchNorm1d(width), nn.ReLU())
        else:
            mlp = nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width))
        self.conv = GINConv(mlp, aggregator_type="sum", init_eps=0.0, learn_eps=False)

    def forward(self, graph: "dgl.DGLGraph", h: torch.Tensor) -> torch.Tensor:
        """``h`` (N_src, width) -> (N_dst, width) (N_src = N_dst = N on a graph; a block of
        models.target_blocks without BatchNorm)."""
        with graph.local_scope():
            return self.conv(graph, h)
