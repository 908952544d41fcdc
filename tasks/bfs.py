"""Multi-source breadth-first search on a directed edge list, vectorised by frontier."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def hop_distances(src: np.ndarray, dst: np.ndarray, num_nodes: int, sources: np.ndarray,
                  max_hops: int | None = None) -> np.ndarray:
    """Fewest edges from any node of ``sources`` to each node, following edges src -> dst.

    ``src``, ``dst``: (E,) int node ids in [0, num_nodes); ``sources``: (S,) int node ids.
    Returns a (num_nodes,) int64 array: 0 at the sources, -1 where no node is reached within
    ``max_hops`` (None: no limit). One search serves many disjoint graphs at once (e.g. a
    TaskDataset's concatenated graphs, one source per graph). Edges sorted by ``src`` (as a
    TaskDataset stores them) become the adjacency without a copy-and-sort. Each round
    expands the whole frontier by one sparse row selection: O(E + N log N) in all.
    Raises ``ValueError`` for an out-of-range source or a negative ``max_hops``.
    """
    sources = np.asarray(sources, dtype=np.int64)
    if len(sources) and (sources.min() < 0 or sources.max() >= num_nodes):
        raise ValueError(f"sources must lie in [0, {num_nodes}): got ids from "
                         f"{sources.min()} to {sources.max()}")
    if max_hops is not None and max_hops < 0:
        raise ValueError(f"max_hops={max_hops} is invalid: expected an int >= 0 or None")
    ones = np.ones(len(src), dtype=np.bool_)
    if np.all(src[1:] >= src[:-1]):
        indptr = np.searchsorted(src, np.arange(num_nodes + 1))
        adjacency = sp.csr_matrix((ones, dst, indptr), shape=(num_nodes, num_nodes))
    else:
        adjacency = sp.csr_matrix((ones, (src, dst)), shape=(num_nodes, num_nodes))
    dist = np.full(num_nodes, -1, dtype=np.int64)
    frontier = np.unique(sources)
    dist[frontier] = 0
    hops = 0
    while len(frontier) and (max_hops is None or hops < max_hops):
        hops += 1
        reached = adjacency[frontier].indices
        frontier = np.unique(reached[dist[reached] < 0])
        dist[frontier] = hops
    return dist
