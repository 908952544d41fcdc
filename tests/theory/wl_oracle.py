"""Test oracles for theory-A: a plain-Python 1-WL refinement and a TaskDataset builder."""
from __future__ import annotations

import numpy as np

from depthlab.tasks.dataset import TaskDataset


def naive_wl(src, dst, x, rounds):
    """Colour refinement with tuples and a dict, one node at a time (in-neighbour multisets).

    Returns a list of colour ids; equal ids iff equal refined colours.
    """
    n = len(x)
    colour = [tuple(np.atleast_1d(row).tolist()) for row in x]
    incoming = [[] for _ in range(n)]
    for s, d in zip(np.asarray(src).tolist(), np.asarray(dst).tolist()):
        incoming[d].append(s)
    ids: dict = {}
    colour = [ids.setdefault(c, len(ids)) for c in colour]
    for _ in range(rounds):
        signature = [(colour[v], tuple(sorted(colour[u] for u in incoming[v]))) for v in range(n)]
        ids = {}
        colour = [ids.setdefault(s, len(ids)) for s in signature]
    return colour


def same_partition(a, b) -> bool:
    """Whether two labellings of the same items induce the same partition."""
    a, b = np.asarray(a), np.asarray(b)
    pairs = np.unique(np.column_stack([a, b]), axis=0)
    return len(pairs) == len(np.unique(a)) == len(np.unique(b))


def dataset_from_graphs(graphs, targets, labels, splits, num_classes, level="node", x=None):
    """A TaskDataset of one example per graph.

    ``graphs``: list of (num_nodes, [(u, v), ...]) with directed edges u -> v; ``targets``
    local target ids (ignored for level "graph"); ``labels`` ints (classes) or floats
    (``num_classes`` None); ``splits`` 0/1/2; ``x`` per-graph feature lists (default zeros).
    """
    sizes = [size for size, _ in graphs]
    node_ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    edge_ptr = np.concatenate([[0], np.cumsum([len(edges) for _, edges in graphs])]).astype(np.int64)
    edges = [np.asarray(e, dtype=np.int64).reshape(-1, 2) + node_ptr[g]
             for g, (_, e) in enumerate(graphs)]
    src = np.concatenate([e[:, 0] for e in edges])
    dst = np.concatenate([e[:, 1] for e in edges])
    features = (np.zeros((node_ptr[-1], 1), dtype=np.int64) if x is None
                else np.concatenate([np.asarray(f, dtype=np.int64).reshape(len(f), -1) for f in x]))
    target = (node_ptr[:-1] + np.asarray(targets, dtype=np.int64) if level == "node"
              else np.full(len(graphs), -1, dtype=np.int64))
    y = (np.asarray(labels, dtype=np.float32) if num_classes is None
         else np.asarray(labels, dtype=np.int64))
    return TaskDataset(name="hand-built", params={}, seed=0, level=level, num_classes=num_classes,
                       node_ptr=node_ptr, edge_ptr=edge_ptr, src=src, dst=dst, x=features,
                       graph_id=np.arange(len(graphs)), target=target, y=y,
                       split=np.asarray(splits, dtype=np.int8), radius=np.ones(len(graphs), np.int64))


def undirected(edges):
    """Both directions of each undirected edge."""
    return [(u, v) for u, v in edges] + [(v, u) for u, v in edges]
