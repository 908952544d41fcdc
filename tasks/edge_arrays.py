"""Undirected edge lists as the sorted, both-directions arrays a `TaskDataset` stores."""
from __future__ import annotations

import numpy as np


def undirected_edge_arrays(u: np.ndarray, v: np.ndarray,
                           node_ptr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(src, dst, edge_ptr)`` for undirected edges ``{u[i], v[i]}`` given once each.

    ``u``, ``v``: (E,) global node ids (graph g owns ``node_ptr[g]:node_ptr[g+1]``, no edge
    crosses graphs, no loops). Returns ``src``, ``dst`` (2E,) int64 holding both directions,
    sorted by ``(src, dst)`` — hence grouped by graph — and ``edge_ptr`` (G+1,) int64.
    Sorts one int64 key ``src * N + dst``, so N (``node_ptr[-1]``) must be below 3e9.
    """
    num_nodes = int(node_ptr[-1])
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    codes = np.sort(np.concatenate([u * num_nodes + v, v * num_nodes + u]))
    src, dst = np.divmod(codes, num_nodes)
    edge_ptr = np.searchsorted(src, node_ptr).astype(np.int64)
    return src, dst, edge_ptr
