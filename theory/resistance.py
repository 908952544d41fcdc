"""Effective resistance on undirected graphs (every edge a unit resistor).

R(u, v) = (e_u - e_v)^T L^+ (e_u - e_v) for the Laplacian L = D - A of the simple graph
(repeated edges and self-loops ignored); R is a metric, equal to the hop distance on a
tree and to k(n-k)/n between nodes k apart on the cycle C_n; the commute time between u
and v is 2|E| R(u, v) (Chandra et al. 1989). The total effective resistance (Kirchhoff
index) is sum_{u<v} R(u, v) = n tr(L^+) (Klein & Randic 1993; Ellens et al. 2011,
"Effective graph resistance"). Nodes in different components are at infinite resistance.

Pairs are solved with one factorisation (dense Cholesky up to ``DENSE_LIMIT`` nodes, sparse
LU beyond) of L with one node per connected component grounded (its row and column
removed), which makes the system nonsingular:
R(u, v) = b^T x for L_g x = b, b = e_u - e_v restricted to the ungrounded nodes. The total
uses a dense Cholesky factor C of L + J/n (J all ones), whose inverse is L^+ + J/n on a
connected graph: tr(L^+) = ||C^{-1}||_F^2 - 1.
"""
from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import splu

from depthlab.theory.graph_input import compact_ids, node_count, simple_adjacency

DENSE_LIMIT = 10_000
PAIR_BLOCK = 256


def laplacian(u: np.ndarray, v: np.ndarray, num_nodes: int) -> sp.csc_matrix:
    """(N, N) combinatorial Laplacian D - A of the simple graph on the edges u–v."""
    adjacency = simple_adjacency(u, v, num_nodes).astype(np.float64)
    degrees = np.asarray(adjacency.sum(axis=1)).ravel()
    return (sp.diags(degrees) - adjacency).tocsc()


def effective_resistance(u: np.ndarray, v: np.ndarray, pairs, num_nodes: int | None = None) -> np.ndarray:
    """R(a, b) for each row (a, b) of ``pairs`` (P, 2), as (P,) float64 (inf across components).

    The graph is the simple undirected graph on the edges ``u``–``v`` over ``num_nodes``
    nodes; with ``num_nodes`` None the nodes are the ids that appear in the edges (any ids
    >= 0, gapped or huge: relabelled, :func:`theory.graph_input.compact_ids`) and every
    pair id must be one of them. Raises ``ValueError`` for ids out of range or a
    ``pairs`` array that is not (P, 2).
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if num_nodes is None:
        ids, u, v, pairs = compact_ids(u, v, pairs)
        num_nodes = len(ids)
    num_nodes = node_count(u, v, num_nodes)
    if len(pairs) and (pairs.min() < 0 or pairs.max() >= num_nodes):
        raise ValueError(f"pair ids must lie in [0, {num_nodes}), got [{pairs.min()}, {pairs.max()}]")
    matrix = laplacian(u, v, num_nodes)
    _, component = connected_components(matrix, directed=False)
    grounded = np.zeros(num_nodes, dtype=bool)
    grounded[np.unique(component, return_index=True)[1]] = True
    position = np.cumsum(~grounded) - 1
    free = np.flatnonzero(~grounded)
    out = np.full(len(pairs), np.inf)
    a, b = pairs[:, 0], pairs[:, 1]
    same = component[a] == component[b]
    out[same & (a == b)] = 0.0
    todo = np.flatnonzero(same & (a != b))
    if len(todo) == 0:
        return out
    solve = _solver(matrix[free][:, free].tocsc())
    for lo in range(0, len(todo), PAIR_BLOCK):
        block = todo[lo:lo + PAIR_BLOCK]
        rhs = np.zeros((len(free), len(block)))
        columns = np.arange(len(block))
        for end, sign in ((a[block], 1.0), (b[block], -1.0)):
            kept = ~grounded[end]
            rhs[position[end[kept]], columns[kept]] += sign
        out[block] = np.einsum("ij,ij->j", rhs, solve(rhs))
    return out


def _solver(grounded: sp.csc_matrix):
    """x = grounded^{-1} b for (n, k) right-hand sides: dense Cholesky up to DENSE_LIMIT
    nodes (sparse LU fills in badly on expander-like graphs), sparse LU with a minimum-degree
    ordering of A^T + A beyond."""
    if grounded.shape[0] <= DENSE_LIMIT:
        factor = scipy.linalg.cho_factor(grounded.toarray(), lower=True)
        return lambda rhs: scipy.linalg.cho_solve(factor, rhs)
    return splu(grounded, permc_spec="MMD_AT_PLUS_A").solve


def total_effective_resistance(u: np.ndarray, v: np.ndarray, num_nodes: int | None = None) -> float:
    """sum_{a<b} R(a, b) = n tr(L^+); inf if the graph is disconnected, 0 for n <= 1.

    ``num_nodes`` None: the nodes are the ids that appear in the edges (relabelled). Dense
    (O(n^3) time, O(n^2) memory): raises ``ValueError`` above ``DENSE_LIMIT`` nodes.
    """
    if num_nodes is None:
        ids, u, v, _ = compact_ids(u, v)
        num_nodes = len(ids)
    num_nodes = node_count(u, v, num_nodes)
    if num_nodes > DENSE_LIMIT:
        raise ValueError(f"num_nodes={num_nodes} is too large for the dense total effective "
                         f"resistance: at most {DENSE_LIMIT} nodes")
    if num_nodes <= 1:
        return 0.0
    matrix = laplacian(u, v, num_nodes)
    if connected_components(matrix, directed=False)[0] > 1:
        return float("inf")
    shifted = matrix.toarray() + 1.0 / num_nodes
    factor = scipy.linalg.cholesky(shifted, lower=True)
    inverse = scipy.linalg.solve_triangular(factor, np.eye(num_nodes), lower=True)
    return float(num_nodes * (np.sum(inverse**2) - 1.0))


def resistance_within_graphs(u: np.ndarray, v: np.ndarray, node_ptr: np.ndarray,
                             pairs) -> np.ndarray:
    """R(a, b) for node pairs of many small disjoint graphs (a dataset's), (P,) float64.

    ``node_ptr`` (G+1,): graph g owns nodes ``node_ptr[g]:node_ptr[g+1]``; ``u``, ``v``
    the undirected edges (global ids); each row (a, b) of ``pairs`` lies inside one graph.
    Each graph's Laplacian pseudo-inverse comes from a batched dense eigendecomposition of
    the graphs of its size (``tasks.dense_graphs``), so many graphs cost one numpy call per
    size: the same values as :func:`effective_resistance`, much faster on many small
    graphs. inf across components. Raises ``ValueError`` for a pair spanning two graphs.
    """
    from depthlab.tasks.dense_graphs import (dense_adjacency, equal_size_chunks, graph_of_nodes,
                                             laplacian_pinv)

    node_ptr = np.asarray(node_ptr, dtype=np.int64)
    u, v = np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64)
    num_nodes = node_count(u, v, int(node_ptr[-1]))
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if len(pairs) and (pairs.min() < 0 or pairs.max() >= num_nodes):
        raise ValueError(f"pair ids must lie in [0, {num_nodes}), got [{pairs.min()}, {pairs.max()}]")
    graph = graph_of_nodes(node_ptr, pairs[:, 0])
    crossing = np.flatnonzero(graph != graph_of_nodes(node_ptr, pairs[:, 1]))
    if len(crossing):
        raise ValueError(f"pair {crossing[0]} {tuple(pairs[crossing[0]])} spans two graphs")
    _, component = connected_components(simple_adjacency(u, v, num_nodes), directed=False)
    node_graph = graph_of_nodes(node_ptr, np.arange(num_nodes))
    split_off = component != component[node_ptr[node_graph]]
    connected = np.bincount(node_graph, weights=split_off, minlength=len(node_ptr) - 1) == 0
    out = np.full(len(pairs), np.inf)
    for graphs, n in equal_size_chunks(node_ptr[: max(graph.max(initial=-1) + 2, 1)]):
        rows = np.flatnonzero(np.isin(graph, graphs))
        if len(rows) == 0:
            continue
        pinv = laplacian_pinv(dense_adjacency(u, v, node_ptr, graphs, n), connected[graphs])
        b = np.searchsorted(graphs, graph[rows])
        a, c = pairs[rows, 0] - node_ptr[graph[rows]], pairs[rows, 1] - node_ptr[graph[rows]]
        out[rows] = pinv[b, a, a] + pinv[b, c, c] - 2 * pinv[b, a, c]
    out[component[pairs[:, 0]] != component[pairs[:, 1]]] = np.inf
    out[pairs[:, 0] == pairs[:, 1]] = 0.0
    return out
