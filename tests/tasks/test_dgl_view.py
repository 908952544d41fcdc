import numpy as np
import torch

from depthlab.tasks.dgl_view import example_batch
from depthlab.tasks.quiet_dgl import dgl


def test_example_graph_marks_the_target(tiny_dataset):
    graph, label = tiny_dataset[1]
    assert graph.num_nodes() == 2 and graph.edges()[0].tolist() == [1]
    assert graph.ndata["target"].tolist() == [True, False]
    assert label.item() == 0


def test_batch_equals_dgl_batch_of_single_graphs(tiny_dataset):
    order = np.array([2, 0])
    batch = example_batch(tiny_dataset, order)
    singles = dgl.batch([tiny_dataset[int(i)][0] for i in sorted(order)])
    assert torch.equal(batch.graph.edges()[0], singles.edges()[0])
    assert torch.equal(batch.graph.edges()[1], singles.edges()[1])
    assert torch.equal(batch.graph.ndata["x"], singles.ndata["x"])
    assert batch.graph.batch_num_nodes().tolist() == singles.batch_num_nodes().tolist()
    assert batch.graph.batch_num_edges().tolist() == singles.batch_num_edges().tolist()
    # graphs are ordered by id (0 then 2); example 2's target is node 0 of graph 2 -> id 3
    assert batch.readout.tolist() == [3, 0] and batch.labels.tolist() == [2, 1]


def test_graph_level_readout_is_the_graph_position(tiny_graph_dataset):
    batch = example_batch(tiny_graph_dataset, np.array([2, 1]))
    assert batch.readout.tolist() == [1, 0] and batch.level == "graph"
