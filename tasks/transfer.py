"""transfer: carry the source's label to the target across a ring, crossed ring, clique-path
(lollipop) or barbell, node level (Di Giovanni et al. 2023, "graph transfer").

Every example is the same graph (``tasks.transfer_graphs``: ``topology`` with target and
source ``distance`` apart); only the label changes. Features x (N, 2) int64 in the
(key, value) layout of the other lookup tasks: the target holds (1, 0), the source
(1, label + 1), every other node (0, 0) — Di Giovanni's encoding (target blank, source
one-hot label, every other node a constant) as categories. Labels are balanced: example i
has class ``i mod classes`` before a seeded shuffle; the split is stratified by label.

Required radius: ``distance`` for every example (the (distance-1)-hop ball of the target
holds no source, the distance-hop ball does). Beside it each example carries, as
``extras``, the effective resistance between target and source
(``theory.resistance.effective_resistance``), the commute time ``2 |E| R`` (|E| undirected
edges), and the source's global node id, so that reports can put accuracy against commute
time at a fixed distance, the comparison Di Giovanni et al. make.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from depthlab.tasks.edge_arrays import undirected_edge_arrays
from depthlab.tasks.params import Param
from depthlab.tasks.registry import Generated, TaskSpec, register
from depthlab.tasks.splits import check_fractions, fraction_params, stratified_split
from depthlab.tasks.tiling import tile_template
from depthlab.tasks.transfer_graphs import (MIN_DISTANCE, TOPOLOGIES, default_clique_size,
                                            num_edges, num_nodes, transfer_graph)

NAME = "transfer"
CLIQUE_TOPOLOGIES = ("clique-path", "barbell")

PARAMS = (
    Param("topology", "str", "ring", "graph joining target and source", choices=TOPOLOGIES),
    Param("distance", "int", 4, "shortest-path distance from the target to the source "
          "(ring, crossed-ring, clique-path: >= 2; barbell: >= 3)", low=2, high=100_000),
    Param("clique_size", "int", None, "nodes per clique (clique-path, barbell); default: "
          "max(3, distance - 1), a clique as large as the path", low=3, high=100_000),
    Param("num_examples", "int", 1000, "number of examples (one graph each)", low=1),
    Param("classes", "int", 5, "number of labels the source can hold", low=2, high=1_000_000),
    *fraction_params(0.8, 0.1, "each label's examples"),
)


def clique_size(params: dict[str, Any]) -> int:
    """The clique size used: ``clique_size`` if given, else :func:`default_clique_size`."""
    given = params["clique_size"]
    return default_clique_size(params["distance"]) if given is None else given


def check(params: dict[str, Any]) -> None:
    """Reject a distance below the topology's minimum, a clique size on a topology without
    cliques, and train_fraction + val_fraction > 1 or train_fraction = 0."""
    topology, distance = params["topology"], params["distance"]
    check_fractions(params["train_fraction"], params["val_fraction"])
    if distance < MIN_DISTANCE[topology]:
        raise ValueError(f"distance={distance} is out of range for topology={topology!r}: "
                         f"expected an int >= {MIN_DISTANCE[topology]}")
    if params["clique_size"] is not None and topology not in CLIQUE_TOPOLOGIES:
        raise ValueError(f"clique_size={params['clique_size']} is invalid for "
                         f"topology={topology!r}: only {' and '.join(CLIQUE_TOPOLOGIES)} have cliques")


def estimate_bytes(params: dict[str, Any]) -> int:
    """Bytes held while generating, from closed forms: the saved arrays (graph arrays,
    example arrays, three extras) and the resistance solve on one graph (dense up to
    ``theory.resistance.DENSE_LIMIT`` nodes)."""
    topology, distance, m = params["topology"], params["distance"], params["num_examples"]
    n = num_nodes(topology, distance, clique_size(params))
    edges = 2 * num_edges(topology, distance, clique_size(params))
    from depthlab.theory.resistance import DENSE_LIMIT

    dense = min(n, DENSE_LIMIT)    # beyond it the resistance solve is a sparse LU
    return m * (n * 16 + edges * 16 + 16 + 33 + 24) + 16 + 3 * dense * dense * 8


def generate(params: dict[str, Any], rng: np.random.Generator) -> Generated:
    """Build the dataset described in the module docstring from ``rng``."""
    from depthlab.theory.resistance import effective_resistance

    m, classes = params["num_examples"], params["classes"]
    graph = transfer_graph(params["topology"], params["distance"], clique_size(params))
    n = graph.num_nodes
    template_src, template_dst, _ = undirected_edge_arrays(graph.u, graph.v, np.array([0, n]))
    node_ptr, edge_ptr, src, dst = tile_template(template_src, template_dst, n, m)
    y = rng.permutation(np.arange(m, dtype=np.int64) % classes)
    split = stratified_split(y, params["train_fraction"], params["val_fraction"], rng)

    x = np.zeros((m, n, 2), dtype=np.int64)
    x[:, graph.target, 0] = 1
    x[:, graph.source, 0] = 1
    x[:, graph.source, 1] = y + 1
    resistance = float(effective_resistance(graph.u, graph.v, [[graph.target, graph.source]], n)[0])
    return Generated(level="node", num_classes=classes, arrays={
        "node_ptr": node_ptr, "edge_ptr": edge_ptr, "src": src, "dst": dst,
        "x": x.reshape(m * n, 2),
        "graph_id": np.arange(m, dtype=np.int64),
        "target": node_ptr[:-1] + graph.target,
        "y": y,
        "split": split,
        "radius": np.full(m, params["distance"], dtype=np.int64),
    }, extras={
        "resistance": np.full(m, resistance),
        "commute_time": np.full(m, 2 * len(graph.u) * resistance),
        "source": node_ptr[:-1] + graph.source,
    })


SPEC = register(TaskSpec(
    name=NAME,
    summary="carry the source's label to the target over a ring, crossed ring, clique-path "
            "or barbell at a set distance (Di Giovanni et al. 2023); reports the effective "
            "resistance and commute time between them",
    params=PARAMS, generate=generate, estimate_bytes=estimate_bytes, check=check,
    radius="= distance (every topology); commute time per example in extras",
))
