"""1-WL colour refinement (Weisfeiler & Leman 1968) over all graphs of a dataset at once.

Convention: messages flow along edges ``src -> dst``, so a node v aggregates the multiset of
colours of its in-neighbours {u : u -> v} (depthlab's models do the same; an undirected
graph stores both directions and gets the usual refinement). One round maps

    c'(v) = (c(v), {{ c(u) : u -> v }})

to a dense integer id. The ids are exact: nodes share a colour iff their signatures are
equal, whichever graphs of the dataset they belong to. (A 64-bit hash of each signature
only proposes the grouping; every member of a group is then compared with one
representative, and on any collision the rows are ranked exactly instead.) A message-passing
network of L layers maps nodes of equal colour after L rounds to equal states (Xu et al.
2019, "How powerful are graph neural networks?"; Morris et al. 2019, "Weisfeiler and Leman
go neural").
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from depthlab.theory.arguments import require_int
from depthlab.tasks.ranges import concatenated_ranges
from depthlab.theory.graph_input import message_graph


def wl_colours(data, rounds: int, nodes: np.ndarray | None = None) -> np.ndarray:
    """Colours after ``rounds`` rounds of refinement, as int64 ids: (N,) for every node, or
    (len(nodes),) for the given ``nodes``.

    ``data`` is a TaskDataset (all graphs, global node ids, colours comparable across its
    graphs) or a tuple ``(src, dst, x)``. Round 0 colours are the distinct rows of ``x``.
    For every node, refinement stops early once the partition is stable (a round that adds
    no colour adds none later), so the partition returned is the one after ``rounds``
    rounds. With ``nodes``, round k refines only the nodes within ``rounds - k`` hops of
    them along in-edges (all their colours depend on), which gives their colours at less
    cost. Ids are a deterministic function of the graph, ``x`` and ``nodes``. Raises
    ``ValueError`` for ``rounds < 0`` or a node outside ``[0, N)``.
    """
    rounds = require_int("rounds", rounds, 0)
    if nodes is None:
        return refine_until_stable(data, rounds)[0]
    colours, ptr, in_neighbours = _initial(data)
    nodes = np.asarray(nodes, dtype=np.int64)
    if len(nodes) and (nodes.min() < 0 or nodes.max() >= len(colours)):
        raise ValueError(f"nodes must lie in [0, {len(colours)}), got [{nodes.min()}, {nodes.max()}]")
    hops = _hops_to(ptr, in_neighbours, nodes, rounds)
    for k in range(1, rounds + 1):
        active = np.flatnonzero(hops <= rounds - k)
        segments = Segments(ptr[active], ptr[active + 1] - ptr[active], index=in_neighbours)
        colours[active] = segments.multiset_labels(colours, own=colours[active])
    return colours[nodes]


def refine_until_stable(data, rounds: int) -> tuple[np.ndarray, int]:
    """``(colours, done)``: every node's colour after ``rounds`` rounds, computed in
    ``done <= rounds`` rounds. ``done < rounds`` means the partition was stable after
    ``done`` rounds (the next round added no colour), so every later round gives the same
    partition and refinement stopped there. Raises ``ValueError`` for ``rounds < 0``."""
    rounds = require_int("rounds", rounds, 0)
    colours, ptr, in_neighbours = _initial(data)
    segments = Segments(ptr[:-1], np.diff(ptr), index=in_neighbours)
    for done in range(rounds):
        refined = segments.multiset_labels(colours, own=colours)
        if count_labels(refined) == count_labels(colours):
            return colours, done
        colours = refined
    return colours, rounds


def _initial(data) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Round-0 colours and the in-neighbour lists (CSR ``ptr``, ``in_neighbours``)."""
    src, dst, x = message_graph(data)
    colours = exact_row_ids(x) if x.dtype.kind in "biu" else row_ranks(x)
    by_dst = sp.csr_matrix((src, (dst, np.arange(len(src)))), shape=(len(x), len(src)))
    return colours, by_dst.indptr.astype(np.int64), by_dst.data


def _hops_to(ptr: np.ndarray, in_neighbours: np.ndarray, nodes: np.ndarray, limit: int) -> np.ndarray:
    """(N,) hops from each node to the nearest of ``nodes`` along edges u -> v (0 for them),
    ``limit`` for every node at least ``limit`` hops away."""
    hops = np.full(len(ptr) - 1, limit, dtype=np.int64)
    hops[nodes] = 0
    frontier = np.unique(nodes)
    for step in range(1, limit):
        counts = ptr[frontier + 1] - ptr[frontier]
        reached = in_neighbours[concatenated_ranges(ptr[frontier], counts)]
        frontier = np.unique(reached[hops[reached] > step])
        hops[frontier] = step
    return hops


def wl_graph_colours(node_ptr: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """(G,) ids of each graph's multiset of node colours (its colour histogram).

    ``node_ptr`` (G+1,) gives graph g the nodes ``node_ptr[g]:node_ptr[g+1]``; two graphs
    share an id iff their histograms are equal, the most a sum readout over an L-layer
    message-passing network can distinguish.
    """
    node_ptr = np.asarray(node_ptr, dtype=np.int64)
    return Segments(node_ptr[:-1], np.diff(node_ptr)).multiset_labels(np.asarray(colours, np.int64))


class Segments:
    """Owners 0..K-1, owner k holding items ``index[starts[k]:starts[k] + lengths[k]]``
    (``index`` None: the positions themselves).

    Owners are bucketed by segment length once, so repeated labelling (one per WL round)
    gathers each bucket into a dense (owners, length) matrix without sorting all items.
    """

    def __init__(self, starts: np.ndarray, lengths: np.ndarray, index: np.ndarray | None = None):
        starts = np.asarray(starts, dtype=np.int64)
        lengths = np.asarray(lengths, dtype=np.int64)
        self.num_owners = len(starts)
        by_length = np.argsort(lengths, kind="stable")
        distinct, first = np.unique(lengths[by_length], return_index=True)
        bounds = np.append(first, self.num_owners)
        self.buckets = []
        for k, length in enumerate(distinct):
            members = by_length[bounds[k]:bounds[k + 1]]
            positions = starts[members][:, None] + np.arange(length)
            self.buckets.append((members, positions if index is None else index[positions]))

    def multiset_labels(self, values: np.ndarray, own: np.ndarray | None = None) -> np.ndarray:
        """(K,) int64 ids of ``(own[k], multiset of values[i] over owner k's items i)``.

        ``values`` and ``own`` (K,) are integer arrays (``own`` None: all equal). Owners get
        equal ids iff their own values and value multisets are equal; ids are dense from 0.
        """
        own = np.zeros(self.num_owners, dtype=np.int64) if own is None else own
        labels = np.empty(self.num_owners, dtype=np.int64)
        offset = 0
        for members, positions in self.buckets:
            rows = np.empty((len(members), positions.shape[1] + 1), dtype=np.int64)
            rows[:, 0] = own[members]
            rows[:, 1:] = values[positions]
            rows[:, 1:].sort(axis=1)
            ranks = exact_row_ids(rows)
            labels[members] = offset + ranks
            offset += count_labels(ranks)
        return labels


def exact_row_ids(rows: np.ndarray) -> np.ndarray:
    """Dense ids (0..K-1) of the rows of a 2-d int64 array: equal ids iff equal rows.

    ``rows`` must be integers (or booleans). Rows are grouped by a 64-bit hash; each group
    is checked element-wise against one of its rows, and if any group holds two different
    rows the exact lexicographic ranks are returned instead. Either way the ids are a
    deterministic function of the rows' values (ids ordered by hash value).
    """
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    hashes = _mix(rows.astype(np.uint64)) @ _mix(np.arange(1, rows.shape[1] + 1, dtype=np.uint64))
    order = np.argsort(hashes)
    ordered = hashes[order]
    new_group = np.concatenate([[True], ordered[1:] != ordered[:-1]])
    ids = np.empty(len(rows), dtype=np.int64)
    ids[order] = np.cumsum(new_group) - 1
    representative = order[new_group]
    if (rows == rows[representative[ids]]).all():
        return ids
    return row_ranks(rows)


def row_ranks(rows: np.ndarray) -> np.ndarray:
    """Dense ranks (0..K-1) of the rows of a 2-d array in lexicographic order."""
    if rows.shape[1] == 0:
        return np.zeros(len(rows), dtype=np.int64)
    order = np.lexsort(rows.T[::-1])
    ordered = rows[order]
    new_group = np.concatenate([[False], (ordered[1:] != ordered[:-1]).any(axis=1)])
    ranks = np.empty(len(rows), dtype=np.int64)
    ranks[order] = np.cumsum(new_group)
    return ranks


def count_labels(labels: np.ndarray) -> int:
    """Number of distinct ids in a dense labelling (0 for an empty one)."""
    return int(labels.max()) + 1 if len(labels) else 0


def _mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser (Steele et al. 2014), elementwise on uint64, wrapping mod 2**64."""
    z = values + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))
