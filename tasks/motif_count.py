"""motif-count: count a small pattern in random graphs (Chen et al. 2020, "Can graph neural
networks count substructures?"), graph or node level.

Graphs: ``num_graphs`` independent graphs on ``n`` nodes, Erdos-Renyi G(n, p) (``family``
"er") or uniform random ``degree``-regular (``family`` "regular"; exact sampler, see
:mod:`tasks.random_graphs`). Undirected: both directions stored, sorted by (src, dst).
Every node has the feature x = [0] (x is (N, 1) int64 zeros): all nodes start with one
colour, so on regular graphs 1-WL refinement never splits them and no message-passing
network can tell nodes or graphs apart at any depth, although their counts differ.

Labels count copies of ``pattern`` (triangle, 4-cycle, 3-star, tailed-triangle,
chordal-cycle, k4), non-induced (subgraphs isomorphic to the pattern) or ``induced``
(node sets inducing the pattern); see :mod:`tasks.motifs`.

* ``level`` "graph": one example per graph (target -1), its count of copies.
  ``level`` "node": every node is an example, its count of copies containing it.
* ``label`` "count": regression, y float32 holding the exact integer count (counts of
  2**24 or more cannot be stored exactly and raise ``ValueError``).
  ``label`` "class": y int64 = min(count, max_count), ``max_count + 1`` classes, the last
  meaning "max_count or more"; ``max_count`` unset uses the largest count in the
  dataset (no clipping; classes between the counts that occur may be empty). Setting
  ``max_count`` with ``label`` "count" is an error.
* Required radius (every example): the pattern's diameter (1 for triangle and k4, 2 for
  the others). A node's count is a function of its ball of that radius (every copy
  containing it lies within the pattern's diameter, with all its edges); a graph's count
  is the sum of its nodes' counts over the pattern's size, so the same radius is used.
  This is a sufficiency claim only: smaller balls can be informative (a node's degree
  bounds its 3-star, 4-cycle and tailed-triangle counts), so the "no information below
  the radius" half of the radius contract does not hold for the radius-2 patterns.
* Split: graph level, stratified by label for classes and a plain shuffle for counts;
  node level, whole graphs are assigned (a plain shuffle of graphs), so test nodes sit in
  graphs never seen in training. ``train_fraction`` / ``val_fraction`` of the examples
  (graph level) or of the graphs (node level), rounded; test gets the rest.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from depthlab.tasks.edge_arrays import undirected_edge_arrays
from depthlab.tasks.motifs import (PATTERN_DIAMETER, PATTERNS, graph_counts, node_counts,
                          working_bytes)
from depthlab.tasks.params import Param
from depthlab.tasks.random_graphs import check_regular, erdos_renyi, random_regular
from depthlab.tasks.registry import Generated, TaskSpec, register
from depthlab.tasks.splits import check_fractions, fraction_params, stratified_split

NAME = "motif-count"
FLOAT32_EXACT = 2**24

PARAMS = (
    Param("family", "str", "er", "random graph family", choices=("er", "regular")),
    Param("num_graphs", "int", 200, "number of graphs", low=1),
    Param("n", "int", 20, "nodes per graph", low=3),
    Param("p", "float", 0.3, "edge probability (family 'er')", low=0, high=1),
    Param("degree", "int", 3, "degree of every node (family 'regular')", low=1),
    Param("pattern", "str", "triangle", "the pattern counted", choices=tuple(PATTERNS)),
    Param("induced", "bool", False, "count induced copies instead of subgraphs"),
    Param("level", "str", "graph", "count per graph or per node (copies containing it)",
          choices=("graph", "node")),
    Param("label", "str", "count", "regression on the count, or classes by count",
          choices=("count", "class")),
    Param("max_count", "int", None, "label 'class' only: counts >= max_count share the "
          "last class; default: the largest count (no clipping)", low=1),
    *fraction_params(0.8, 0.1, "examples (graph level) or graphs (node level)"),
)


def check(params: dict[str, Any]) -> None:
    """Reject impossible or unsampleable regular graphs (n * degree odd, degree >= n, see
    :func:`tasks.random_graphs.check_regular`), ``max_count`` with ``label`` "count", and
    fractions with train_fraction = 0 or train_fraction + val_fraction > 1."""
    if params["family"] == "regular":
        check_regular(params["n"], params["degree"])
    if params["max_count"] is not None and params["label"] == "count":
        raise ValueError(f"max_count={params['max_count']} is invalid with label='count': "
                         "it applies only to label='class'")
    check_fractions(params["train_fraction"], params["val_fraction"])


def estimate_bytes(params: dict[str, Any]) -> int:
    """Bytes held while generating: the dense (G, n, n) adjacency stack, the ER draw, the
    counting workspace, the edge arrays with their sort, and the example arrays."""
    graphs, n = params["num_graphs"], params["n"]
    if params["family"] == "er":
        draw = graphs * n * (n - 1) // 2 * 9
        directed_edges = int(graphs * n * (n - 1) * params["p"])
    else:
        draw = 0
        directed_edges = graphs * n * params["degree"]
    dense = graphs * n * n * 3
    edges = directed_edges * 8 * 6
    examples = graphs * n * 8 * 8
    return draw + dense + working_bytes(graphs, n) + edges + examples


def labels(counts: np.ndarray, params: dict[str, Any]) -> tuple[np.ndarray, int | None]:
    """``(y, num_classes)`` from integer counts, as the module docstring describes."""
    if params["label"] == "count":
        if len(counts) and counts.max() >= FLOAT32_EXACT:
            raise ValueError(
                f"a {params['pattern']} count of {int(counts.max())} is >= 2**24 and cannot "
                "be stored exactly as a float32 label: lower n, p or degree, or use "
                "label='class' with max_count")
        return counts.astype(np.float32), None
    cap = params["max_count"]
    if cap is None:
        cap = int(counts.max()) if len(counts) else 0
    return np.minimum(counts, cap).astype(np.int64), cap + 1


def examples(per_node: np.ndarray, params: dict[str, Any],
             rng: np.random.Generator) -> tuple[dict[str, np.ndarray], int | None]:
    """The example arrays (graph_id, target, y, split, radius) and the class count (None:
    regression) from the (G, n) node counts, for ``params["level"]``; draws the split."""
    graphs, n = per_node.shape
    if params["level"] == "graph":
        y, num_classes = labels(graph_counts(per_node, params["pattern"]), params)
        graph_id = np.arange(graphs, dtype=np.int64)
        target = np.full(graphs, -1, dtype=np.int64)
        split = stratified_split(y, params["train_fraction"], params["val_fraction"], rng)
    else:
        y, num_classes = labels(per_node.ravel(), params)
        graph_id = np.repeat(np.arange(graphs, dtype=np.int64), n)
        target = np.arange(graphs * n, dtype=np.int64)
        graph_split = stratified_split(np.zeros(graphs), params["train_fraction"],
                                       params["val_fraction"], rng)
        split = graph_split[graph_id]
    radius = np.full(len(y), PATTERN_DIAMETER[params["pattern"]], dtype=np.int64)
    return {"graph_id": graph_id, "target": target, "y": y, "split": split,
            "radius": radius}, num_classes


def generate(params: dict[str, Any], rng: np.random.Generator) -> Generated:
    """Build the dataset described in the module docstring from ``rng``."""
    graphs, n = params["num_graphs"], params["n"]
    if params["family"] == "er":
        adj = erdos_renyi(graphs, n, params["p"], rng)
    else:
        adj = random_regular(graphs, n, params["degree"], rng)
    per_node = node_counts(adj, params["pattern"], params["induced"])

    node_ptr = np.arange(graphs + 1, dtype=np.int64) * n
    g, i, j = np.nonzero(np.triu(adj, 1))
    src, dst, edge_ptr = undirected_edge_arrays(g * n + i, g * n + j, node_ptr)
    del adj
    example_arrays, num_classes = examples(per_node, params, rng)
    return Generated(level=params["level"], num_classes=num_classes, arrays={
        "node_ptr": node_ptr, "edge_ptr": edge_ptr, "src": src, "dst": dst,
        "x": np.zeros((graphs * n, 1), dtype=np.int64), **example_arrays,
    })


SPEC = register(TaskSpec(
    name=NAME,
    summary="count triangles, 4-cycles, stars, tailed triangles, diamonds or K4s (induced "
            "or not) per graph or per node in ER or random regular graphs (Chen et al. 2020)",
    params=PARAMS, generate=generate, estimate_bytes=estimate_bytes, check=check,
    radius="the pattern diameter (triangle, k4: 1; the others: 2)",
))
