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

from depthlab.tasks.splits import stratified_split
from depthlab.tasks.tree_neighbors_match import num_permutations, sample_permutations


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
    from depthlab.tasks.grid_chain import grid_width

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


def _undirected_arrays(graphs: list[nx.Graph]) -> dict[str, np.ndarray]:
    """Graph arrays of undirected networkx graphs on nodes 0..n_g-1: both directions,
    sorted by (src, dst)."""
    sizes = [g.number_of_nodes() for g in graphs]
    node_ptr = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    edges = [np.array(sorted(g.to_directed().edges), dtype=np.int64).reshape(-1, 2) + offset
             for offset, g in zip(node_ptr, graphs)]
    return {"node_ptr": node_ptr,
            "edge_ptr": np.concatenate(([0], np.cumsum([len(e) for e in edges]))).astype(np.int64),
            "src": np.concatenate([e[:, 0] for e in edges]),
            "dst": np.concatenate([e[:, 1] for e in edges])}


def motif_count(params: dict[str, Any], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One ``gnp_random_graph`` / ``random_regular_graph`` per graph; per-node counts with
    ``nx.triangles`` for triangles, otherwise by enumerating (induced) subgraph
    isomorphisms with ``GraphMatcher``, divided by the pattern's automorphisms."""
    from networkx.algorithms.isomorphism import GraphMatcher

    from depthlab.tasks.motif_count import examples
    from depthlab.tasks.motifs import PATTERNS

    n, pattern = params["n"], nx.Graph(PATTERNS[params["pattern"]])
    automorphisms = sum(1 for _ in GraphMatcher(pattern, pattern).isomorphisms_iter())
    graphs, per_node = [], np.zeros((params["num_graphs"], n), dtype=np.int64)
    for index in range(params["num_graphs"]):
        if params["family"] == "er":
            g = nx.gnp_random_graph(n, params["p"], seed=rng)
        else:
            g = nx.random_regular_graph(params["degree"], n, seed=rng)
        if params["pattern"] == "triangle":
            per_node[index] = [nx.triangles(g, v) for v in range(n)]
        else:
            matcher = GraphMatcher(g, pattern)
            copies = (matcher.subgraph_isomorphisms_iter() if params["induced"]
                      else matcher.subgraph_monomorphisms_iter())
            for mapping in copies:
                per_node[index, list(mapping)] += 1
            per_node[index] //= automorphisms
        graphs.append(g)
    arrays = _undirected_arrays(graphs)
    arrays["x"] = np.zeros((n * len(graphs), 1), dtype=np.int64)
    arrays.update(examples(per_node, params, rng)[0])
    return arrays


def csbm(params: dict[str, Any], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One ``nx.stochastic_block_model`` per graph, its block-ordered nodes relabelled by a
    random class permutation; features and split as the task draws them."""
    from depthlab.tasks.csbm import class_means, class_sizes

    n, classes = params["n"], params["classes"]
    sizes = class_sizes(n, classes).tolist()
    probs = np.full((classes, classes), params["p_out"])
    np.fill_diagonal(probs, params["p_in"])
    base = np.repeat(np.arange(classes, dtype=np.int64), sizes)
    graphs, ys = [], []
    for _ in range(params["num_graphs"]):
        y = rng.permutation(base)
        block_graph = nx.stochastic_block_model(sizes, probs.tolist(), seed=rng)
        relabel = dict(enumerate(np.argsort(y, kind="stable").tolist()))
        g = nx.relabel_nodes(block_graph, relabel)
        graphs.append(g)
        ys.append(y)
    arrays = _undirected_arrays(graphs)
    y = np.concatenate(ys)
    x = class_means(classes, params["features"], params["mu"])[y]
    x += rng.standard_normal(x.shape, dtype=np.float32)
    arrays.update(x=x, y=y, graph_id=np.repeat(np.arange(len(graphs), dtype=np.int64), n),
                  target=np.arange(len(y), dtype=np.int64),
                  split=stratified_split(y, params["train_fraction"], params["val_fraction"], rng),
                  radius=np.ones(len(y), dtype=np.int64))
    return arrays
