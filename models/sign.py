"""SIGN (Frasca et al. 2020): parameter-free diffusion, per-hop projections, MLP on the concat.

    X_k = A_hat^k h^(0)  for k = 0..K  (K = depth; A_hat from models.diffusion)
    s_k = dropout(act(norm(X_k Theta_k + b_k)))          (N, width) each
    y   = Omega [s_0 || ... || s_K] + c                  (jk="cat", the default)

The diffusions have no parameters, so they are computed inside the forward pass from the
encoded features (the encoder is learned, hence not precomputed once per dataset; the
result is the same A_hat^k applied to h^(0)). ``propagate`` returns [s_0, ..., s_K], the
per-hop features after their projection. With ``fully_adjacent_last`` the K-th diffusion
uses the fully-adjacent graph. ``residual`` is undefined (hops are not stacked).
"""
from __future__ import annotations

import torch
from torch import nn

from depthlab.models.depth_model import DepthModel
from depthlab.models.diffusion import hop_features
from depthlab.tasks.quiet_dgl import dgl


class HopProjection(nn.Module):
    """Theta_k: a linear map of one hop's features; ignores the graph argument."""

    supports_blocks = False  # SIGN's hops are precomputed on the whole graph

    def __init__(self, width: int) -> None:
        super().__init__()
        self.linear = nn.Linear(width, width)

    def forward(self, graph, h: torch.Tensor) -> torch.Tensor:
        """``h`` (N, width) -> (N, width)."""
        return self.linear(h)


class SignModel(DepthModel):
    """A SIGN network with K = depth hops (depth + 1 projections)."""

    def num_blocks(self) -> int:
        return self.depth + 1

    def propagate(self, graph: "dgl.DGLGraph", h0: torch.Tensor) -> list[torch.Tensor]:
        """[s_0, ..., s_K], each (N, width) (module docstring)."""
        hops = hop_features(h0, self.message_graphs(graph))
        return [block(graph, None, x) for block, x in zip(self.blocks, hops)]
