"""grid-chain: long-range transport (and selection) on a lattice, node level.

Each example is a ``height`` x ``width`` grid (4-neighbour lattice, both directions of every
edge stored; node id = row * width + col; height 1 is a chain). The target holds
(query, 0); ``sources`` nodes, all at shortest-path distance exactly ``radius`` from the
target, hold (key, value) with keys a random permutation of 1..sources and values iid
uniform in 1..classes; every other node holds (0, 0). The query is uniform among the keys;
the label is the matching source's value minus 1 (``classes`` classes). x (N, 2) int64.

The target is uniform among the nodes that have at least ``sources`` nodes at distance
``radius``, the sources uniform without replacement among those nodes. ``width`` defaults to
the smallest feasible one: radius+1 for one source on a chain, 2*radius+1 for two, in
general the least width at which some node of a ``height``-row grid has ``sources`` nodes at
distance ``radius`` (see :func:`feasible_width`).

Shortcuts (``shortcut_p`` > 0): every node independently, with probability ``shortcut_p``,
gets an undirected edge to a uniformly random other node of its graph (dropped when it
duplicates a lattice edge or another shortcut). An example's radius is then the shortest-
path distance from its target to its matching source, which may be below ``radius``.
Without shortcuts every radius is ``radius``. The same seed gives the same targets,
sources, values, queries and split for every ``shortcut_p``, and nested shortcut sets as
``shortcut_p`` grows. Edges are sorted by (src, dst) within each graph.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from depthlab.tasks.bfs import hop_distances
from depthlab.tasks.params import Param
from depthlab.tasks.registry import Generated, TaskSpec, register
from depthlab.tasks.splits import check_fractions, fraction_params, stratified_split
from depthlab.tasks.tiling import tile_template

NAME = "grid-chain"

PARAMS = (
    Param("radius", "int", 4, "shortest-path distance from the target to every source",
          low=1),
    Param("height", "int", 1, "grid rows (1: a chain)", low=1),
    Param("width", "int", None, "grid columns; default: the smallest width at which some "
          "node has `sources` nodes at distance `radius`", low=1),
    Param("sources", "int", 1, "number of (key, value) nodes at distance radius", low=1),
    Param("shortcut_p", "float", 0.0, "per-node probability of one random long edge",
          low=0, high=1),
    Param("num_examples", "int", 1000, "number of examples (one graph each)", low=1),
    Param("classes", "int", 4, "number of distinct values, hence of classes", low=2),
    *fraction_params(0.8, 0.1, "each label's examples"),
)


def _interval(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Number of integers in [lo, hi] (0 when empty)."""
    return np.maximum(0, hi - lo + 1)


def _row_ring(col: np.ndarray, width: int, span: np.ndarray, radius: int) -> np.ndarray:
    """Nodes at distance ``radius`` from column ``col`` that lie 1..span rows to one side.

    A node t rows away (1 <= t <= span <= radius) sits at column offset d = radius - t; it
    exists once for d = 0 and once per side with col + d <= width-1 or col - d >= 0.
    """
    lo = np.maximum(1, radius - span)
    return (_interval(lo, np.minimum(radius - 1, width - 1 - col))
            + _interval(lo, np.minimum(radius - 1, col)) + (span == radius))


def ring_counts(rows: np.ndarray, cols: np.ndarray, height: int, width: int,
                radius: int) -> np.ndarray:
    """For the grid nodes (rows[a], cols[b]), how many grid nodes lie at shortest-path
    (Manhattan) distance exactly ``radius`` >= 1. Returns (len(rows), len(cols)) int64."""
    row = np.asarray(rows, dtype=np.int64)[:, None]
    col = np.asarray(cols, dtype=np.int64)[None, :]
    same_row = (col + radius <= width - 1).astype(np.int64) + (col >= radius)
    return (same_row + _row_ring(col, width, np.minimum(row, radius), radius)
            + _row_ring(col, width, np.minimum(height - 1 - row, radius), radius))


def _candidates(size: int, radius: int) -> np.ndarray:
    """Rows (or columns) among which the ring count of a grid with ``size`` rows (columns)
    peaks, for any fixed column (row).

    Along a column the count is f(min(i, radius)) + f(min(size-1-i, radius)) + const, where
    f(s) adds, per row offset t = 1..s, the nodes at column offset radius - t; these
    increments grow with t for t < radius. So between the breakpoints radius-1, radius,
    size-radius, size-1-radius the count is convex in i and peaks at an end of each piece.
    The same holds along a row (the grid transposed), so the maximum over all nodes is the
    maximum over these candidates in both directions.
    """
    ends = [0, radius - 1, radius, size - radius, size - 1 - radius, size - 1]
    return np.unique(np.clip(ends, 0, size - 1))


def max_ring_count(height: int, width: int, radius: int) -> int:
    """The most nodes at distance ``radius`` that any node of the grid has, in O(1)."""
    return int(ring_counts(_candidates(height, radius), _candidates(width, radius),
                           height, width, radius).max())


def feasible_width(height: int, radius: int, sources: int) -> int | None:
    """The smallest width at which some node has ``sources`` nodes at distance ``radius``,
    or None if no width does. The count only grows with the width and stops growing at
    2*radius + 1, so a binary search over [1, 2*radius + 1] is exact."""
    lo, hi = 1, 2 * radius + 1
    if max_ring_count(height, hi, radius) < sources:
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if max_ring_count(height, mid, radius) >= sources:
            hi = mid
        else:
            lo = mid + 1
    return lo


def grid_width(params: dict[str, Any]) -> int:
    """The width used: ``width`` if given, else :func:`feasible_width` (after `check`)."""
    if params["width"] is not None:
        return params["width"]
    return feasible_width(params["height"], params["radius"], params["sources"])


def check(params: dict[str, Any]) -> None:
    """Reject grids where no node has ``sources`` nodes at distance ``radius`` (naming what
    would be feasible), and train_fraction + val_fraction > 1 or train_fraction = 0."""
    radius, height, width, k = (params[p] for p in ("radius", "height", "width", "sources"))
    check_fractions(params["train_fraction"], params["val_fraction"], params["num_examples"])
    least = feasible_width(height, radius, k)
    if least is None:
        most = max_ring_count(height, 2 * radius + 1, radius)
        raise ValueError(
            f"sources={k} is infeasible for radius={radius}, height={height}: no node of a "
            f"grid with {height} row(s) has more than {most} nodes at distance {radius}, "
            f"whatever the width; use sources <= {most} or a larger height (a node has at "
            f"most 4*radius = {4 * radius} nodes at distance radius)")
    if width is not None and width < least:
        most = max_ring_count(height, width, radius)
        raise ValueError(
            f"width={width} is too small for radius={radius}, height={height}, sources={k}: "
            f"no node has more than {most} nodes at distance {radius}; use width >= {least} "
            f"(or leave width unset) or sources <= {most}")


def template_edges(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """One grid's edges (src, dst), both directions, sorted by (src, dst)."""
    ids = np.arange(height * width, dtype=np.int64).reshape(height, width)
    a = np.concatenate((ids[:, :-1].ravel(), ids[:-1, :].ravel()))
    b = np.concatenate((ids[:, 1:].ravel(), ids[1:, :].ravel()))
    src, dst = np.concatenate((a, b)), np.concatenate((b, a))
    order = np.lexsort((dst, src))
    return src[order], dst[order]


def ring_offsets(height: int, width: int, radius: int) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (d_row, d_col) with |d_row| + |d_col| = radius that fit in the grid."""
    d_row = np.arange(-min(radius, height - 1), min(radius, height - 1) + 1)
    d_col = radius - np.abs(d_row)
    both = d_col > 0
    d_row, d_col = np.concatenate((d_row, d_row[both])), np.concatenate((d_col, -d_col[both]))
    fits = np.abs(d_col) <= width - 1
    return d_row[fits], d_col[fits]


def estimate_bytes(params: dict[str, Any]) -> int:
    """Bytes held while generating, from closed forms (nothing allocated): the saved
    arrays, the source draw, and with shortcuts the edge insertion copy and the search's
    adjacency (expected shortcut count + 10%)."""
    height, width, m = params["height"], grid_width(params), params["num_examples"]
    nodes = m * height * width
    edges = m * 2 * (height * (width - 1) + width * (height - 1))
    offsets = 4 * min(params["radius"], height - 1) + 2
    total = nodes * 16 + edges * 16 + (m + 1) * 16 + m * 33
    total += m * offsets * 32 + m * params["sources"] * 24
    if params["shortcut_p"] > 0:
        edges += int(2.2 * nodes * params["shortcut_p"])
        total += nodes * 16 + edges * 16 + edges * 9 + nodes * 24
    return total


def _shortcuts(m: int, height: int, width: int, p: float,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Shortcut edges (both directions, global ids) sorted by (src, dst), without lattice
    edges or repeats: node u gets one with probability p, to a uniform other node."""
    n = height * width
    chosen = rng.random(m * n) < p
    partner = rng.integers(0, n - 1, size=m * n)
    u = np.flatnonzero(chosen)
    u_local = u % n
    v_local = partner[u] + (partner[u] >= u_local)
    lattice = (np.abs(u_local // width - v_local // width)
               + np.abs(u_local % width - v_local % width)) == 1
    u, v = u[~lattice], (u - u_local + v_local)[~lattice]
    src, dst = np.concatenate((u, v)), np.concatenate((v, u))
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    first = np.ones(len(src), dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    return src[first], dst[first]


def _insertion_points(template: tuple[np.ndarray, np.ndarray], n: int, new_src: np.ndarray,
                      new_dst: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Where sorted edges ``new`` go among the tiled, per-graph sorted template edges (for
    ``np.insert``), and the resulting ``edge_ptr``."""
    keys = template[0] * n + template[1]
    graph = new_src // n
    position = graph * len(keys) + np.searchsorted(keys, (new_src % n) * n + new_dst % n)
    edge_ptr = np.arange(m + 1, dtype=np.int64) * len(keys)
    edge_ptr[1:] += np.cumsum(np.bincount(graph, minlength=m))
    return position, edge_ptr


def generate(params: dict[str, Any], rng: np.random.Generator) -> Generated:
    """Build the dataset described in the module docstring from ``rng``."""
    radius, height, k, m = (params[p] for p in ("radius", "height", "sources", "num_examples"))
    width = grid_width(params)
    n = height * width
    counts = ring_counts(np.arange(height), np.arange(width), height, width, radius).ravel()
    eligible = np.flatnonzero(counts >= k)
    target = eligible[rng.integers(len(eligible), size=m)]

    d_row, d_col = ring_offsets(height, width, radius)
    rows = target[:, None] // width + d_row
    cols = target[:, None] % width + d_col
    draw = rng.random(rows.shape)
    draw[(rows < 0) | (rows >= height) | (cols < 0) | (cols >= width)] = 2.0
    pick = np.argsort(draw, axis=1, kind="stable")[:, :k]
    example = np.arange(m)[:, None]
    source = rows[example, pick] * width + cols[example, pick]
    values = rng.integers(1, params["classes"] + 1, size=(m, k))
    query = rng.integers(1, k + 1, size=m)
    y = values[np.arange(m), query - 1] - 1
    split = stratified_split(y, params["train_fraction"], params["val_fraction"], rng)

    x = np.zeros((m, n, 2), dtype=np.int64)
    x[np.arange(m), target, 0] = query
    x[example, source, 0] = np.arange(1, k + 1)
    x[example, source, 1] = values

    template = template_edges(height, width)
    node_ptr, edge_ptr, src, dst = tile_template(*template, n, m)
    example_radius = np.full(m, radius, dtype=np.int64)
    if params["shortcut_p"] > 0:
        new_src, new_dst = _shortcuts(m, height, width, params["shortcut_p"], rng)
        position, edge_ptr = _insertion_points(template, n, new_src, new_dst, m)
        src = np.insert(src, position, new_src)
        dst = np.insert(dst, position, new_dst)
        dist = hop_distances(src, dst, m * n, node_ptr[:-1] + target, max_hops=radius)
        example_radius = dist[node_ptr[:-1] + source[np.arange(m), query - 1]]
    return Generated(level="node", num_classes=params["classes"], arrays={
        "node_ptr": node_ptr, "edge_ptr": edge_ptr, "src": src, "dst": dst,
        "x": x.reshape(m * n, 2),
        "graph_id": np.arange(m, dtype=np.int64),
        "target": node_ptr[:-1] + target,
        "y": y,
        "split": split,
        "radius": example_radius,
    })


SPEC = register(TaskSpec(
    name=NAME,
    summary="carry the value of the source whose key the target asks for over radius hops "
            "of a grid or chain, optionally with small-world shortcuts",
    params=PARAMS, generate=generate, estimate_bytes=estimate_bytes, check=check,
    radius="= radius (with shortcut_p > 0, per example: the recomputed distance <= radius)",
))
