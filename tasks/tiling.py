"""Disjoint copies of one template graph, laid out as a `TaskDataset`'s graph arrays."""
from __future__ import annotations

import numpy as np


def tile_template(src: np.ndarray, dst: np.ndarray, num_nodes: int,
                  copies: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``copies`` disjoint copies of the template graph ``(src, dst)`` on ``num_nodes`` nodes.

    Copy c owns global nodes ``c * num_nodes + v`` for template node v; its edges follow the
    template's edge order. Returns ``(node_ptr, edge_ptr, src, dst)``: int64 arrays of
    shapes (copies+1,), (copies+1,), (copies*E,), (copies*E,) with E = len(src). The edge
    arrays are written in place, without a (copies, E) temporary.
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    num_edges = len(src)
    offsets = np.arange(copies, dtype=np.int64)[:, None] * num_nodes
    out_src = np.empty(copies * num_edges, dtype=np.int64)
    out_dst = np.empty(copies * num_edges, dtype=np.int64)
    np.add(offsets, src[None, :], out=out_src.reshape(copies, num_edges))
    np.add(offsets, dst[None, :], out=out_dst.reshape(copies, num_edges))
    node_ptr = np.arange(copies + 1, dtype=np.int64) * num_nodes
    edge_ptr = np.arange(copies + 1, dtype=np.int64) * num_edges
    return node_ptr, edge_ptr, out_src, out_dst
