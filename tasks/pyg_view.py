"""PyTorch Geometric view of a `TaskDataset`: one ``torch_geometric.data.Data`` per graph.

Needs the optional extra ``pip install depthlab[pyg]``. Each ``Data`` holds one graph and
the selected examples it carries (node-level tasks can have several per graph, e.g. csbm's
single graph):

    x             (n, F) int64 categorical codes or float32 features
    edge_index    (2, e) int64 local node ids, messages flow edge_index[0] -> edge_index[1]
    y             (k,) int64 classes or float32 targets of the graph's examples
    example_id    (k,) int64 their example indices in the TaskDataset
    target_index  (k,) int64 local id of each example's target node (node-level only)

PyG's batching offsets ``target_index`` by the nodes before it (its name ends in
``index``), so in a mini-batch ``out[batch.target_index]`` are the predictions for
``batch.y``; graph-level models pool per graph (``batch.batch``) and compare with ``y``.
"""
from __future__ import annotations

import numpy as np

from depthlab.tasks.dataset import TaskDataset
from depthlab.tasks.example_groups import examples_by_graph

INSTALL_HINT = "the PyG view needs torch_geometric: pip install 'depthlab[pyg]'"


def to_pyg(ds: TaskDataset, examples=None) -> list:
    """The graphs holding ``examples`` (example indices, e.g. ``ds.get_idx_split()["train"]``;
    default all) as a list of ``Data``, in ascending graph order (module docstring).

    Raises ``ImportError`` naming the extra when torch_geometric is absent, ``ValueError``
    for bad ``examples`` or a graph-level graph holding several examples."""
    try:
        from torch_geometric.data import Data
    except ImportError as error:
        raise ImportError(f"{INSTALL_HINT} ({error})") from None
    import torch

    graph_ids, ordered, bounds = examples_by_graph(ds, examples)
    counts = np.diff(bounds)
    if ds.level == "graph" and (counts > 1).any():
        raise ValueError(f"graph {graph_ids[counts > 1][0]} holds several graph-level examples")
    x = torch.from_numpy(np.ascontiguousarray(ds.x))
    edge_graph = np.repeat(np.arange(ds.num_graphs), np.diff(ds.edge_ptr))
    src = torch.from_numpy((ds.src - ds.node_ptr[edge_graph]).astype(np.int64))
    dst = torch.from_numpy((ds.dst - ds.node_ptr[edge_graph]).astype(np.int64))
    y = torch.from_numpy(ds.y[ordered])
    example_id = torch.from_numpy(ordered)
    local = torch.from_numpy((ds.target[ordered] - ds.node_ptr[ds.graph_id[ordered]]).astype(np.int64))
    out = []
    for k, g in enumerate(graph_ids.tolist()):
        lo, hi = int(ds.node_ptr[g]), int(ds.node_ptr[g + 1])
        e_lo, e_hi = int(ds.edge_ptr[g]), int(ds.edge_ptr[g + 1])
        a, b = int(bounds[k]), int(bounds[k + 1])
        data = Data(x=x[lo:hi], edge_index=torch.stack([src[e_lo:e_hi], dst[e_lo:e_hi]]),
                    y=y[a:b], example_id=example_id[a:b], num_nodes=hi - lo)
        if ds.level == "node":
            data.target_index = local[a:b]
        out.append(data)
    return out
