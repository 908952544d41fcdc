"""Input encoders: node features ``x`` (N, F) -> initial node states h^(0) (N, width)."""
from __future__ import annotations

import torch
from torch import nn

from depthlab.models.task_info import TaskInfo


class CategoricalEncoder(nn.Module):
    """h^(0)_v = sum_f E_f[x_{v,f}]: one embedding table per integer column, summed.

    ``cardinalities[f]`` codes for column f; input (N, F) int64 with codes in
    [0, cardinalities[f]); output (N, width) float32.
    """

    def __init__(self, cardinalities: tuple[int, ...], width: int) -> None:
        super().__init__()
        self.tables = nn.ModuleList(nn.Embedding(c, width) for c in cardinalities)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 2 or x.shape[1] != len(self.tables):
            raise ValueError(f"x has shape {tuple(x.shape)}: expected (N, {len(self.tables)})")
        out = self.tables[0](x[:, 0])
        for f in range(1, len(self.tables)):
            out = out + self.tables[f](x[:, f])
        return out


class LinearEncoder(nn.Module):
    """h^(0)_v = x_v W + b for float features; input (N, F), output (N, width)."""

    def __init__(self, feature_dim: int, width: int) -> None:
        super().__init__()
        self.linear = nn.Linear(feature_dim, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x.float())


def make_encoder(info: TaskInfo, width: int) -> nn.Module:
    """The encoder for ``info``'s features: embeddings if categorical, else linear."""
    if info.categorical:
        return CategoricalEncoder(info.cardinalities, width)
    return LinearEncoder(int(info.feature_dim), width)
