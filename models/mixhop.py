"""MixHop layer (Abu-El-Haija et al. 2019) with powers {0, 1, ..., P} (P = max_power, 2 by
default, the paper's {0, 1, 2}).

    h' = [ h W_0 || A_hat h W_1 || ... || A_hat^P h W_P ] (+ biases)

with A_hat the normalised aggregation of models.diffusion over the message graph (the
mixhop family adds self-loops by default, giving Kipf & Welling's operator). The output
width is split as evenly as possible over the powers (e.g. 32 -> 11 + 11 + 10 for P = 2),
so (N, width) -> (N, width) and the parameter count is width^2 + width per layer whatever P.
"""
from __future__ import annotations

import torch
from torch import nn

from depthlab.models.diffusion import hop_features
from depthlab.tasks.quiet_dgl import dgl

def split_width(width: int, parts: int) -> list[int]:
    """``width`` as ``parts`` near-equal positive sizes, larger ones first."""
    if width < parts:
        raise ValueError(f"width={width} is invalid for mixhop with {parts} powers: expected "
                         f">= {parts} (one column per power)")
    return [width // parts + (1 if i < width % parts else 0) for i in range(parts)]


class MixHopLayer(nn.Module):
    """One MixHop layer of ``width`` features over powers 0..``max_power`` of A_hat."""

    supports_blocks = False  # it reads max_power hops per layer, not one

    def __init__(self, width: int, max_power: int = 2) -> None:
        super().__init__()
        self.max_power = max_power
        self.maps = nn.ModuleList(nn.Linear(width, part)
                                  for part in split_width(width, max_power + 1))

    def forward(self, graph: "dgl.DGLGraph", h: torch.Tensor) -> torch.Tensor:
        """``h`` (N, width) -> (N, width)."""
        hops = hop_features(h, [graph] * self.max_power)
        return torch.cat([lin(x) for lin, x in zip(self.maps, hops)], dim=1)
