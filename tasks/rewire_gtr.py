"""GTR: Greedy Total Resistance rewiring (Black, Wan, Nayyeri & Wang 2023, "Understanding
oversquashing in GNNs through the lens of effective resistance", ICML), on every graph of a
dataset at once.

Each iteration adds, in every graph, the non-edge (a, b) whose addition lowers the total
effective resistance R_tot = n tr(L^+) the most. By Sherman-Morrison, with
c = L^+ (e_a - e_b) and R(a, b) = (e_a - e_b)^T c, adding the edge lowers R_tot by
n |c|^2 / (1 + R(a, b)) and turns L^+ into L^+ - c c^T / (1 + R(a, b)); so one
pseudo-inverse per graph (batched over graphs of equal size) serves every iteration. Ties:
the first pair in row-major order. Graphs must be connected.
"""
from __future__ import annotations

import numpy as np

from depthlab.tasks.dense_graphs import dense_adjacency, equal_size_chunks, laplacian_pinv


def resistance_drop(pinv: np.ndarray) -> np.ndarray:
    """(B, n, n): |L^+ (e_a - e_b)|^2 / (1 + R(a, b)) for every pair, the drop of R_tot / n
    when edge (a, b) is added."""
    diagonal = np.diagonal(pinv, axis1=1, axis2=2)
    resistance = diagonal[:, :, None] + diagonal[:, None, :] - 2 * pinv
    square = pinv @ pinv
    square_diagonal = np.diagonal(square, axis1=1, axis2=2)
    spread = square_diagonal[:, :, None] + square_diagonal[:, None, :] - 2 * square
    return spread / (1 + resistance)


def gtr(keys: np.ndarray, node_ptr: np.ndarray, iterations: int
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Add ``iterations`` edges to every graph (fewer where the graph becomes complete).

    ``keys``: sorted ``u * N + v`` (u < v), N = node_ptr[-1]. Returns ``(keys, added,
    removed)`` as :func:`tasks.rewire_sdrf.sdrf` (nothing removed).
    """
    num_nodes = int(node_ptr[-1])
    u, v = np.divmod(keys, num_nodes)
    added = []
    for graphs, n in equal_size_chunks(node_ptr):
        adjacency = dense_adjacency(u, v, node_ptr, graphs, n)
        pinv = laplacian_pinv(adjacency)
        rows = np.arange(len(graphs))
        for _ in range(iterations):
            score = resistance_drop(pinv)
            score[adjacency > 0] = -np.inf
            score[:, np.arange(n), np.arange(n)] = -np.inf
            flat = score.reshape(len(graphs), -1).argmax(axis=1)
            open_ = np.isfinite(score.reshape(len(graphs), -1)[rows, flat])
            a, b = np.divmod(flat[open_], n)
            live = rows[open_]
            adjacency[live, a, b] = adjacency[live, b, a] = 1.0
            c = pinv[live, :, a] - pinv[live, :, b]
            resistance = c[np.arange(len(live)), a] - c[np.arange(len(live)), b]
            pinv[live] -= c[:, :, None] * c[:, None, :] / (1 + resistance)[:, None, None]
            base = node_ptr[graphs[open_]]
            added.append(np.stack([base + np.minimum(a, b), base + np.maximum(a, b)], axis=1))
    pairs = np.concatenate(added) if added else np.zeros((0, 2), np.int64)
    return np.union1d(keys, pairs[:, 0] * num_nodes + pairs[:, 1]), pairs, np.zeros((0, 2), np.int64)
