"""Per-graph reductions over the nodes of a batched graph (segments = member graphs)."""
from __future__ import annotations

import torch


def node_graph_ids(batch_num_nodes: torch.Tensor) -> torch.Tensor:
    """(N,) int64: the position in the batch of each node's graph."""
    return torch.repeat_interleave(torch.arange(len(batch_num_nodes), device=batch_num_nodes.device),
                                   batch_num_nodes)


def segment_sum(h: torch.Tensor, batch_num_nodes: torch.Tensor) -> torch.Tensor:
    """(G, d): sum of the rows of ``h`` (N, d) over each graph's nodes (0 for empty graphs)."""
    out = h.new_zeros((len(batch_num_nodes),) + tuple(h.shape[1:]))
    return out.index_add(0, node_graph_ids(batch_num_nodes), h)


def segment_mean(h: torch.Tensor, batch_num_nodes: torch.Tensor) -> torch.Tensor:
    """(G, d): mean of the rows of ``h`` (N, d) over each graph's nodes (0 for empty graphs)."""
    counts = batch_num_nodes.clamp(min=1).to(h.dtype).reshape((-1,) + (1,) * (h.ndim - 1))
    return segment_sum(h, batch_num_nodes) / counts
