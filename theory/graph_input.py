"""Graph inputs of the theory functions: dataset arrays, edge-list files, adjacency matrices.

Two kinds of input appear in ``theory``:

- message-passing graphs (WL colours, ceilings, receptive fields): directed edges
  ``src -> dst`` over ``N`` nodes with node features ``x``, either a
  :class:`tasks.dataset.TaskDataset` (all its graphs at once, global node ids) or a tuple
  ``(src, dst, x)`` describing one graph (or several, as disjoint components);
- undirected simple graphs (curvature, resistance): an edge list ``(u, v)`` turned into a
  symmetric 0/1 adjacency matrix without self-loops or repeated edges.
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

MAX_ID = 2**63 - 1


def message_graph(data) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(src, dst, x)`` of a TaskDataset or of a ``(src, dst, x)`` tuple, checked.

    ``src``, ``dst`` come back as (E,) int64 and ``x`` as (N, F) (a 1-d ``x`` becomes one
    column). Raises ``ValueError`` if the edge arrays differ in length or name a node
    outside ``[0, N)``, and ``TypeError`` for any other kind of input.
    """
    if all(hasattr(data, name) for name in ("src", "dst", "x")):
        src, dst, x = data.src, data.dst, data.x
    elif isinstance(data, tuple) and len(data) == 3:
        src, dst, x = data
    else:
        raise TypeError(f"expected a TaskDataset or a (src, dst, x) tuple, got {type(data).__name__}")
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    x = np.asarray(x)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise ValueError(f"x must be (N,) or (N, F), got shape {x.shape}")
    check_edges(src, dst, len(x))
    return src, dst, x


def check_edges(src: np.ndarray, dst: np.ndarray, num_nodes: int) -> None:
    """Raise ``ValueError`` unless ``src``/``dst`` are equal-length ids in ``[0, num_nodes)``."""
    if src.shape != dst.shape or src.ndim != 1:
        raise ValueError(f"src and dst must be 1-d of equal length, got {src.shape} and {dst.shape}")
    if len(src) and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= num_nodes):
        raise ValueError(f"edge endpoints must lie in [0, {num_nodes}), got "
                         f"[{min(src.min(), dst.min())}, {max(src.max(), dst.max())}]")


def node_count(src: np.ndarray, dst: np.ndarray, num_nodes: int | None) -> int:
    """``num_nodes``, or one more than the largest endpoint when it is None; edges checked."""
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    if num_nodes is None:
        num_nodes = int(max(src.max(), dst.max())) + 1 if len(src) else 0
    check_edges(src, dst, num_nodes)
    return int(num_nodes)


def compact_ids(u: np.ndarray, v: np.ndarray,
                extra: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """``(ids, u', v', extra')``: the distinct ids of the edges ``u``–``v`` (sorted) and the
    edges (and ``extra`` ids, e.g. query pairs, which must appear in the edges) relabelled
    to 0..n-1, so memory and time grow with the edges, not the largest id. Raises
    ``ValueError`` naming an ``extra`` id that is not an endpoint of any edge."""
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    ids, local = np.unique(np.concatenate([u, v]), return_inverse=True)
    if extra is None:
        return ids, local[:len(u)], local[len(u):], None
    extra = np.asarray(extra, dtype=np.int64)
    at = np.minimum(np.searchsorted(ids, extra), max(len(ids) - 1, 0))
    absent = np.flatnonzero(ids[at] != extra) if len(ids) else np.arange(extra.size)
    if len(absent):
        raise ValueError(f"node {extra.ravel()[absent[0]]} does not appear in the edges")
    return ids, local[:len(u)], local[len(u):], at


def in_adjacency(src: np.ndarray, dst: np.ndarray, num_nodes: int) -> sp.csr_matrix:
    """(N, N) 0/1 CSR matrix P with ``P[w, u] = 1`` iff there is an edge ``u -> w``.

    Row w lists w's in-neighbours, the nodes whose messages w aggregates.
    """
    ones = np.ones(len(src), dtype=np.int8)
    matrix = sp.csr_matrix((ones, (dst, src)), shape=(num_nodes, num_nodes))
    matrix.data[:] = 1
    return matrix


def simple_adjacency(u: np.ndarray, v: np.ndarray, num_nodes: int) -> sp.csr_matrix:
    """Symmetric (N, N) 0/1 int64 CSR adjacency of the undirected simple graph on ``u``–``v``.

    Self-loops are dropped and repeated edges (in either direction) count once. Column
    indices are sorted within each row.
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    keep = u != v
    rows = np.concatenate([u[keep], v[keep]])
    cols = np.concatenate([v[keep], u[keep]])
    matrix = sp.csr_matrix((np.ones(len(rows), dtype=np.int64), (rows, cols)),
                           shape=(num_nodes, num_nodes))
    matrix.sum_duplicates()
    matrix.data[:] = 1
    matrix.sort_indices()
    return matrix


class EdgeList(NamedTuple):
    """Edges read from a file: endpoints ``u``, ``v`` and the 1-based ``line`` of each, (E,)
    int64 in file order."""

    u: np.ndarray
    v: np.ndarray
    line: np.ndarray


def read_edge_list(path) -> EdgeList:
    """Read an undirected edge list: one edge ``u v`` (two integers >= 0) per line.

    Ids may be any integers in ``[0, 2**63)``, gapped or huge: the theory functions
    relabel them (:func:`compact_ids`). Blank lines and lines starting with ``#`` are
    skipped. Raises ``FileNotFoundError`` for
    a missing file and ``ValueError`` naming the file and line for a malformed line or a
    negative id.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"edge list {path} not found")
    rows: list[tuple[int, int, int]] = []
    with open(path) as handle:
        for number, line in enumerate(handle, start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            fields = text.split()
            try:
                if len(fields) != 2:
                    raise ValueError
                a, b = int(fields[0]), int(fields[1])
            except ValueError:
                raise ValueError(f"{path}, line {number}: expected two integers 'u v', "
                                 f"got {text!r}") from None
            if not (0 <= a <= MAX_ID and 0 <= b <= MAX_ID):
                raise ValueError(f"{path}, line {number}: node ids must lie in [0, {MAX_ID}], "
                                 f"got {text!r}")
            rows.append((a, b, number))
    table = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return EdgeList(table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy())
