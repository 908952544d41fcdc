"""Disjoint copies of one template graph, laid out as a `TaskDataset`'s graph arrays."""
from __future__ import annotations

import numpy as np

from depthlab.tasks.dataset import id_dtype


def tile_template(src: np.ndarray, dst: np.ndarray, num_nodes: int, copies: int,
                  compact: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``copies`` disjoint copies of the template graph ``(src, dst)`` on ``num_nodes`` nodes.

    Copy c owns global nodes ``c * num_nodes + v`` for template node v; its edges follow the
    template's edge order. Returns ``(node_ptr, edge_ptr, src, dst)`` of shapes (copies+1,),
    (copies+1,), (copies*E,), (copies*E,) with E = len(src): int64, or with ``compact``
    int32 wherever the largest value fits (``tasks.dataset.id_dtype``), which halves the
    bytes written. The edge arrays are written in place, without a (copies, E) temporary.
    """
    num_edges = len(src)
    node_dtype = id_dtype(copies * num_nodes) if compact else np.dtype(np.int64)
    edge_dtype = id_dtype(copies * num_edges) if compact else np.dtype(np.int64)
    src = np.asarray(src, dtype=node_dtype)
    dst = np.asarray(dst, dtype=node_dtype)
    offsets = np.arange(copies, dtype=node_dtype)[:, None] * node_dtype.type(num_nodes)
    out_src = np.empty(copies * num_edges, dtype=node_dtype)
    out_dst = np.empty(copies * num_edges, dtype=node_dtype)
    np.add(offsets, src[None, :], out=out_src.reshape(copies, num_edges))
    np.add(offsets, dst[None, :], out=out_dst.reshape(copies, num_edges))
    node_ptr = np.arange(copies + 1, dtype=node_dtype) * node_dtype.type(num_nodes)
    edge_ptr = np.arange(copies + 1, dtype=edge_dtype) * edge_dtype.type(num_edges)
    return node_ptr, edge_ptr, out_src, out_dst
