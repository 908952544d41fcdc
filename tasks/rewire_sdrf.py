"""SDRF: Stochastic Discrete Ricci Flow (Topping et al. 2022, Algorithm 1), greedy form,
on every graph of a dataset at once.

Each iteration, in every graph independently: take the edge (i, j) of least Balanced Forman
curvature (``theory.curvature``; ties: the first in (i, j) order); among the non-edges
(k, l) with k in B(i) = {i} + S(i) and l in B(j), add the one that raises Ric(i, j) the
most (ties: the first in candidate order), if it raises it at all. The paper samples the
candidate from a softmax of the gains at temperature tau; this is its tau -> infinity
limit, deterministic. Then, if ``c_plus`` is set, remove the edge of greatest curvature
when that curvature exceeds ``c_plus``.

Ric(i, j) depends only on the subgraph induced by B(i) + B(j) (degrees of i and j,
triangles, 4-cycles through i-j). So every candidate is scored on its own copy of that
small subgraph plus the candidate edge, and all copies of all graphs go through one
vectorised curvature call.
"""
from __future__ import annotations

import numpy as np

from depthlab.tasks.dense_graphs import graph_of_nodes
from depthlab.tasks.ranges import concatenated_ranges
from depthlab.theory.curvature import balanced_forman_curvature
from depthlab.theory.graph_input import simple_adjacency

GAIN_TOLERANCE = 1e-12
COPY_EDGE_CHUNK = 2**21


def per_graph_first(graph: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Index of the least ``score`` in each graph that has entries (ties: lowest index),
    ordered by graph id."""
    order = np.lexsort((np.arange(len(score)), score, graph))
    first = np.ones(len(order), dtype=bool)
    first[1:] = graph[order][1:] != graph[order][:-1]
    return order[first]


def sdrf(keys: np.ndarray, node_ptr: np.ndarray, iterations: int,
         c_plus: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run SDRF for ``iterations`` rounds on the undirected simple graph whose edges are the
    sorted keys ``u * N + v`` (u < v, N = node_ptr[-1]).

    Returns ``(keys, added, removed)``: the final sorted keys and the (K, 2), (K', 2) int64
    edges added and removed, in the order they were applied.
    """
    num_nodes = int(node_ptr[-1])
    added, removed = [], []
    for _ in range(iterations):
        u, v = np.divmod(keys, num_nodes)
        curvature = balanced_forman_curvature(u, v, num_nodes)
        least = per_graph_first(graph_of_nodes(node_ptr, u), curvature)
        new = _best_additions(keys, num_nodes, u[least], v[least], curvature[least])
        keys = np.union1d(keys, new)
        added.append(new)
        if c_plus is not None:
            u, v = np.divmod(keys, num_nodes)
            curvature = balanced_forman_curvature(u, v, num_nodes)
            most = per_graph_first(graph_of_nodes(node_ptr, u), -curvature)
            gone = keys[most[curvature[most] > c_plus]]
            keys = np.setdiff1d(keys, gone)
            removed.append(gone)
    as_pairs = lambda parts: np.stack(np.divmod(np.concatenate(parts or [np.zeros(0, np.int64)]),
                                                num_nodes), axis=1)
    return keys, as_pairs(added), as_pairs(removed)


def _best_additions(keys, num_nodes, i, j, current) -> np.ndarray:
    """Keys of the edges to add, one per chosen edge (i[c], j[c]) whose best candidate
    raises its curvature above ``current[c]``."""
    adjacency = simple_adjacency(*np.divmod(keys, num_nodes), num_nodes)
    indptr, indices = adjacency.indptr.astype(np.int64), adjacency.indices.astype(np.int64)
    degree = np.diff(indptr)
    cost = (degree[i] + 1) * (degree[j] + 1) * (degree[i] + degree[j] + 2) ** 2
    bounds = np.searchsorted(np.cumsum(cost), np.arange(0, cost.sum(), COPY_EDGE_CHUNK), side="right")
    bounds = np.unique(np.concatenate([[0], bounds, [len(i)]]))
    chosen = [_chunk_additions(keys, num_nodes, indptr, indices, i[a:b], j[a:b], current[a:b])
              for a, b in zip(bounds[:-1], bounds[1:])]
    return np.concatenate(chosen) if chosen else np.zeros(0, np.int64)


def _ball(indptr, indices, centre):
    """(owner, node) of B(centre[c]) for every c, grouped by owner, centre first."""
    degree = np.diff(indptr)[centre]
    count = len(centre)
    owner = np.concatenate([np.arange(count), np.repeat(np.arange(count), degree)])
    node = np.concatenate([centre, indices[concatenated_ranges(indptr[centre], degree)]])
    order = np.argsort(owner, kind="stable")
    return owner[order], node[order]


def _chunk_additions(keys, num_nodes, indptr, indices, i, j, current) -> np.ndarray:
    count = len(i)
    if count == 0:
        return np.zeros(0, np.int64)
    owner_i, ball_i = _ball(indptr, indices, i)
    owner_j, ball_j = _ball(indptr, indices, j)
    # members of U_c = B(i) + B(j), sorted by (c, node); local ids 0..|U_c|-1
    members = np.unique(np.concatenate([owner_i, owner_j]) * num_nodes + np.concatenate([ball_i, ball_j]))
    member_owner, member_node = np.divmod(members, num_nodes)
    size = np.bincount(member_owner, minlength=count)
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    local = lambda c, node: np.searchsorted(members, c * num_nodes + node) - start[c]
    # induced edges of each U_c, once per pair (w < x), grouped by c
    degree = np.diff(indptr)
    edge_owner = np.repeat(member_owner, degree[member_node])
    w = np.repeat(member_node, degree[member_node])
    x = indices[concatenated_ranges(indptr[member_node], degree[member_node])]
    probe = np.minimum(np.searchsorted(members, edge_owner * num_nodes + x), len(members) - 1)
    inside = (members[probe] == edge_owner * num_nodes + x) & (w < x)
    edge_owner, w, x = edge_owner[inside], w[inside], x[inside]
    edges_per = np.bincount(edge_owner, minlength=count)
    edge_start = np.concatenate([[0], np.cumsum(edges_per)[:-1]])
    # candidates (c, k, l): k in B(i_c), l in B(j_c), k != l, not an edge
    size_j = np.bincount(owner_j, minlength=count)
    start_j = np.concatenate([[0], np.cumsum(size_j)[:-1]])
    cand_owner = np.repeat(owner_i, size_j[owner_i])
    k = np.repeat(ball_i, size_j[owner_i])
    l = ball_j[concatenated_ranges(start_j[owner_i], size_j[owner_i])]
    lo, hi = np.minimum(k, l), np.maximum(k, l)
    probe = np.minimum(np.searchsorted(keys, lo * num_nodes + hi), max(len(keys) - 1, 0))
    fresh = (k != l) & ~((len(keys) > 0) & (keys[probe] == lo * num_nodes + hi))
    cand_owner, k, l = cand_owner[fresh], k[fresh], l[fresh]
    if len(k) == 0:
        return np.zeros(0, np.int64)
    # one copy of U_c per candidate: the edge (i, j) first, then U_c's edges, then (k, l)
    copy_offset = np.concatenate([[0], np.cumsum(size[cand_owner])[:-1]])
    picked = concatenated_ranges(edge_start[cand_owner], edges_per[cand_owner])
    shift = np.repeat(copy_offset, edges_per[cand_owner])
    owner_of_edge = edge_owner[picked]
    src = np.concatenate([local(cand_owner, i[cand_owner]) + copy_offset,
                          local(owner_of_edge, w[picked]) + shift,
                          local(cand_owner, k) + copy_offset])
    dst = np.concatenate([local(cand_owner, j[cand_owner]) + copy_offset,
                          local(owner_of_edge, x[picked]) + shift,
                          local(cand_owner, l) + copy_offset])
    total = int(copy_offset[-1] + size[cand_owner[-1]])
    gain = balanced_forman_curvature(src, dst, total)[: len(k)] - current[cand_owner]
    best = per_graph_first(cand_owner, -gain)
    best = best[gain[best] > GAIN_TOLERANCE]
    return np.minimum(k[best], l[best]) * num_nodes + np.maximum(k[best], l[best])
