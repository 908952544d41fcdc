"""Balanced Forman curvature of every edge (Topping et al. 2022, Definition 1).

Topping, Di Giovanni, Chamberlain, Dong & Bronstein 2022, "Understanding over-squashing
and bottlenecks on graphs via curvature" (ICLR). For an edge i ~ j of a simple undirected
graph, with S(v) the neighbours of v, B(v) = S(v) + {v}, d_v = |S(v)|:

    triangles  #D(i, j)  = S(i) & S(j)
    4-cycles   #Q_i(i, j) = {k in S(i) - B(j) : some w in (S(k) & S(j)) - B(i)}
               (k starts a 4-cycle i-k-w-j-i with no diagonal k~j or w~i), #Q_j likewise
    degeneracy g_max(i, j) = max over k in #Q_i of |(S(k) & S(j)) - B(i)| and over
               w in #Q_j of |(S(w) & S(i)) - B(j)| (the most 4-cycles through one node)

    Ric(i, j) = 2/d_i + 2/d_j - 2 + 2|#D|/max(d_i, d_j) + |#D|/min(d_i, d_j)
                + (|#Q_i| + |#Q_j|) / (g_max * max(d_i, d_j))

when min(d_i, d_j) > 1 (the last term is 0 when there is no such 4-cycle), and 0 when an
endpoint has degree 1. Examples: K_n gives n/(n-1); a cycle of length >= 5 gives 0, C_4
gives 1; interior edges of a grid give 0; edges of trees give <= 0.

Computation (no per-edge Python loop): every wedge (i, j, k) with k in S(i), k != j, is
listed as arrays, source nodes i in chunks of about ``WEDGE_CHUNK`` wedges; adjacency tests
are binary searches (needles sorted first) in the sorted edge keys i*N + j, |S(k) & S(j)| is read from the sparse
product A @ A, and |S(i) & S(j) & S(k)| (the part of S(k) & S(j) inside B(i)) is counted
by expanding, for each triangle i-j-w, the triangles on edge i-w. Time and memory grow
with sum_v d_v^2 (the number of wedges) plus the triangles met this way.
"""
from __future__ import annotations

import numpy as np

from depthlab.tasks.ranges import concatenated_ranges
from depthlab.theory.graph_input import compact_ids, node_count, simple_adjacency

WEDGE_CHUNK = 2**22


def balanced_forman_curvature(u: np.ndarray, v: np.ndarray, num_nodes: int | None = None) -> np.ndarray:
    """Ric(u[e], v[e]) for every edge e of the simple undirected graph on the edges u–v.

    ``u``, ``v`` (E,) node ids in ``[0, num_nodes)``, or with ``num_nodes`` None any ids
    >= 0 (gapped or huge: relabelled to 0..n-1 first, so memory grows with the edges, not
    the largest id; isolated nodes do not change curvature); repeated edges and both
    directions are allowed and get the same value. Returns (E,) float64.
    Raises ``ValueError`` for a self-loop (naming its index) or an id out of range.
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    if num_nodes is None:
        ids, u, v, _ = compact_ids(u, v)
        num_nodes = len(ids)
    num_nodes = node_count(u, v, num_nodes)
    loops = np.flatnonzero(u == v)
    if len(loops):
        e = int(loops[0])
        raise ValueError(f"edge {e} ({u[e]}, {v[e]}) is a self-loop: Balanced Forman curvature "
                         "is defined on simple graphs")
    graph = _EdgeIndex(simple_adjacency(u, v, num_nodes))
    triangles, squares, degeneracy = graph.edge_counts()
    forward, backward = graph.edge_id(u, v), graph.edge_id(v, u)
    d_u, d_v = graph.degree[u].astype(np.float64), graph.degree[v].astype(np.float64)
    d_max, d_min = np.maximum(d_u, d_v), np.minimum(d_u, d_v)
    tri = triangles[forward]
    four = squares[forward] + squares[backward]
    gamma = np.maximum(degeneracy[forward], degeneracy[backward])
    ric = 2 / d_u + 2 / d_v - 2 + 2 * tri / d_max + tri / d_min
    ric += np.divide(four, gamma * d_max, out=np.zeros(len(u)), where=gamma > 0)
    return np.where(d_min > 1, ric, 0.0)


class _EdgeIndex:
    """A simple graph's directed edges (i, j), both ways, numbered in (i, j) order."""

    def __init__(self, adjacency):
        self.n = adjacency.shape[0]
        self.indptr = adjacency.indptr.astype(np.int64)
        self.indices = adjacency.indices.astype(np.int64)
        self.degree = np.diff(self.indptr)
        self.source = np.repeat(np.arange(self.n), self.degree)
        self.keys = self.source * self.n + self.indices
        common = (adjacency @ adjacency).tocsr()
        common.sort_indices()
        self.common_keys = np.repeat(np.arange(self.n), np.diff(common.indptr)) * self.n + common.indices
        self.common_counts = common.data.astype(np.int64)

    def edge_id(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Index of the directed edge (a, b), assumed to exist."""
        return _search(self.keys, a * self.n + b)

    def has_edge(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        keys = a * self.n + b
        if len(self.keys) == 0:
            return np.zeros(len(keys), dtype=bool)
        return self.keys[np.minimum(_search(self.keys, keys), len(self.keys) - 1)] == keys

    def edge_counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per directed edge (i, j): |#D(i, j)|, |#Q_i(i, j)| and max_k |(S(k) & S(j)) - B(i)|
        over k in #Q_i (0 if empty). Edges with an endpoint of degree 1 get zeros."""
        num_edges = len(self.keys)
        triangles = np.zeros(num_edges, dtype=np.int64)
        squares = np.zeros(num_edges, dtype=np.int64)
        degeneracy = np.zeros(num_edges, dtype=np.int64)
        wedges_from = np.where(np.minimum(self.degree[self.source], self.degree[self.indices]) > 1,
                               self.degree[self.source], 0)
        per_node = np.bincount(self.source, weights=wedges_from, minlength=self.n)
        node_bounds = _chunk_bounds(np.cumsum(per_node), WEDGE_CHUNK)
        for a, b in zip(node_bounds[:-1], node_bounds[1:]):
            e0, e1 = self.indptr[a], self.indptr[b]
            tri, sq, deg = self._chunk_counts(e0, e1, wedges_from[e0:e1])
            triangles[e0:e1], squares[e0:e1], degeneracy[e0:e1] = tri, sq, deg
        return triangles, squares, degeneracy

    def _chunk_counts(self, e0: int, e1: int, counts: np.ndarray):
        """The three counts for edges e0..e1-1 (all out-edges of a range of sources)."""
        size = e1 - e0
        local = np.repeat(np.arange(size), counts)
        k = self.indices[concatenated_ranges(self.indptr[self.source[e0:e1]], counts)]
        i, j = self.source[e0 + local], self.indices[e0 + local]
        keep = k != j
        local, k, i, j = local[keep], k[keep], i[keep], j[keep]
        closed = self.has_edge(k, j)
        tri_local, tri_node = local[closed], k[closed]
        triangles = np.bincount(tri_local, minlength=size)
        open_local, open_k, open_i, open_j = local[~closed], k[~closed], i[~closed], j[~closed]
        shared = self._common(open_k, open_j)
        inside = self._triple_counts(tri_local, tri_node, triangles, i[closed], e0,
                                     open_local * self.n + open_k)
        witnesses = shared - 1 - inside
        hit = witnesses > 0
        squares = np.bincount(open_local[hit], minlength=size)
        degeneracy = np.zeros(size, dtype=np.int64)
        if hit.any():
            starts = np.flatnonzero(np.diff(open_local[hit], prepend=-1))
            degeneracy[open_local[hit][starts]] = np.maximum.reduceat(witnesses[hit], starts)
        return triangles, squares, degeneracy

    def _common(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """|S(a) & S(b)| from the sparse product A @ A (pairs assumed at distance <= 2)."""
        return self.common_counts[_search(self.common_keys, a * self.n + b)]

    def _triple_counts(self, tri_local, tri_node, triangles, tri_source, e0, query_keys):
        """For each query key local*N + k, |S(i) & S(j) & S(k)| of local edge (i, j).

        Each triangle i-j-w of a chunk edge contributes every common neighbour k of i and w
        (the triangles on edge i-w, which starts at the same source i, so lies in the chunk).
        """
        ptr = np.concatenate([[0], np.cumsum(triangles)])
        partner = self.edge_id(tri_source, tri_node) - e0
        sizes = triangles[partner]
        owner = np.repeat(tri_local, sizes)
        expanded = np.sort(owner * self.n + tri_node[concatenated_ranges(ptr[partner], sizes)])
        return (np.searchsorted(expanded, query_keys, side="right")
                - np.searchsorted(expanded, query_keys, side="left"))


def _search(haystack: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """``np.searchsorted(haystack, needles)``, with the needles visited in sorted order (the
    same answer; sequential memory access makes it several times faster on large inputs)."""
    order = np.argsort(needles, kind="stable")
    positions = np.empty(len(needles), dtype=np.int64)
    positions[order] = np.searchsorted(haystack, needles[order])
    return positions


def _chunk_bounds(cumulative: np.ndarray, budget: int) -> np.ndarray:
    """Node boundaries 0 = b_0 < ... < b_K = N with about ``budget`` work per chunk."""
    n = len(cumulative)
    if n == 0:
        return np.array([0, 0])
    cuts = np.searchsorted(cumulative, np.arange(budget, cumulative[-1], budget), side="right")
    return np.unique(np.concatenate([[0], cuts, [n]]))
