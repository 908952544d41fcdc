"""Per-example networkx generators, written the straightforward way, as speed baselines.

Each function takes the resolved task parameters and a ``numpy.random.Generator`` and
returns the ten ``TaskDataset`` arrays by name: one networkx graph per example, built node
by node, then converted to arrays and concatenated. ``tree_neighbors_match`` draws from the
generator in the same order as the vectorised task, so it returns identical arrays;
``grid_chain`` samples the same distribution in another draw order.
"""
from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np

from tasks.splits import stratified_split
from tasks.tree_neighbors_match import num_permutations, sample_permutations


def _concatenate(graphs: list[nx.DiGraph], targets: list[int], labels: list[int],
                 radii: list[int]) -> dict[str, np.ndarray]:
    """The arrays of a node-level dataset with one example per graph; attribute ``x``."""
    sizes = [g.number_of_nodes() for g in graphs]
    node_ptr = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    src, dst, x, edge_counts = [], [], [], []
    for offset, g in zip(node_ptr, graphs):
        edges = np.array(list(g.edges), dtype=np.int64).reshape(-1, 2)
        src.append(edges[:, 0] + offset)
        dst.append(edges[:, 1] + offset)
        x.append(np.array([g.nodes[v]["x"] for v in range(g.number_of_nodes())], dtype=np.int64))
        edge_counts.append(len(edges))
    return {
        "node_ptr": node_ptr,
        "edge_ptr": np.concatenate(([0], np.cumsum(edge_counts))).astype(np.int64),
        "src": np.concatenate(src), "dst": np.concatenate(dst), "x": np.concatenate(x),
        "graph_id": np.arange(len(graphs), dtype=np.int64),
        "target": node_ptr[:-1] + np.array(targets, dtype=np.int64),
        "y": np.array(labels, dtype=np.int64),
        "radius": np.array(radii, dtype=np.int64),
    }


def tree_neighbors_match(params: dict[str, Any], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One ``nx.DiGraph`` per (permutation, query): balanced tree, child -> parent edges."""
    arity, radius = params["arity"], params["radius"]
    leaves = arity**radius
    tree = nx.balanced_tree(arity, radius)
    n = tree.number_of_nodes()
    perms = sample_permutations(leaves, num_permutations(params), rng)
    graphs, labels = [], []
    for perm in perms:
        for query in range(1, leaves + 1):
            x = [(0, 0)] * n
            x[0] = (query, 0)
            x[n - leaves:] = [(i + 1, int(value)) for i, value in enumerate(perm)]
            g = nx.DiGraph()
            g.add_nodes_from((v, {"x": row}) for v, row in enumerate(x))
            g.add_edges_from((max(e), min(e)) for e in tree.edges)
            if params["self_loops"]:
                g.add_edges_from((v, v) for v in range(n))
            graphs.append(g)
            labels.append(int(perm[query - 1]) - 1)
    arrays = _concatenate(graphs, [0] * len(graphs), labels, [radius] * len(graphs))
    arrays["split"] = stratified_split(arrays["y"], params["train_fraction"], 0.0, rng)
    return arrays


def grid_chain(params: dict[str, Any], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One relabelled ``nx.grid_2d_graph`` per example, sources found by BFS from the target."""
    from tasks.grid_chain import grid_width

    height, width, radius, k = (params["height"], grid_width(params), params["radius"],
                                params["sources"])
    template = nx.convert_node_labels_to_integers(nx.grid_2d_graph(height, width),
                                                  ordering="sorted")
    rings = {v: [u for u, d in nx.single_source_shortest_path_length(
        template, v, cutoff=radius).items() if d == radius] for v in template}
    eligible = [v for v, ring in rings.items() if len(ring) >= k]
    graphs, targets, labels, radii = [], [], [], []
    for _ in range(params["num_examples"]):
        g = template.copy()
        target = int(rng.choice(eligible))
        sources = rng.choice(rings[target], size=k, replace=False)
        values = rng.integers(1, params["classes"] + 1, size=k)
        query = int(rng.integers(1, k + 1))
        x = [(0, 0)] * g.number_of_nodes()
        x[target] = (query, 0)
        for key, (s, value) in enumerate(zip(sources, values), start=1):
            x[int(s)] = (key, int(value))
        for v in list(g.nodes):
            if rng.random() < params["shortcut_p"]:
                other = int(rng.integers(0, g.number_of_nodes() - 1))
                g.add_edge(v, other + (other >= v))
        directed = nx.DiGraph()
        directed.add_nodes_from((v, {"x": row}) for v, row in enumerate(x))
        directed.add_edges_from(sorted([*g.edges, *((v, u) for u, v in g.edges)]))
        graphs.append(directed)
        targets.append(target)
        labels.append(int(values[query - 1]) - 1)
        radii.append(nx.shortest_path_length(g, target, int(sources[query - 1])))
    arrays = _concatenate(graphs, targets, labels, radii)
    arrays["split"] = stratified_split(arrays["y"], params["train_fraction"],
                                       params["val_fraction"], rng)
    return arrays
