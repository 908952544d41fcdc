"""Dense, padded views of a batch of graphs for attention over all nodes of each graph.

A batch of B graphs with N nodes in total (sizes n_b, largest n) is laid out as (B, n, d)
tensors: node v of graph b sits at row ``local[v]`` of slice b, rows beyond n_b are padding.
Beside the layout, the hop distances between every pair of nodes of the same graph:

    distance[b, i, j] = number of edges on a shortest directed path from node j to node i
                        (messages flow src -> dst), or -1 when there is no such path of at
                        most ``max_distance`` edges, or when j or i is padding.

Distances come from a breadth-first search run for all sources at once (one scatter over
the edges per hop, at most ``max_distance`` hops, stopping when no node is newly reached):
O(max_distance * E * n) time and O(N * n) memory, no per-node Python loop.

Large batches are cut into chunks of whole graphs (:func:`dense_chunks`) so that no chunk
holds more than ``pair_budget`` padded node pairs: attention over a chunk equals attention
over the batch, since no pair crosses graphs.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

PAIR_BUDGET = 1 << 21


@dataclass(frozen=True)
class DenseLayout:
    """One chunk of whole graphs: nodes ``start .. stop - 1`` of the batch (see the module
    docstring). ``graph_of`` and ``local`` are (stop - start,) int64; ``sizes`` (B,) int64;
    ``distance`` (B, n, n) int64; ``padding`` (B, n, n) bool, True where key j is padding."""

    start: int
    stop: int
    graph_of: torch.Tensor
    local: torch.Tensor
    sizes: torch.Tensor
    distance: torch.Tensor
    padding: torch.Tensor

    def batch_num_nodes(self) -> torch.Tensor:
        """Nodes per graph of the chunk (the one DGL method PairNorm reads)."""
        return self.sizes

    def to_dense(self, h: torch.Tensor) -> torch.Tensor:
        """Node rows ``h`` (stop - start, d) -> (B, n, d), zeros at padding."""
        out = h.new_zeros(len(self.sizes), self.distance.shape[1], h.shape[1])
        out[self.graph_of, self.local] = h
        return out

    def to_nodes(self, dense: torch.Tensor) -> torch.Tensor:
        """(B, n, d) -> the node rows (stop - start, d), padding dropped."""
        return dense[self.graph_of, self.local]


def hop_distances(src: torch.Tensor, dst: torch.Tensor, sizes: torch.Tensor,
                  max_distance: int) -> torch.Tensor:
    """(N, n) int64: entry [v, s] is the hop distance from node s of v's graph (local index)
    to node v along the edges ``src -> dst`` (global node ids within the graphs ``sizes``),
    -1 beyond ``max_distance``, unreachable or for s >= the graph's size."""
    if max_distance < 0:
        raise ValueError(f"max_distance={max_distance} is invalid: expected an int >= 0")
    graph_of, local = _positions(sizes)
    num_nodes, width = len(graph_of), int(sizes.max()) if len(sizes) else 0
    rows = torch.arange(num_nodes, device=sizes.device)
    distance = torch.full((num_nodes, width), -1, dtype=torch.int64, device=sizes.device)
    distance[rows, local] = 0
    frontier = torch.zeros(num_nodes, width, dtype=torch.int32, device=sizes.device)
    frontier[rows, local] = 1
    for hop in range(1, max_distance + 1):
        arriving = torch.zeros_like(frontier).index_add_(0, dst, frontier[src])
        fresh = (arriving > 0) & (distance < 0)
        if not bool(fresh.any()):
            break
        distance[fresh] = hop
        frontier = fresh.to(torch.int32)
    return distance


def dense_chunks(src: torch.Tensor, dst: torch.Tensor, sizes: torch.Tensor, max_distance: int,
                 pair_budget: int = PAIR_BUDGET) -> list[DenseLayout]:
    """The batch (edges ``src -> dst`` over graphs of ``sizes`` nodes, numbered
    consecutively) as :class:`DenseLayout` chunks of whole graphs, each holding at most
    ``pair_budget`` padded pairs at the batch's largest size (a graph larger than that is
    a chunk of its own)."""
    starts = torch.cumsum(sizes, 0) - sizes
    edge_graph = _positions(sizes)[0][src] if len(src) else src
    chunks = []
    for first, last in _chunk_bounds(sizes, pair_budget):
        lo = int(starts[first])
        hi = int(starts[last - 1] + sizes[last - 1])
        keep = (edge_graph >= first) & (edge_graph < last)
        chunk_sizes = sizes[first:last]
        graph_of, local = _positions(chunk_sizes)
        rows = hop_distances(src[keep] - lo, dst[keep] - lo, chunk_sizes, max_distance)
        width = rows.shape[1]
        distance = torch.full((len(chunk_sizes), width, width), -1, dtype=torch.int64,
                              device=sizes.device)
        distance[graph_of, local] = rows
        padding = (torch.arange(width, device=sizes.device)[None, None, :]
                   >= chunk_sizes[:, None, None]).expand(
            -1, width, -1)
        chunks.append(DenseLayout(lo, hi, graph_of, local, chunk_sizes, distance, padding))
    return chunks


def _positions(sizes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(graph of each node, its index within its graph) for graphs of ``sizes`` nodes."""
    graph_of = torch.repeat_interleave(torch.arange(len(sizes), device=sizes.device), sizes)
    starts = torch.cumsum(sizes, 0) - sizes
    return graph_of, torch.arange(len(graph_of), device=sizes.device) - starts[graph_of]


def _chunk_bounds(sizes: torch.Tensor, pair_budget: int) -> list[tuple[int, int]]:
    """Consecutive graph ranges [first, last) of ``max(1, pair_budget // n^2)`` graphs each,
    n the largest size in ``sizes``."""
    largest = int(sizes.max()) if len(sizes) else 1
    per_chunk = max(1, pair_budget // (largest * largest))
    return [(first, min(first + per_chunk, len(sizes))) for first in range(0, len(sizes), per_chunk)]
