"""Normalised adjacency matrices of a graph given as edge arrays, as scipy sparse matrices.

Edges are directed, ``src[i] -> dst[i]``, and messages flow along them: row ``v`` of a
propagation matrix holds the weights node ``v`` gives its in-neighbours (``A[v, u]`` is the
number of edges ``u -> v``). Node ids are ``0 .. num_nodes-1``; a batch of graphs is one
block-diagonal graph.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from depthlab.theory.graph_input import check_edges, simple_adjacency


def edge_arrays(src, dst, num_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """``src`` and ``dst`` as (E,) int64 arrays (from lists, numpy or CPU torch tensors),
    checked by ``theory.graph_input.check_edges`` (``ValueError`` if broken)."""
    src = np.asarray(src, dtype=np.int64).ravel()
    dst = np.asarray(dst, dtype=np.int64).ravel()
    check_edges(src, dst, num_nodes)
    return src, dst


def undirected_edges(src, dst, num_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """The simple undirected graph underlying the edges (``theory.graph_input.
    simple_adjacency``): each unordered pair ``{u, v}``, ``u != v``, joined in either
    direction, once, as ``(u, v)`` with ``u < v``, sorted."""
    src, dst = edge_arrays(src, dst, num_nodes)
    upper = sp.triu(simple_adjacency(src, dst, num_nodes), k=1, format="csr")
    u = np.repeat(np.arange(num_nodes, dtype=np.int64), np.diff(upper.indptr))
    return u, upper.indices.astype(np.int64)


def undirected_degrees(u: np.ndarray, v: np.ndarray, num_nodes: int) -> np.ndarray:
    """Degrees (N,) of the simple undirected graph with edge list ``(u, v)`` (each pair once)."""
    return np.bincount(np.concatenate([u, v]), minlength=num_nodes).astype(np.int64)


def normalised_adjacency(src, dst, num_nodes: int, *, self_loops: bool = True) -> sp.csr_matrix:
    """GCN's symmetric normalisation with edge direction (DGL ``GraphConv(norm="both")``).

    ``A_hat[v, u] = A[v, u] / sqrt(d_out(u) * d_in(v))`` where ``A[v, u]`` counts the edges
    ``u -> v`` and degrees are taken in that same multigraph, clamped below at 1 (a node
    with no in-edges gets a zero row). With ``self_loops`` the input's self-loops are
    replaced by exactly one per node (``A + I``, as ``models.adjacency.with_self_loops``).
    Returns a (N, N) float64 CSR matrix; on an undirected graph (both directions stored)
    it is symmetric.
    """
    src, dst = edge_arrays(src, dst, num_nodes)
    if self_loops:
        keep = src != dst
        loops = np.arange(num_nodes, dtype=np.int64)
        src = np.concatenate([src[keep], loops])
        dst = np.concatenate([dst[keep], loops])
    d_out = np.maximum(np.bincount(src, minlength=num_nodes), 1).astype(np.float64)
    d_in = np.maximum(np.bincount(dst, minlength=num_nodes), 1).astype(np.float64)
    weights = 1.0 / np.sqrt(d_out[src] * d_in[dst])
    return sp.csr_matrix((weights, (dst, src)), shape=(num_nodes, num_nodes))


def augmented_adjacency(src, dst, num_nodes: int) -> sp.csr_matrix:
    """Oono & Suzuki's (2020) ``P = D~^{-1/2} (A + I) D~^{-1/2}`` of the simple undirected
    graph underlying the edges (``A`` binary symmetric, ``D~ = D + I``): symmetric, (N, N)
    CSR, eigenvalues in (-1, 1]. ``I - P`` is the augmented normalised Laplacian."""
    u, v = undirected_edges(src, dst, num_nodes)
    return normalised_adjacency(np.concatenate([u, v]), np.concatenate([v, u]), num_nodes)


def power_rows(matrix: sp.spmatrix, row: int, power: int) -> np.ndarray:
    """Row ``row`` of ``matrix^k`` for ``k = 0 .. power``, as a (power+1, N) float64 array.

    Computed by ``power`` sparse vector-matrix products (no dense power). Raises
    ``ValueError`` for a row outside ``[0, N)`` or a negative power.
    """
    n = matrix.shape[0]
    if not 0 <= row < n:
        raise ValueError(f"row={row} is invalid: expected a node id in [0, {n})")
    if power < 0:
        raise ValueError(f"power={power} is invalid: expected >= 0")
    transposed = sp.csr_matrix(matrix.T)
    rows = np.zeros((power + 1, n))
    rows[0, row] = 1.0
    for k in range(power):
        rows[k + 1] = transposed @ rows[k]
    return rows
