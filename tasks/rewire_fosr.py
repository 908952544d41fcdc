"""FoSR: First-order Spectral Rewiring (Karhadkar, Banerjee & Montufar 2023, Algorithm 1),
on every graph of a dataset at once.

For each graph: x approximates the eigenvector of the second-largest eigenvalue of
D^-1/2 A D^-1/2 (``power_iterations`` steps of x <- normalise(P(x) + D^-1/2 A D^-1/2 P(x)),
P projecting out sqrt(d), from a seeded uniform start in [-1, 1]). Each iteration adds the
non-edge (u, v) that minimises y_u y_v with y = x / sqrt(d + 1), the pair whose edge most
increases the spectral gap to first order (ties: the first in row-major order), then
updates the degrees and takes one more power step. Graphs of equal size run as one stack of
dense matrices (``tasks.dense_graphs``).
"""
from __future__ import annotations

import numpy as np

from depthlab.tasks.dense_graphs import dense_adjacency, equal_size_chunks


def _power_step(adjacency: np.ndarray, degree: np.ndarray, x: np.ndarray) -> np.ndarray:
    """One step x <- normalise(P(x) + D^-1/2 A D^-1/2 P(x)) on (B, n) rows; ``degree`` (B, n)."""
    root = np.sqrt(np.maximum(degree, 1e-12))
    x = x - (x * root).sum(-1, keepdims=True) * root / np.maximum(degree.sum(-1, keepdims=True), 1e-12)
    y = x + np.matmul(adjacency, (x / root)[..., None])[..., 0] / root
    return y / np.maximum(np.linalg.norm(y, axis=-1, keepdims=True), 1e-300)


def fosr(keys: np.ndarray, node_ptr: np.ndarray, iterations: int, rng: np.random.Generator,
         power_iterations: int = 50) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Add ``iterations`` edges to every graph (fewer where the graph becomes complete).

    ``keys``: sorted ``u * N + v`` (u < v) of the undirected simple graph, N = node_ptr[-1].
    Returns ``(keys, added, removed)`` as :func:`tasks.rewire_sdrf.sdrf` (nothing removed).
    """
    num_nodes = int(node_ptr[-1])
    start = rng.uniform(-1.0, 1.0, size=num_nodes)
    u, v = np.divmod(keys, num_nodes)
    added = []
    for graphs, n in equal_size_chunks(node_ptr):
        adjacency = dense_adjacency(u, v, node_ptr, graphs, n)
        x = start[node_ptr[graphs][:, None] + np.arange(n)]
        degree = adjacency.sum(axis=-1)
        for _ in range(power_iterations):
            x = _power_step(adjacency, degree, x)
        rows = np.arange(len(graphs))
        for _ in range(iterations):
            y = x / np.sqrt(degree + 1)
            product = y[:, :, None] * y[:, None, :]
            product[adjacency > 0] = np.inf
            product[:, np.arange(n), np.arange(n)] = np.inf
            flat = product.reshape(len(graphs), -1).argmin(axis=1)
            open_ = np.isfinite(product.reshape(len(graphs), -1)[rows, flat])
            a, b = np.divmod(flat[open_], n)
            adjacency[rows[open_], a, b] = adjacency[rows[open_], b, a] = 1.0
            degree[rows[open_], a] += 1
            degree[rows[open_], b] += 1
            base = node_ptr[graphs[open_]]
            added.append(np.stack([base + np.minimum(a, b), base + np.maximum(a, b)], axis=1))
            x = _power_step(adjacency, degree, x)
    pairs = np.concatenate(added) if added else np.zeros((0, 2), np.int64)
    return np.union1d(keys, pairs[:, 0] * num_nodes + pairs[:, 1]), pairs, np.zeros((0, 2), np.int64)
