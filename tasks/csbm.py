"""csbm: node classification in a contextual stochastic block model, the short-range
control for over-smoothing (Deshpande et al. 2018; Baranwal et al. 2021), node level.

Each of ``num_graphs`` independent graphs has ``n`` nodes in ``classes`` balanced classes
(sizes ``n // C`` or ``n // C + 1``, the larger ones first, assigned to node ids by a
uniform random permutation per graph). Every unordered pair of distinct nodes is an edge
independently, with probability ``p_in`` in the same class and ``p_out`` across classes
(``p_in > p_out``: a homophilous graph). Undirected: both directions stored, sorted by
(src, dst). Pairs are drawn block by block, over all graphs at once, as Bernoulli
successes (:mod:`tasks.sparse_bernoulli`): memory O(edges), no per-pair draw.

Features x (N, ``features``) float32: ``x_v = m_{y_v} + z_v``, ``z_v ~ N(0, I)``, with class
means ``m_c = (mu / sqrt(2)) * (e_c - (e_0 + ... + e_{C-1}) / C)`` on the first C axes
(``features >= classes``). Every two means are exactly ``mu`` apart, the means sum to 0, and
``|m_c| = mu * sqrt((C - 1) / (2C))`` (``mu / 2`` for two classes). The features alone give
a Bayes accuracy of Phi(mu / 2) for two classes.

Every node is an example, its label its class (C classes). Split: nodes of all graphs
together, stratified by class, ``train_fraction`` / ``val_fraction``, the rest test.

Required radius: 1 for every example, a convention. No ball determines the label (it is
random given any neighbourhood), and the node's own features already beat chance. Radius
1 is where the graph starts to help: one mean-aggregation step averages about
``n (p_in + (C-1) p_out) / C`` neighbours, shrinking the feature noise, and Baranwal et al.
show that one graph convolution makes the classes linearly separable at a mean separation
smaller by about the square root of the expected degree. Further hops add little and then
over-smooth, which is what this task is for.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from depthlab.tasks.edge_arrays import undirected_edge_arrays
from depthlab.tasks.params import Param
from depthlab.tasks.registry import Generated, TaskSpec, register
from depthlab.tasks.sparse_bernoulli import BATCH_DRAWS, bernoulli_successes
from depthlab.tasks.splits import check_fractions, fraction_params, stratified_split

NAME = "csbm"

PARAMS = (
    Param("n", "int", 1000, "nodes per graph", low=2),
    Param("classes", "int", 2, "number of classes (balanced)", low=2),
    Param("p_in", "float", 0.02, "edge probability within a class", low=0, high=1),
    Param("p_out", "float", 0.005, "edge probability across classes (< p_in)", low=0, high=1),
    Param("mu", "float", 1.0, "distance between any two class means", low=0),
    Param("features", "int", 16, "feature dimension (>= classes)", low=1),
    Param("num_graphs", "int", 1, "independent graphs", low=1),
    *fraction_params(0.6, 0.2, "each class's nodes"),
)


def class_sizes(n: int, classes: int) -> np.ndarray:
    """Balanced class sizes: (classes,) int64, the first ``n % classes`` one larger."""
    return n // classes + (np.arange(classes) < n % classes).astype(np.int64)


def class_means(classes: int, features: int, mu: float) -> np.ndarray:
    """(classes, features) float32 means, pairwise ``mu`` apart (module docstring)."""
    means = np.zeros((classes, features))
    means[:, :classes] = (np.eye(classes) - 1 / classes) * (mu / math.sqrt(2))
    return means.astype(np.float32)


def check(params: dict[str, Any]) -> None:
    """Reject ``p_in <= p_out``, ``features < classes``, ``classes > n`` and fractions with
    train_fraction = 0 or train_fraction + val_fraction > 1."""
    if params["p_in"] <= params["p_out"]:
        raise ValueError(f"p_in={params['p_in']!r}, p_out={params['p_out']!r} are invalid: "
                         "expected p_in > p_out (same-class pairs link more often)")
    if params["features"] < params["classes"]:
        raise ValueError(f"features={params['features']} is invalid with classes="
                         f"{params['classes']}: each class mean needs its own axis, so "
                         f"features >= {params['classes']}")
    if params["classes"] > params["n"]:
        raise ValueError(f"classes={params['classes']} is invalid with n={params['n']}: "
                         f"expected classes <= n")
    check_fractions(params["train_fraction"], params["val_fraction"])


def _block_pairs(params: dict[str, Any]) -> tuple[float, float]:
    """Pairs per graph within classes and across classes."""
    sizes = class_sizes(params["n"], params["classes"]).astype(float)
    within = float((sizes * (sizes - 1) / 2).sum())
    return within, params["n"] * (params["n"] - 1) / 2 - within


def estimate_bytes(params: dict[str, Any]) -> int:
    """Bytes held while generating: the edges (expected count plus six standard
    deviations, about 160 bytes each through sampling, both directions and the sort), one
    sampling batch, and the per-node arrays (features with their noise draw, labels,
    examples)."""
    within, across = _block_pairs(params)
    edges = params["num_graphs"] * (params["p_in"] * within + params["p_out"] * across)
    edges += 6 * math.sqrt(edges) + 1
    nodes = params["num_graphs"] * params["n"]
    per_node = params["features"] * 4 * 2 + 8 * 8
    return int(edges * 160 + BATCH_DRAWS * 16 + nodes * per_node)


def _sample_edges(members: list[np.ndarray], params: dict[str, Any],
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Undirected edges ``(u, v)`` as global node ids, block by block over all graphs.

    ``members[c]``: (G, size_c) global ids of class c's nodes in each graph. A block's pair
    index runs over (graph, pair) with the pair's position within the graph's block
    varying fastest.
    """
    us, vs = [], []
    for a, rows in enumerate(members):
        for b in range(a, len(members)):
            cols = members[b]
            graphs, size_a = rows.shape
            size_b = cols.shape[1]
            if a == b:
                per_graph = size_a * (size_a - 1) // 2
                hits = bernoulli_successes(graphs * per_graph, params["p_in"], rng)
                g, pair = np.divmod(hits, per_graph)
                j = _triangular_row(pair)
                i = pair - j * (j - 1) // 2
            else:
                per_graph = size_a * size_b
                hits = bernoulli_successes(graphs * per_graph, params["p_out"], rng)
                g, pair = np.divmod(hits, per_graph)
                i, j = np.divmod(pair, size_b)
            us.append(rows[g, i])
            vs.append(cols[g, j])
    return np.concatenate(us), np.concatenate(vs)


def _triangular_row(index: np.ndarray) -> np.ndarray:
    """For pair indices ``r = j (j - 1) / 2 + i`` (0 <= i < j), the ``j`` of each."""
    j = np.floor((1 + np.sqrt(1 + 8 * index.astype(np.float64))) / 2).astype(np.int64)
    j -= j * (j - 1) // 2 > index
    j += (j + 1) * j // 2 <= index
    return j


def generate(params: dict[str, Any], rng: np.random.Generator) -> Generated:
    """Build the dataset described in the module docstring from ``rng``."""
    graphs, n, classes = params["num_graphs"], params["n"], params["classes"]
    sizes = class_sizes(n, classes)
    base = np.repeat(np.arange(classes, dtype=np.int64), sizes)
    y = rng.permuted(np.tile(base, (graphs, 1)), axis=1)
    by_class = np.argsort(y, axis=1, kind="stable") + n * np.arange(graphs)[:, None]
    bounds = np.cumsum(sizes)[:-1]
    members = np.split(by_class, bounds, axis=1)

    node_ptr = np.arange(graphs + 1, dtype=np.int64) * n
    src, dst, edge_ptr = undirected_edge_arrays(*_sample_edges(members, params, rng), node_ptr)
    y = y.ravel()
    x = class_means(classes, params["features"], params["mu"])[y]
    x += rng.standard_normal(x.shape, dtype=np.float32)
    return Generated(level="node", num_classes=classes, arrays={
        "node_ptr": node_ptr, "edge_ptr": edge_ptr, "src": src, "dst": dst, "x": x,
        "graph_id": np.repeat(np.arange(graphs, dtype=np.int64), n),
        "target": np.arange(graphs * n, dtype=np.int64),
        "y": y,
        "split": stratified_split(y, params["train_fraction"], params["val_fraction"], rng),
        "radius": np.ones(graphs * n, dtype=np.int64),
    })


SPEC = register(TaskSpec(
    name=NAME,
    summary="classify nodes of a contextual stochastic block model (homophilous edges, "
            "Gaussian features): the short-range control for over-smoothing",
    params=PARAMS, generate=generate, estimate_bytes=estimate_bytes, check=check,
    radius="1 for every example (a convention: no ball determines the label)",
))
