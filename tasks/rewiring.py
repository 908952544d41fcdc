"""Rewiring as a task transform: a dataset in, a rewired dataset in the same format out.

``rewire(ds, "sdrf" | "fosr" | "gtr", **params)`` rewires every graph of ``ds`` (treated as
undirected and simple: self-loops and edge directions ignored for the choice of edges) with

- ``sdrf``: Topping et al. 2022, curvature-driven (``tasks.rewire_sdrf``);
- ``fosr``: Karhadkar et al. 2023, first-order spectral gap (``tasks.rewire_fosr``);
- ``gtr``: Black et al. 2023, greedy total effective resistance (``tasks.rewire_gtr``).

Every added edge joins two nodes of one graph and is stored in both directions; a removed
edge loses both directions. Rewiring is defined for the lookup tasks (``REWIRABLE``), whose
labels are read from one source node's features and do not depend on the edges; their
required radius changes with the graph, so each example's radius is *recomputed*: the
fewest hops a message needs from the example's source to its target along the new edges
(``tasks.bfs``). The source is ``extras["source"]`` when the task stores it, else the node
of the target's graph whose key (feature 0) equals the target's query and whose value
(feature 1) is set.

The result keeps name, params, seed, features, labels and split, and records what changed:
extras ``rewire_added`` / ``rewire_removed`` (K, 2) global edges (u < v, sorted: the net
change; an edge added and later removed appears in neither); per example
``radius_before``, ``resistance`` / ``resistance_before`` (effective resistance between
source and target) and ``commute_time`` / ``commute_time_before`` (2 |E| R); per graph
``curvature_min_before`` / ``curvature_min_after`` (least Balanced Forman curvature, NaN
without edges); and ``info["transforms"]``, a list with one summary per rewiring applied
(counts, least and mean curvature, share of negatively curved edges, mean radius and
resistance, before and after).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from depthlab.tasks.bfs import hop_distances
from depthlab.tasks.dataset import TaskDataset
from depthlab.tasks.dense_graphs import graph_of_nodes
from depthlab.tasks.params import Param, validate

REWIRABLE = ("tree-neighbors-match", "grid-chain", "transfer")
CURVATURE_TOLERANCE = 1e-9
_ITERATIONS = Param("iterations", "int", 10, "edges added per graph (one per round)", low=0,
                    high=10_000)
METHOD_PARAMS: dict[str, tuple[Param, ...]] = {
    "sdrf": (_ITERATIONS,
             Param("c_plus", "float", None, "remove the most curved edge of a graph when its "
                   "curvature exceeds this (default: never remove)", low=-2, high=2)),
    "fosr": (_ITERATIONS,
             Param("power_iterations", "int", 50, "power steps before the first addition",
                   low=1, high=10_000),
             Param("seed", "int", 0, "seed of the power iteration's random start", low=0)),
    "gtr": (_ITERATIONS,),
}
METHODS = tuple(METHOD_PARAMS)


def resolve_transform(transform: dict[str, Any]) -> dict[str, Any]:
    """``{"name": method, **params}`` checked and completed with defaults. Raises
    ``ValueError`` naming an unknown method (listing the choices) or a bad parameter."""
    if not isinstance(transform, dict) or "name" not in transform:
        raise ValueError(f"transform={transform!r} is invalid: expected a table with a name, "
                         f"one of {', '.join(METHODS)}")
    name = transform["name"]
    if name not in METHOD_PARAMS:
        raise ValueError(f"transform name={name!r} is invalid: expected one of {', '.join(METHODS)}")
    given = {k: v for k, v in transform.items() if k != "name"}
    return {"name": name, **validate(f"transform {name}", METHOD_PARAMS[name], given)}


def transformed(ds: TaskDataset, transform: dict[str, Any] | None) -> TaskDataset:
    """``ds`` rewired as ``transform`` (``{"name": method, **params}``) says; ``ds`` itself
    when ``transform`` is None."""
    if transform is None:
        return ds
    params = {k: v for k, v in transform.items() if k != "name"}
    return rewire(ds, transform.get("name"), **params)


def rewire(ds: TaskDataset, method: str, **params: Any) -> TaskDataset:
    """``ds`` rewired by ``method`` with ``params`` (see ``METHOD_PARAMS``; module
    docstring for what is recorded). Deterministic. Raises ``ValueError`` for a bad method
    or parameter, a task outside ``REWIRABLE``, or (gtr) a disconnected graph."""
    resolved = resolve_transform({"name": method, **params})
    if ds.name not in REWIRABLE:
        raise ValueError(f"cannot rewire task {ds.name!r}: rewiring is defined for the lookup "
                         f"tasks {', '.join(REWIRABLE)}, whose labels do not depend on the edges")
    source = example_sources(ds)
    num_nodes = ds.num_nodes
    keys = undirected_keys(ds.src, ds.dst, num_nodes)
    if method == "gtr":
        _require_connected(keys, ds.node_ptr)
    options = {k: v for k, v in resolved.items() if k not in ("name", "iterations", "seed")}
    if method == "sdrf":
        from depthlab.tasks.rewire_sdrf import sdrf
        new_keys = sdrf(keys, ds.node_ptr, resolved["iterations"], **options)[0]
    elif method == "fosr":
        from depthlab.tasks.rewire_fosr import fosr
        rng = np.random.default_rng(resolved["seed"])
        new_keys = fosr(keys, ds.node_ptr, resolved["iterations"], rng, **options)[0]
    else:
        from depthlab.tasks.rewire_gtr import gtr
        new_keys = gtr(keys, ds.node_ptr, resolved["iterations"])[0]
    added, removed = _pairs(np.setdiff1d(new_keys, keys), num_nodes), _pairs(np.setdiff1d(keys, new_keys), num_nodes)
    src, dst, edge_ptr = _apply(ds, added, removed)
    radius = hop_distances(dst, src, num_nodes, ds.target)[source]
    before, after = _measures(ds, keys, source), _measures(ds, new_keys, source)
    extras = {**ds.extras, "source": source, "radius_before": ds.radius.copy(),
              "rewire_added": added, "rewire_removed": removed,
              "resistance_before": before["resistance"], "resistance": after["resistance"],
              "commute_time_before": before["commute_time"], "commute_time": after["commute_time"],
              "curvature_min_before": before["curvature_min"],
              "curvature_min_after": after["curvature_min"]}
    record = {**resolved, "edges_added": len(added), "edges_removed": len(removed),
              "curvature_min_before": _nanmin(before["curvature_min"]),
              "curvature_min_after": _nanmin(after["curvature_min"]),
              "curvature_mean_before": before["curvature_mean"],
              "curvature_mean_after": after["curvature_mean"],
              "negative_edges_before": before["curvature_negative"],
              "negative_edges_after": after["curvature_negative"],
              "radius_mean_before": float(ds.radius.mean()) if len(ds) else None,
              "radius_mean_after": float(radius.mean()) if len(ds) else None,
              "radius_max_after": int(radius.max()) if len(ds) else None,
              "resistance_mean_before": float(np.mean(before["resistance"])) if len(ds) else None,
              "resistance_mean_after": float(np.mean(after["resistance"])) if len(ds) else None}
    info = {**ds.info, "transforms": [*ds.info.get("transforms", []), record]}
    return replace(ds, src=src, dst=dst, edge_ptr=edge_ptr, radius=radius.astype(ds.radius.dtype),
                   extras=extras, info=info)


def undirected_keys(src: np.ndarray, dst: np.ndarray, num_nodes: int) -> np.ndarray:
    """Sorted unique ``min * N + max`` of the non-loop edges: the simple undirected graph."""
    src, dst = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    keep = src != dst
    lo, hi = np.minimum(src[keep], dst[keep]), np.maximum(src[keep], dst[keep])
    return np.unique(lo * num_nodes + hi)


def example_sources(ds: TaskDataset) -> np.ndarray:
    """(M,) global id of the node each example's label is read from (module docstring).
    Raises ``ValueError`` unless every example has exactly one such node."""
    if "source" in ds.extras:
        return ds.extras["source"].astype(np.int64)
    if ds.level != "node" or ds.x.shape[1] < 2 or ds.x.dtype.kind not in "iu":
        raise ValueError(f"task {ds.name!r} has no (key, value) features to find the sources in")
    node_graph = graph_of_nodes(ds.node_ptr, np.arange(ds.num_nodes))
    example_of_graph = np.full(ds.num_graphs, -1, dtype=np.int64)
    example_of_graph[ds.graph_id] = np.arange(len(ds))
    owner = example_of_graph[node_graph]
    query = ds.x[ds.target, 0]
    nodes = np.arange(ds.num_nodes)
    match = (owner >= 0) & (ds.x[:, 1] > 0) & (ds.x[:, 0] == query[np.maximum(owner, 0)])
    match &= nodes != ds.target[np.maximum(owner, 0)]
    counts = np.bincount(owner[match], minlength=len(ds))
    if len(np.unique(ds.graph_id)) != len(ds) or (counts != 1).any():
        raise ValueError(f"task {ds.name!r}: every example needs its own graph and exactly one "
                         "node holding the queried key to be rewired")
    source = np.empty(len(ds), dtype=np.int64)
    source[owner[match]] = nodes[match]
    return source


def _pairs(keys: np.ndarray, num_nodes: int) -> np.ndarray:
    return np.stack(np.divmod(keys, num_nodes), axis=1)


def _apply(ds: TaskDataset, added: np.ndarray, removed: np.ndarray):
    """The dataset's directed edges without ``removed`` (both ways) and with ``added`` (both
    ways), sorted by (src, dst); returns ``(src, dst, edge_ptr)`` in the dataset's dtypes
    (codes are formed in int64: N^2 overflows int32 beyond 46,340 nodes)."""
    n = ds.num_nodes
    gone = np.concatenate([removed[:, 0] * n + removed[:, 1], removed[:, 1] * n + removed[:, 0]])
    codes = ds.src.astype(np.int64) * n + ds.dst.astype(np.int64)
    codes = codes[~np.isin(codes, gone)]
    codes = np.sort(np.concatenate([codes, added[:, 0] * n + added[:, 1], added[:, 1] * n + added[:, 0]]))
    src, dst = np.divmod(codes, n)
    edge_ptr = np.searchsorted(src, ds.node_ptr).astype(ds.edge_ptr.dtype)
    return src.astype(ds.src.dtype), dst.astype(ds.dst.dtype), edge_ptr


def _measures(ds: TaskDataset, keys: np.ndarray, source: np.ndarray) -> dict[str, np.ndarray]:
    """Per example: resistance and commute time between target and source; per graph: the
    least curvature (NaN for a graph without edges)."""
    from depthlab.theory.curvature import balanced_forman_curvature
    from depthlab.theory.resistance import resistance_within_graphs

    u, v = np.divmod(keys, ds.num_nodes)
    graph = graph_of_nodes(ds.node_ptr, u)
    curvature = balanced_forman_curvature(u, v, ds.num_nodes)
    least = np.full(ds.num_graphs, np.inf)
    np.minimum.at(least, graph, curvature)
    least[np.isinf(least)] = np.nan
    resistance = resistance_within_graphs(u, v, ds.node_ptr, np.stack([ds.target, source], axis=1))
    edges = np.bincount(graph, minlength=ds.num_graphs)[ds.graph_id]
    return {"curvature_min": least, "curvature_mean": float(curvature.mean()) if len(keys) else None,
            "curvature_negative": float((curvature < -CURVATURE_TOLERANCE).mean()) if len(keys) else None,
            "resistance": resistance, "commute_time": 2 * edges * resistance}


def _require_connected(keys: np.ndarray, node_ptr: np.ndarray) -> None:
    from scipy.sparse.csgraph import connected_components

    from depthlab.theory.graph_input import simple_adjacency

    num_nodes = int(node_ptr[-1])
    count, component = connected_components(
        simple_adjacency(*np.divmod(keys, num_nodes), num_nodes), directed=False)
    if count != len(node_ptr) - 1:
        first = component[node_ptr[:-1]]
        node_graph = graph_of_nodes(node_ptr, np.arange(num_nodes))
        bad = int(node_graph[np.flatnonzero(component != first[node_graph])[0]])
        raise ValueError(f"gtr needs connected graphs: graph {bad} is disconnected")


def _nanmin(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite.min()) if len(finite) else None
