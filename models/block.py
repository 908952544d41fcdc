"""One message-passing layer with its per-layer options.

    norm_position "after_conv":      h^(l+1) = [h^(l) +] dropout(act(norm(conv(h^(l)))))
    norm_position "after_residual":  h^(l+1) = norm([h^(l) +] dropout(act(conv(h^(l)))))

(the second is Alon & Yahav's order: conv -> ReLU -> x + new -> LayerNorm).

``conv`` is a family's layer (``forward(graph, h) -> (N, width)``), run on the layer's
message graph; ``norm`` runs on the example graph (PairNorm needs its member graphs); the
residual term is added when ``residual`` is set. All states are (N, width); on a block of
models.target_blocks the input is (N_src, width), the output (N_dst, width), and the
residual adds the destination nodes' rows, the first N_dst of the input.
"""
from __future__ import annotations

import torch
from torch import nn

NORM_POSITIONS = ("after_conv", "after_residual")
ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "elu": nn.ELU, "tanh": nn.Tanh,
               "identity": nn.Identity}


def make_activation(name: str) -> nn.Module:
    """The activation module called ``name``; ``ValueError`` listing the choices otherwise."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation={name!r} is invalid: expected one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]()


class Block(nn.Module):
    """conv -> norm -> activation -> dropout, plus an optional residual connection, or
    with ``norm_position`` "after_residual" the norm last (module docstring)."""

    def __init__(self, conv: nn.Module, norm: nn.Module, activation: str, dropout: float,
                 residual: bool, norm_position: str = "after_conv") -> None:
        super().__init__()
        if norm_position not in NORM_POSITIONS:
            raise ValueError(f"norm_position={norm_position!r} is invalid: expected one of "
                             f"{', '.join(NORM_POSITIONS)}")
        self.norm_last = norm_position == "after_residual"
        self.conv = conv
        self.norm = norm
        self.activation = make_activation(activation)
        self.dropout = nn.Dropout(dropout)
        self.residual = residual

    @property
    def supports_blocks(self) -> bool:
        """Whether this layer runs on blocks of models.target_blocks with the result it has
        on the whole graph: its conv's ``supports_blocks`` (every family's layer declares
        it) and its norm is per node."""
        return self.conv.supports_blocks and self.norm.per_node

    def forward(self, graph, message_graph, h: torch.Tensor) -> torch.Tensor:
        """``graph``: the batched example graph; ``message_graph``: the graph (or block)
        ``conv`` aggregates over; ``h`` (N_src, width) -> (N_dst, width)."""
        out = self.conv(message_graph, h)
        h = h[:out.shape[0]]
        if self.norm_last:
            out = self.dropout(self.activation(out))
            return self.norm(graph, h + out if self.residual else out)
        out = self.dropout(self.activation(self.norm(graph, out)))
        return h + out if self.residual else out
