"""`TaskDGLDataset`: a `TaskDataset` as a ``dgl.data.DGLDataset``, one item per graph.

``dgl.dataloading.GraphDataLoader`` batches it unchanged. Item ``i`` is graph
``graph_ids[i]`` (those holding the selected examples, ascending) with ``ndata["x"]``
(n, F), and:

- node-level tasks: the graph alone, its targets in node data: ``ndata["target"]`` (bool)
  marks the target nodes of the selected examples, ``ndata["y"]`` holds their labels
  (0 elsewhere) and ``ndata["example_id"]`` their example indices (-1 elsewhere). In a
  batch, ``logits[g.ndata["target"]]`` are the predictions for ``g.ndata["y"][mask]``;
- graph-level tasks: ``(graph, label)``, DGL's graph-classification convention
  (``example_ids[i]`` is the example).
"""
from __future__ import annotations

import tempfile

import numpy as np
import torch

from depthlab.tasks.dataset import TaskDataset
from depthlab.tasks.dgl_view import graphs_to_dgl
from depthlab.tasks.example_groups import examples_by_graph
from depthlab.tasks.quiet_dgl import dgl


class TaskDGLDataset(dgl.data.DGLDataset):
    """The graphs of ``task`` holding ``examples`` (example indices, e.g.
    ``task.get_idx_split()["train"]``; default all); see the module docstring.

    Raises ``ValueError`` for bad ``examples``, a node that is the target of two selected
    examples, or a graph holding several graph-level examples. Nothing is downloaded or
    written to disk.
    """

    def __init__(self, task: TaskDataset, examples=None) -> None:
        self.task = task
        self.graph_ids, self._ordered, self._bounds = examples_by_graph(task, examples)
        counts = np.diff(self._bounds)
        if task.level == "graph" and (counts > 1).any():
            raise ValueError(f"graph {self.graph_ids[counts > 1][0]} holds several "
                             "graph-level examples")
        targets = task.target[self._ordered]
        if task.level == "node" and len(np.unique(targets)) != len(targets):
            raise ValueError("two selected examples share a target node; select them in "
                             "separate datasets")
        super().__init__(name=task.name, raw_dir=tempfile.gettempdir())

    def process(self) -> None:
        """Nothing to precompute: items are cut from the arrays on demand."""

    @property
    def example_ids(self) -> np.ndarray:
        """(len,) for graph-level tasks: the example of each item."""
        return self._ordered

    def __len__(self) -> int:
        return len(self.graph_ids)

    def __getitem__(self, i: int):
        if not -len(self) <= i < len(self):
            raise IndexError(f"item {i} is out of range for {len(self)} graphs")
        i %= len(self)
        g = int(self.graph_ids[i])
        graph = graphs_to_dgl(self.task, np.array([g]))
        examples = self._ordered[self._bounds[i]:self._bounds[i + 1]]
        if self.task.level == "graph":
            return graph, torch.as_tensor(self.task.y[examples[0]])
        local = torch.from_numpy((self.task.target[examples] - self.task.node_ptr[g]).astype(np.int64))
        n = graph.num_nodes()
        graph.ndata["target"] = torch.zeros(n, dtype=torch.bool).index_fill_(0, local, True)
        labels = torch.from_numpy(self.task.y[examples])
        graph.ndata["y"] = torch.zeros(n, dtype=labels.dtype).index_copy_(0, local, labels)
        graph.ndata["example_id"] = torch.full((n,), -1, dtype=torch.int64).index_copy_(
            0, local, torch.from_numpy(examples))
        return graph
