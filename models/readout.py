"""From per-layer node states to one vector per example.

Jumping knowledge (Xu et al. 2018) combines the states [h^(0), ..., h^(L)] (each (N, d)):
"none" keeps h^(L); "cat" concatenates all L+1 states (N, (L+1) d); "max" takes the
elementwise maximum over them (N, d). Readout then picks one row per example: the target
node's row for node-level examples, the sum or mean over the graph's nodes for graph-level.
"""
from __future__ import annotations

import torch

from depthlab.models.segments import segment_mean, segment_sum

JK_MODES = ("none", "cat", "max")
POOLS = ("sum", "mean")


def jk_width(mode: str, depth: int, width: int) -> int:
    """Columns of :func:`combine_layers`' output for ``depth`` layers of ``width``."""
    return width * (depth + 1) if mode == "cat" else width


def combine_layers(states: list[torch.Tensor], mode: str) -> torch.Tensor:
    """Jumping-knowledge combination of ``states`` (see the module docstring)."""
    if mode == "none":
        return states[-1]
    if mode == "cat":
        return torch.cat(states, dim=1)
    if mode == "max":
        return torch.stack(states).amax(dim=0)
    raise ValueError(f"jk={mode!r} is invalid: expected one of {', '.join(JK_MODES)}")


def read_out(graph, z: torch.Tensor, readout: torch.Tensor, level: str,
             pool: str = "sum") -> torch.Tensor:
    """(B, D) rows of ``z`` (N, D) for a batch's examples.

    ``readout`` (B,) int64: target node ids (level "node") or graph positions in the batch
    (level "graph", pooled over that graph's nodes with ``pool`` "sum" or "mean").
    """
    if level == "node":
        return z[readout]
    if level != "graph":
        raise ValueError(f"level={level!r} is invalid: expected 'node' or 'graph'")
    if pool == "sum":
        pooled = segment_sum(z, graph.batch_num_nodes())
    elif pool == "mean":
        pooled = segment_mean(z, graph.batch_num_nodes())
    else:
        raise ValueError(f"pool={pool!r} is invalid: expected one of {', '.join(POOLS)}")
    return pooled[readout]
