"""Exact small-pattern counts on batches of graphs, by adjacency-matrix algebra.

A *copy* of a pattern H in a graph G is a subgraph of G isomorphic to H (non-induced), or a
node set of G whose induced subgraph is isomorphic to H (induced). :func:`node_counts`
gives, for every node, the number of copies containing it; a graph's count is the node
counts' sum divided by the pattern's node count (:func:`graph_counts`).

Non-induced counts, with ``A`` the adjacency matrix, ``d`` the degrees, ``A2 = A @ A``,
``t = diag(A^3) / 2`` (triangles at each node), ``C(x, k)`` binomials, ``*`` elementwise:

==================  ==================================================================
triangle            ``t``
3-star (K_{1,3})    ``C(d, 3) + A @ C(d - 1, 2)``  (as centre, as a leaf)
4-cycle             ``sum_{w != v} C(A2[v, w], 2)``  (one opposite node w per cycle)
tailed-triangle     ``t * (d - 2) + (A * A2) @ (d - 2) + A @ t - rowsum(A * A2)``
                    (as the degree-3 node, as a degree-2 triangle node, as the tail)
chordal-cycle       ``rowsum(A * C(A2, 2)) + diag(A @ (A * A2 - A) @ A) / 2``
                    (as a chord end, as a degree-2 node)
k4                  enumerated: edges extended to triangles, triangles to K4s, by
                    intersecting neighbour rows (cost ~ triangles * n per graph)
==================  ==================================================================

Induced counts follow by Moebius inversion over the 4-node graphs: a non-induced copy of H
lies on a node set whose induced graph F contains H, so
``sub(H) = sum_F ind(F) * s(H, F)`` with ``s(H, F)`` the number of copies of H spanning F
(:data:`SUPERGRAPH_COPIES`), and the system is triangular in the edge count. The triangle
and K4 are complete on their nodes, so their induced and non-induced counts agree.

Counts are computed in float64 (exact for integers below 2**53) on chunks of graphs whose
dense matrices hold at most about 2**22 entries each.
"""
from __future__ import annotations

from functools import cached_property

import numpy as np

PATTERNS: dict[str, tuple[tuple[int, int], ...]] = {
    "triangle": ((0, 1), (1, 2), (0, 2)),
    "4-cycle": ((0, 1), (1, 2), (2, 3), (0, 3)),
    "3-star": ((0, 1), (0, 2), (0, 3)),
    "tailed-triangle": ((0, 1), (1, 2), (0, 2), (2, 3)),
    "chordal-cycle": ((0, 1), (1, 2), (2, 3), (0, 3), (0, 2)),
    "k4": ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)),
}
"""Each pattern's edge list on nodes 0..k-1."""

PATTERN_DIAMETER = {"triangle": 1, "4-cycle": 2, "3-star": 2, "tailed-triangle": 2,
                    "chordal-cycle": 2, "k4": 1}

SUPERGRAPH_COPIES: dict[str, dict[str, int]] = {
    "triangle": {},
    "4-cycle": {"chordal-cycle": 1, "k4": 3},
    "3-star": {"tailed-triangle": 1, "chordal-cycle": 2, "k4": 4},
    "tailed-triangle": {"chordal-cycle": 4, "k4": 12},
    "chordal-cycle": {"k4": 6},
    "k4": {},
}
"""``SUPERGRAPH_COPIES[h][f]``: copies of pattern h spanning the larger 4-node graph f,
for every f that has any."""

_CHUNK_ELEMENTS = 1 << 22


def pattern_size(pattern: str) -> int:
    """Number of nodes of ``pattern``; ``ValueError`` listing the patterns if unknown."""
    if pattern not in PATTERNS:
        raise ValueError(f"pattern={pattern!r} is invalid: expected one of "
                         f"{', '.join(repr(p) for p in PATTERNS)}")
    return 1 + max(max(edge) for edge in PATTERNS[pattern])


def node_counts(adj: np.ndarray, pattern: str, induced: bool = False) -> np.ndarray:
    """Copies of ``pattern`` containing each node.

    ``adj``: (G, n, n) bool, symmetric with a zero diagonal. Returns (G, n) int64.
    Raises ``ValueError`` for an unknown pattern (listing the choices).
    """
    pattern_size(pattern)
    num_graphs, n = adj.shape[:2]
    out = np.empty((num_graphs, n), dtype=np.int64)
    step = max(1, _CHUNK_ELEMENTS // max(1, n * n))
    for lo in range(0, num_graphs, step):
        counter = _Counter(adj[lo:lo + step])
        out[lo:lo + step] = counter.induced(pattern) if induced else counter.subgraph(pattern)
    return out


def graph_counts(per_node: np.ndarray, pattern: str) -> np.ndarray:
    """Copies per graph from :func:`node_counts`' (G, n) output: (G,) int64."""
    return per_node.sum(axis=1) // pattern_size(pattern)


def working_bytes(num_graphs: int, n: int) -> int:
    """Bound on the bytes :func:`node_counts` holds beyond its input and output: about a
    dozen float64 (G, n, n) products of one chunk of graphs, and the K4 enumeration's
    chunked clique lists."""
    chunk = min(num_graphs * n * n, _CHUNK_ELEMENTS + n * n)
    return chunk * 8 * 12 + _CHUNK_ELEMENTS * 80


def _mv(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Batched matrix-vector product: (G, n, n) @ (G, n) -> (G, n)."""
    return np.einsum("gij,gj->gi", matrix, vector)


class _Counter:
    """Non-induced and induced node counts of one chunk of graphs, sharing the products."""

    def __init__(self, adj: np.ndarray) -> None:
        self.adj = adj
        self.A = adj.astype(np.float64)
        self._induced: dict[str, np.ndarray] = {}

    @cached_property
    def deg(self) -> np.ndarray:
        return self.A.sum(axis=2)

    @cached_property
    def A2(self) -> np.ndarray:
        return self.A @ self.A

    @cached_property
    def tri(self) -> np.ndarray:
        return np.einsum("gij,gji->gi", self.A2, self.A) / 2

    @cached_property
    def A_A2(self) -> np.ndarray:
        return self.A * self.A2

    def subgraph(self, pattern: str) -> np.ndarray:
        if pattern == "k4":
            return _k4_node_counts(self.adj)
        A, A2, d, t = self.A, self.A2, self.deg, self.tri
        if pattern == "triangle":
            counts = t
        elif pattern == "3-star":
            counts = d * (d - 1) * (d - 2) / 6 + _mv(A, (d - 1) * (d - 2) / 2)
        elif pattern == "4-cycle":
            off = A2 * (1 - np.eye(A.shape[1]))
            counts = (off * (off - 1) / 2).sum(axis=2)
        elif pattern == "tailed-triangle":
            counts = t * (d - 2) + _mv(self.A_A2, d - 2) + _mv(A, t) - self.A_A2.sum(axis=2)
        else:
            chord = (A * A2 * (A2 - 1) / 2).sum(axis=2)
            counts = chord + np.einsum("gva,gav->gv", A, (self.A_A2 - A) @ A) / 2
        return np.rint(counts).astype(np.int64)

    def induced(self, pattern: str) -> np.ndarray:
        if pattern not in self._induced:
            counts = self.subgraph(pattern)
            for larger, copies in SUPERGRAPH_COPIES[pattern].items():
                counts = counts - copies * self.induced(larger)
            self._induced[pattern] = counts
        return self._induced[pattern]


def _k4_node_counts(adj: np.ndarray) -> np.ndarray:
    """K4s containing each node, (G, n) int64, by extending ordered cliques in chunks."""
    num_graphs, n = adj.shape[:2]
    counts = np.zeros(num_graphs * n, dtype=np.int64)
    edges = np.column_stack(np.nonzero(np.triu(adj, 1)))
    step = max(1, _CHUNK_ELEMENTS // max(1, n))
    for e_lo in range(0, len(edges), step):
        triangles = _extend_cliques(adj, edges[e_lo:e_lo + step])
        for t_lo in range(0, len(triangles), step):
            k4 = _extend_cliques(adj, triangles[t_lo:t_lo + step])
            counts += np.bincount((k4[:, :1] * n + k4[:, 1:]).ravel(), minlength=len(counts))
    return counts.reshape(num_graphs, n)


def _extend_cliques(adj: np.ndarray, cliques: np.ndarray) -> np.ndarray:
    """All one-node extensions of cliques ``[g, v1 < ... < vk]`` (rows) by a node ``> vk``
    adjacent to every member: (m', k + 2) int64, rows ``[g, v1, ..., vk, w]``."""
    g = cliques[:, 0]
    common = np.arange(adj.shape[1]) > cliques[:, -1:]
    for column in range(1, cliques.shape[1]):
        common &= adj[g, cliques[:, column]]
    rows, new = np.nonzero(common)
    return np.column_stack([cliques[rows], new])
