"""Many small graphs of a dataset as stacks of dense matrices, grouped by size.

Algorithms that need a graph's full spectrum or pseudo-inverse (FoSR, GTR, per-graph
effective resistance) run on (B, n, n) stacks of equal-size graphs, so numpy's batched
linear algebra replaces a Python loop over graphs.
"""
from __future__ import annotations

from typing import Iterator

import numpy as np

DENSE_ENTRIES = 2**23


def equal_size_chunks(node_ptr: np.ndarray, max_entries: int = DENSE_ENTRIES
                      ) -> Iterator[tuple[np.ndarray, int]]:
    """``(graph_ids, n)``: every graph of ``node_ptr`` (G+1,) once, in chunks of graphs of
    the same size n, at most ``max_entries // n^2`` graphs (and at least one) per chunk;
    ascending n, then ascending id."""
    sizes = np.diff(np.asarray(node_ptr, dtype=np.int64))
    for n in np.unique(sizes):
        ids = np.flatnonzero(sizes == n)
        per = max(1, max_entries // max(1, int(n) ** 2))
        for lo in range(0, len(ids), per):
            yield ids[lo:lo + per], int(n)


def graph_of_nodes(node_ptr: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """The graph owning each global node id."""
    return np.searchsorted(node_ptr, nodes, side="right") - 1


def dense_adjacency(u: np.ndarray, v: np.ndarray, node_ptr: np.ndarray, graphs: np.ndarray,
                    n: int) -> np.ndarray:
    """(B, n, n) symmetric 0/1 float64 adjacency of ``graphs`` (B ids, each of n nodes) from
    the undirected edges ``u``–``v`` (global ids; edges of other graphs are ignored,
    self-loops dropped, repeats counted once)."""
    index = np.full(len(node_ptr) - 1, -1, dtype=np.int64)
    index[graphs] = np.arange(len(graphs))
    owner = index[graph_of_nodes(node_ptr, u)]
    keep = (owner >= 0) & (u != v)
    b, base = owner[keep], node_ptr[graphs][owner[keep]]
    matrix = np.zeros((len(graphs), n, n))
    matrix[b, u[keep] - base, v[keep] - base] = 1.0
    matrix[b, v[keep] - base, u[keep] - base] = 1.0
    return matrix


def laplacian_pinv(adjacency: np.ndarray, connected: np.ndarray | None = None) -> np.ndarray:
    """(B, n, n) Moore-Penrose pseudo-inverse of each Laplacian L = D - A.

    For a connected graph L + J/n is invertible with inverse L^+ + J/n, so an LU solve
    suffices; graphs marked False in ``connected`` (B,) bool (default: all connected) go
    through a symmetric eigendecomposition (``np.linalg.pinv``)."""
    n = adjacency.shape[-1]
    laplacian = -adjacency.copy()
    idx = np.arange(n)
    laplacian[:, idx, idx] = adjacency.sum(axis=-1)
    connected = np.ones(len(adjacency), bool) if connected is None else np.asarray(connected)
    out = np.empty_like(laplacian)
    if connected.any():
        out[connected] = np.linalg.inv(laplacian[connected] + 1.0 / n) - 1.0 / n
    if not connected.all():
        out[~connected] = np.linalg.pinv(laplacian[~connected], hermitian=True)
    return out
