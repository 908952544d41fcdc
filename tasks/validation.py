"""Structural checks of a `TaskDataset`'s arrays: what a loaded file must satisfy.

Every check is vectorised (a few passes over each array, O(E + N + M) time, temporaries of
the arrays' length) and raises ``ValueError`` naming the array, the first bad index and the
value found, so a file that is well-formed NumPy but a wrong graph is refused on load.
"""
from __future__ import annotations

import numpy as np

INTEGER_KINDS = "iu"
ID_ARRAYS = ("node_ptr", "edge_ptr", "src", "dst", "graph_id", "target", "split", "radius")


def check_dataset_arrays(ds) -> None:
    """Raise ``ValueError`` unless ``ds`` (a TaskDataset) holds a well-formed set of graphs.

    Checked: id arrays are 1-d integers (int32 or int64 ids; any integer width for
    ``split``/``radius``); ``node_ptr``/``edge_ptr`` start at 0, never decrease and end at
    ``len(x)``/``len(src)``; every edge's ``src``/``dst`` lies in its own graph's node
    range; ``graph_id`` in ``[0, G)``; ``target`` inside its example's graph (node level) or
    -1 (graph level); ``split`` in {0, 1, 2}; labels in ``[0, num_classes)`` or finite
    floats for regression; ``radius`` in ``[0, nodes of the graph)`` and at most the
    task's ``radius`` parameter when it has one.
    """
    for name in ID_ARRAYS:
        array = getattr(ds, name)
        if array.ndim != 1 or array.dtype.kind not in INTEGER_KINDS:
            _fail(ds, name, f"must be a 1-d integer array, got dtype {array.dtype} and shape {array.shape}")
    if ds.x.ndim != 2 or ds.x.dtype.kind not in INTEGER_KINDS + "fb":
        _fail(ds, "x", f"must be a 2-d numeric array, got dtype {ds.x.dtype} and shape {ds.x.shape}")
    if ds.y.ndim != 1 or ds.y.dtype.kind not in INTEGER_KINDS + "f":
        _fail(ds, "y", f"must be a 1-d numeric array, got dtype {ds.y.dtype} and shape {ds.y.shape}")
    _check_pointer(ds, "node_ptr", ds.node_ptr, len(ds.x), "len(x)")
    _check_pointer(ds, "edge_ptr", ds.edge_ptr, len(ds.src), "len(src)")
    if len(ds.edge_ptr) != len(ds.node_ptr):
        _fail(ds, "edge_ptr", f"has {len(ds.edge_ptr)} entries, node_ptr {len(ds.node_ptr)}: "
              "both must have G+1")
    if len(ds.dst) != len(ds.src):
        _fail(ds, "dst", f"has {len(ds.dst)} entries, src {len(ds.src)}: expected equal lengths")
    num_graphs = len(ds.node_ptr) - 1
    for name in ("src", "dst"):
        _check_edges_inside(ds, name, getattr(ds, name))
    m = len(ds.y)
    for name in ("graph_id", "target", "split", "radius"):
        if len(getattr(ds, name)) != m:
            _fail(ds, name, f"has {len(getattr(ds, name))} entries, y {m}: example arrays "
                  "must have equal lengths")
    _first_outside(ds, "graph_id", (ds.graph_id < 0) | (ds.graph_id >= num_graphs), ds.graph_id,
                   lambda i: f"outside [0, {num_graphs})")
    g_lo, g_hi = ds.node_ptr[ds.graph_id], ds.node_ptr[ds.graph_id + 1]
    if ds.level == "node":
        _first_outside(ds, "target", (ds.target < g_lo) | (ds.target >= g_hi), ds.target,
                       lambda i: f"outside its graph {ds.graph_id[i]}'s nodes [{g_lo[i]}, {g_hi[i]})")
    else:
        _first_outside(ds, "target", ds.target != -1, ds.target,
                       lambda i: "is not -1, as graph-level examples need")
    _first_outside(ds, "split", (ds.split < 0) | (ds.split > 2), ds.split,
                   lambda i: "outside {0, 1, 2} (train, val, test)")
    if ds.num_classes is None:
        if ds.y.dtype.kind != "f":
            _fail(ds, "y", f"has dtype {ds.y.dtype}: regression (num_classes null) needs float labels")
        _first_outside(ds, "y", ~np.isfinite(ds.y), ds.y, lambda i: "is not a finite number")
    else:
        if ds.y.dtype.kind not in INTEGER_KINDS:
            _fail(ds, "y", f"has dtype {ds.y.dtype}: classification needs integer labels")
        _first_outside(ds, "y", (ds.y < 0) | (ds.y >= ds.num_classes), ds.y,
                       lambda i: f"outside [0, {ds.num_classes}) (num_classes)")
    high = g_hi - g_lo - 1
    task_radius = ds.params.get("radius") if isinstance(ds.params, dict) else None
    if isinstance(task_radius, int) and not isinstance(task_radius, bool):
        high = np.minimum(high, task_radius)
    _first_outside(ds, "radius", (ds.radius < 0) | (ds.radius > high), ds.radius,
                   lambda i: f"outside [0, {high[i]}] (its graph's nodes - 1, and the "
                             "task's radius parameter)")


def _check_edges_inside(ds, name: str, ids: np.ndarray) -> None:
    """Every edge endpoint in ``ids`` lies in its own graph's node range. Compares each
    graph's least and greatest endpoint (O(G) temporaries, not O(E)), then finds the first
    bad entry inside the first bad graph."""
    if len(ids) == 0:
        return
    counts = np.diff(ds.edge_ptr)
    graphs = np.flatnonzero(counts > 0)
    starts = ds.edge_ptr[graphs]
    lo, hi = ds.node_ptr[graphs], ds.node_ptr[graphs + 1]
    bad = (np.minimum.reduceat(ids, starts) < lo) | (np.maximum.reduceat(ids, starts) >= hi)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        segment = ids[starts[k]:starts[k] + counts[graphs[k]]]
        i = int(starts[k]) + int(np.flatnonzero((segment < lo[k]) | (segment >= hi[k]))[0])
        _fail(ds, name, f"entry {i} is {ids[i].item()!r}, outside its graph {graphs[k]}'s "
              f"nodes [{lo[k]}, {hi[k]})")


def _check_pointer(ds, name: str, ptr: np.ndarray, end: int, end_name: str) -> None:
    if len(ptr) == 0 or ptr[0] != 0:
        _fail(ds, name, "must start at 0 (G+1 entries)")
    _first_outside(ds, name, np.diff(ptr) < 0, ptr[1:], lambda i: f"is below entry {i} "
                   f"({ptr[i]}): expected non-decreasing", offset=1)
    if ptr[-1] != end:
        _fail(ds, name, f"ends at {ptr[-1]}: expected {end_name} = {end}")


def _first_outside(ds, name: str, bad: np.ndarray, values: np.ndarray, why, offset: int = 0) -> None:
    """Fail naming the first index where ``bad`` holds, its value and ``why(index)``."""
    hits = np.flatnonzero(bad)
    if len(hits):
        i = int(hits[0])
        _fail(ds, name, f"entry {i + offset} is {values[i].item()!r}, {why(i)}")


def _fail(ds, name: str, message: str) -> None:
    raise ValueError(f"invalid dataset {ds.name!r}: array {name} {message}")
