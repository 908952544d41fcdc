"""A generator-independent oracle for the radius claim of (key, value) lookup tasks.

Works on ``ds.to_networkx(i)`` only. The target holds (query, 0); the label is the value of
the one other node whose key is the query, minus 1. The h-ball of the target is the set of
nodes from which the target is reachable in at most h hops along the edges (what an h-layer
message-passing network at the target can see).
"""
from __future__ import annotations

import networkx as nx
import numpy as np


def ball(graph: nx.DiGraph, hops: int) -> set[int]:
    """Nodes that reach ``graph.graph["target"]`` within ``hops`` edges (edge direction)."""
    return set(nx.single_source_shortest_path_length(graph.reverse(copy=False),
                                                     graph.graph["target"], cutoff=hops))


def solve(graph: nx.DiGraph, nodes: set[int]) -> int | None:
    """The label as read off ``nodes`` alone: the value of the non-target node whose key is
    the target's query, minus 1; None if no such node is in ``nodes``."""
    target = graph.graph["target"]
    query = graph.nodes[target]["x"][0]
    found = [graph.nodes[v]["x"][1] - 1 for v in nodes
             if v != target and graph.nodes[v]["x"][0] == query]
    assert len(found) <= 1, "two nodes carry the query key"
    return found[0] if found else None


def exact_view(graph: nx.DiGraph, nodes: set[int]) -> tuple:
    """The finest description of the view: node ids, their features and the edges among
    them. No label dependence on it means none on any coarser (e.g. isomorphism-invariant)
    view either."""
    features = tuple(sorted((v, graph.nodes[v]["x"]) for v in nodes))
    return graph.graph["target"], features, tuple(sorted(graph.subgraph(nodes).edges))


def feature_view(graph: nx.DiGraph, nodes: set[int]) -> tuple:
    """A coarse description of the view: the multiset of its non-blank feature rows."""
    return tuple(sorted(graph.nodes[v]["x"] for v in nodes if any(graph.nodes[v]["x"])))


def views(ds, examples, hops, describe=exact_view) -> tuple[list, np.ndarray]:
    """``describe`` applied to each example's ball of ``hops[j]`` hops, and the labels."""
    out = []
    for i, h in zip(examples, hops):
        graph = ds.to_networkx(int(i))
        out.append(describe(graph, ball(graph, int(h))))
    return out, ds.y[np.asarray(examples)]


def mutual_information(groups, labels: np.ndarray) -> float:
    """Plug-in mutual information (nats) between hashable ``groups`` and int ``labels``."""
    index: dict = {}
    g = np.array([index.setdefault(v, len(index)) for v in groups])
    _, c = np.unique(labels, return_inverse=True)
    shape = (g.max() + 1, c.max() + 1)
    joint = np.bincount(g * shape[1] + c, minlength=shape[0] * shape[1]).reshape(shape)
    joint = joint / len(labels)
    pg, pc = joint.sum(1, keepdims=True), joint.sum(0, keepdims=True)
    nz = joint > 0
    return float((joint[nz] * np.log(joint[nz] / (pg @ pc)[nz])).sum())


def independence_pvalue(groups, labels: np.ndarray, seed: int = 0,
                        permutations: int = 200) -> float:
    """Permutation-test p-value of "labels are independent of groups", by mutual
    information (valid for sparse tables, unlike a chi-square approximation)."""
    rng = np.random.default_rng(seed)
    observed = mutual_information(groups, labels)
    null = [mutual_information(groups, rng.permutation(labels)) for _ in range(permutations)]
    return (1 + sum(m >= observed - 1e-12 for m in null)) / (1 + permutations)


def label_distribution_equals_prior(groups, labels: np.ndarray, num_classes: int) -> bool:
    """Exactly: within every group the label frequencies equal the overall ones."""
    overall = np.bincount(labels, minlength=num_classes)
    by_group: dict = {}
    for view, label in zip(groups, labels):
        by_group.setdefault(view, []).append(label)
    return all(np.array_equal(np.bincount(members, minlength=num_classes) * len(labels),
                              overall * len(members)) for members in by_group.values())
