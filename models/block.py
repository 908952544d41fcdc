"""One message-passing layer with its per-layer options.

    h^(l+1) = [h^(l) +] dropout(act(norm(conv(h^(l)))))

``conv`` is a family's layer (``forward(graph, h) -> (N, width)``), run on the layer's
message graph; ``norm`` runs on the example graph (PairNorm needs its member graphs); the
residual term is added when ``residual`` is set. All states are (N, width).
"""
from __future__ import annotations

import torch
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "elu": nn.ELU, "tanh": nn.Tanh,
               "identity": nn.Identity}


def make_activation(name: str) -> nn.Module:
    """The activation module called ``name``; ``ValueError`` listing the choices otherwise."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation={name!r} is invalid: expected one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]()


class Block(nn.Module):
    """conv -> norm -> activation -> dropout, plus an optional residual connection."""

    def __init__(self, conv: nn.Module, norm: nn.Module, activation: str, dropout: float,
                 residual: bool) -> None:
        super().__init__()
        self.conv = conv
        self.norm = norm
        self.activation = make_activation(activation)
        self.dropout = nn.Dropout(dropout)
        self.residual = residual

    def forward(self, graph, message_graph, h: torch.Tensor) -> torch.Tensor:
        """``graph``: the batched example graph; ``message_graph``: the graph ``conv``
        aggregates over (same nodes); ``h`` (N, width) -> (N, width)."""
        out = self.dropout(self.activation(self.norm(graph, self.conv(message_graph, h))))
        return h + out if self.residual else out
