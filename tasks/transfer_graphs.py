"""The four graphs of the transfer task, each with its target and source at a set distance.

Di Giovanni et al. 2023 ("On over-squashing in message passing neural networks: the impact
of width, depth, and topology", ICML) move information between two nodes of graphs whose
commute time grows at different rates with the distance. Every builder returns a
:class:`TransferGraph`: undirected edges given once each (``u < v``, sorted), the target
(where the prediction is read) and the source (which holds the label), at shortest-path
distance exactly ``distance``:

- ``ring``: the cycle C_{2d}; target 0, source d (the opposite node).
- ``crossed-ring``: C_{2d} plus, for 0 < i < d, the edges from i to the two neighbours
  2d-1-i and 2d+1-i of its mirror image 2d-i (Di Giovanni's "crosses"). Every edge joins
  nodes whose distances from 0 differ by one, so the distance stays d while the number of
  paths (and the edge count) grows.
- ``clique-path``: the lollipop: K_m on 0..m-1, a path of d-1 nodes m..m+d-2 hanging from
  m-1; target 0, source m+d-2 (the path's end).
- ``barbell``: K_m on 0..m-1, a path of d-3 nodes, K_m on the last m nodes, each clique
  joined to the path by one edge at its bridge node (networkx's ``barbell_graph(m, d-3)``);
  target 0, source the last node (neither is a bridge node).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

TOPOLOGIES = ("ring", "crossed-ring", "clique-path", "barbell")
MIN_DISTANCE = {"ring": 2, "crossed-ring": 2, "clique-path": 2, "barbell": 3}
MIN_CLIQUE = 3


class TransferGraph(NamedTuple):
    """One graph: ``num_nodes``; ``u``, ``v`` (E,) int64 undirected edges, ``u < v``, sorted
    by (u, v); ``target`` and ``source`` node ids."""

    num_nodes: int
    u: np.ndarray
    v: np.ndarray
    target: int
    source: int


def default_clique_size(distance: int) -> int:
    """Di Giovanni's proportions: a clique as large as the path (distance - 1), at least 3."""
    return max(MIN_CLIQUE, distance - 1)


def num_nodes(topology: str, distance: int, clique_size: int) -> int:
    """Nodes of the graph, in closed form."""
    if topology in ("ring", "crossed-ring"):
        return 2 * distance
    if topology == "clique-path":
        return clique_size + distance - 1
    return 2 * clique_size + distance - 3


def num_edges(topology: str, distance: int, clique_size: int) -> int:
    """Undirected edges of the graph, in closed form."""
    clique = clique_size * (clique_size - 1) // 2
    if topology == "ring":
        return 2 * distance
    if topology == "crossed-ring":
        return 4 * distance - 4
    if topology == "clique-path":
        return clique + distance - 1
    return 2 * clique + distance - 2


def _sorted_simple(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges as (min, max), duplicates dropped, sorted."""
    pairs = np.unique(np.stack([np.minimum(u, v), np.maximum(u, v)], axis=1), axis=0)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


def _cycle(n: int) -> tuple[np.ndarray, np.ndarray]:
    i = np.arange(n, dtype=np.int64)
    return i, (i + 1) % n


def _clique(nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.triu_indices(len(nodes), k=1)
    return nodes[a], nodes[b]


def _path(first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """Edges first-(first+1)-...-last (none when last <= first)."""
    i = np.arange(first, last, dtype=np.int64)
    return i, i + 1


def transfer_graph(topology: str, distance: int, clique_size: int) -> TransferGraph:
    """The ``topology`` graph with target and source ``distance`` apart (module docstring).

    ``clique_size`` is used by clique-path and barbell only. Raises ``ValueError`` for an
    unknown topology or a distance below the topology's minimum (``MIN_DISTANCE``).
    """
    if topology not in TOPOLOGIES:
        raise ValueError(f"topology={topology!r} is invalid: expected one of {', '.join(TOPOLOGIES)}")
    if distance < MIN_DISTANCE[topology]:
        raise ValueError(f"distance={distance} is out of range for topology={topology!r}: "
                         f"expected an int >= {MIN_DISTANCE[topology]}")
    d, m = distance, clique_size
    n = num_nodes(topology, d, m)
    if topology in ("ring", "crossed-ring"):
        parts = [_cycle(n)]
        if topology == "crossed-ring":
            i = np.arange(1, d, dtype=np.int64)
            parts += [(i, n - 1 - i), (i, (n + 1 - i) % n)]
        source = d
    elif topology == "clique-path":
        parts = [_clique(np.arange(m)), _path(m - 1, n - 1)]
        source = n - 1
    else:
        parts = [_clique(np.arange(m)), _path(m - 1, m + d - 3), _clique(np.arange(m + d - 3, n))]
        source = n - 1
    u, v = _sorted_simple(np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))
    return TransferGraph(n, u, v, 0, source)
