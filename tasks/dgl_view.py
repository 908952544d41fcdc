"""DGL views of a `TaskDataset`: single examples and batches, cut from its arrays.

Batches are built in one ``dgl.graph`` call from the concatenated arrays, with the batch
sizes set, so they are interchangeable with ``dgl.batch`` of the single graphs (tested).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from depthlab.tasks.dataset import TaskDataset
from depthlab.tasks.ranges import concatenated_ranges
from depthlab.tasks.quiet_dgl import dgl


@dataclass
class ExampleBatch:
    """A batch of examples ready for a model.

    ``graph``: batched DGLGraph of the examples' distinct graphs, ``ndata["x"]`` (N_b, F).
    ``readout``: (B,) int64 — for node-level examples the target's node id in ``graph``,
    for graph-level examples the graph's position in the batch.
    ``labels``: (B,) int64 classes or float32 targets. ``level``: "node" or "graph".
    """

    graph: "dgl.DGLGraph"
    readout: torch.Tensor
    labels: torch.Tensor
    level: str

    def to(self, device: torch.device | str) -> "ExampleBatch":
        """This batch with its graph (and node data) and tensors on ``device``."""
        return ExampleBatch(self.graph.to(device), self.readout.to(device),
                            self.labels.to(device), self.level)


def graphs_to_dgl(ds: TaskDataset, graph_ids: np.ndarray) -> "dgl.DGLGraph":
    """The graphs ``graph_ids`` (in that order) as one batched DGLGraph with ``ndata["x"]``."""
    graph_ids = np.asarray(graph_ids, dtype=np.int64)
    n_lo, n_hi = ds.node_ptr[graph_ids], ds.node_ptr[graph_ids + 1]
    e_lo, e_hi = ds.edge_ptr[graph_ids], ds.edge_ptr[graph_ids + 1]
    num_nodes = (n_hi - n_lo).astype(np.int64)
    num_edges = (e_hi - e_lo).astype(np.int64)
    nodes = concatenated_ranges(n_lo, num_nodes)
    edges = concatenated_ranges(e_lo, num_edges)
    new_start = np.concatenate(([0], np.cumsum(num_nodes)[:-1]))
    shift = np.repeat(new_start - n_lo, num_edges)
    src = torch.from_numpy(ds.src[edges] + shift)
    dst = torch.from_numpy(ds.dst[edges] + shift)
    graph = dgl.graph((src, dst), num_nodes=int(num_nodes.sum()))
    graph.ndata["x"] = torch.from_numpy(np.ascontiguousarray(ds.x[nodes]))
    graph.set_batch_num_nodes(torch.from_numpy(num_nodes))
    graph.set_batch_num_edges(torch.from_numpy(num_edges))
    return graph


def example_batch(ds: TaskDataset, examples: np.ndarray) -> ExampleBatch:
    """The examples ``examples`` as an :class:`ExampleBatch` over their distinct graphs."""
    examples = np.asarray(examples, dtype=np.int64)
    graph_ids, position = np.unique(ds.graph_id[examples], return_inverse=True)
    graph = graphs_to_dgl(ds, graph_ids)
    if ds.level == "node":
        sizes = ds.node_ptr[graph_ids + 1] - ds.node_ptr[graph_ids]
        new_start = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        local = ds.target[examples] - ds.node_ptr[ds.graph_id[examples]]
        readout = new_start[position] + local
    else:
        readout = position
    return ExampleBatch(graph, torch.from_numpy(readout.astype(np.int64)),
                        torch.from_numpy(ds.y[examples]), ds.level)


def example_graph(ds: TaskDataset, i: int):
    """``(graph, label)`` of example ``i``; node-level graphs carry ``ndata["target"]``."""
    graph = graphs_to_dgl(ds, np.array([ds.graph_id[i]]))
    if ds.level == "node":
        mask = torch.zeros(graph.num_nodes(), dtype=torch.bool)
        mask[ds.local_target(i)] = True
        graph.ndata["target"] = mask
    return graph, torch.as_tensor(ds.y[i])
