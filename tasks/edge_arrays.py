"""Undirected edge lists as the sorted, both-directions arrays a `TaskDataset` stores."""
from __future__ import annotations

import numpy as np


def undirected_edge_arrays(u: np.ndarray, v: np.ndarray,
                           node_ptr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(src, dst, edge_ptr)`` for undirected edges ``{u[i], v[i]}`` given once each.

    ``u``, ``v``: (E,) global node ids (graph g owns ``node_ptr[g]:node_ptr[g+1]``, no edge
    crosses graphs, no loops). Returns ``src``, ``dst`` (2E,) int64 holding both directions,
    sorted by ``(src, dst)`` — hence grouped by graph — and ``edge_ptr`` (G+1,) int64.
    """
    src = np.concatenate([u, v]).astype(np.int64, copy=False)
    dst = np.concatenate([v, u]).astype(np.int64, copy=False)
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    edge_ptr = np.searchsorted(src, node_ptr).astype(np.int64)
    return src, dst, edge_ptr
