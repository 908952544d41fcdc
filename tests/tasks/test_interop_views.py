"""OGB split contract, the PyG view and the DGLDataset view of a TaskDataset."""
from __future__ import annotations

import sys

import numpy as np
import pytest
import torch

from depthlab.tasks import make_task
from depthlab.tasks.quiet_dgl import dgl


def small_csbm():
    return make_task("csbm", seed=0, n=40, p_in=0.2, p_out=0.02, features=4)


def test_get_idx_split_follows_ogb(tiny_dataset):
    ds = small_csbm()
    split = ds.get_idx_split()
    assert list(split) == ["train", "valid", "test"]
    assert all(t.dtype == torch.int64 for t in split.values())
    assert torch.equal(split["valid"], torch.from_numpy(ds.split_indices("val")))
    every = torch.cat(list(split.values())).sort().values
    assert torch.equal(every, torch.arange(len(ds)))
    assert tiny_dataset.get_idx_split()["test"].tolist() == [2]


def test_pyg_graphs_carry_their_targets(tiny_dataset):
    pytest.importorskip("torch_geometric")
    data = tiny_dataset.to_pyg()
    assert len(data) == 3
    assert data[2].edge_index.tolist() == [[1, 2, 3], [0, 1, 2]]
    assert data[1].x.tolist() == tiny_dataset.x[3:5].tolist()
    assert [d.target_index.tolist() for d in data] == [[0], [0], [0]]
    assert [d.y.tolist() for d in data] == [[1], [0], [2]]
    assert data[2].example_id.tolist() == [2]
    train = tiny_dataset.to_pyg(tiny_dataset.get_idx_split()["train"])
    assert [d.example_id.tolist() for d in train] == [[0], [1]]


def test_pyg_loader_offsets_target_index():
    pytest.importorskip("torch_geometric")
    from torch_geometric.loader import DataLoader

    ds = make_task("tree-neighbors-match", seed=0, radius=2)
    test = ds.get_idx_split()["test"]
    batch = next(iter(DataLoader(ds.to_pyg(test), batch_size=len(test))))
    order = batch.example_id.numpy()
    assert sorted(order.tolist()) == test.tolist()
    assert torch.equal(batch.x[batch.target_index], torch.from_numpy(ds.x[ds.target[order]]))
    assert torch.equal(batch.y, torch.from_numpy(ds.y[order]))


def test_pyg_one_graph_many_targets_and_graph_level():
    pytest.importorskip("torch_geometric")
    ds = small_csbm()
    train = ds.get_idx_split()["train"]
    (graph,) = ds.to_pyg(train)
    assert graph.num_nodes == 40 and torch.equal(graph.example_id, train)
    assert torch.equal(graph.target_index, torch.from_numpy(ds.target[train.numpy()]))
    counts = make_task("motif-count", seed=0, num_graphs=6, n=8)
    data = counts.to_pyg()
    assert len(data) == 6 and "target_index" not in data[0]
    assert data[0].y.dtype == torch.float32


def test_pyg_absent_names_the_extra(tiny_dataset, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch_geometric.data", None)
    with pytest.raises(ImportError, match=r"depthlab\[pyg\]"):
        tiny_dataset.to_pyg()


def test_bad_example_indices_are_named(tiny_dataset):
    from depthlab.tasks.example_groups import examples_by_graph

    with pytest.raises(ValueError, match=r"must lie in \[0, 3\)"):
        examples_by_graph(tiny_dataset, [0, 3])
    with pytest.raises(ValueError, match="repeated"):
        examples_by_graph(tiny_dataset, [1, 1])


def test_dgl_dataset_batches_with_graph_data_loader():
    from dgl.dataloading import GraphDataLoader

    ds = make_task("tree-neighbors-match", seed=0, radius=2)
    view = ds.to_dgl_dataset(ds.get_idx_split()["train"])
    assert isinstance(view, dgl.data.DGLDataset) and len(view) == len(ds.split_indices("train"))
    batch = next(iter(GraphDataLoader(view, batch_size=8)))
    mask = batch.ndata["target"]
    ids = batch.ndata["example_id"][mask].numpy()
    assert mask.sum() == 8 and batch.batch_size == 8
    assert torch.equal(batch.ndata["y"][mask], torch.from_numpy(ds.y[ids]))
    assert torch.equal(batch.ndata["x"][mask], torch.from_numpy(ds.x[ds.target[ids]]))


def test_dgl_dataset_graph_level_and_shared_graph(tmp_path, monkeypatch):
    from dgl.dataloading import GraphDataLoader

    monkeypatch.setenv("HOME", str(tmp_path))
    counts = make_task("motif-count", seed=0, num_graphs=6, n=8)
    graphs, labels = next(iter(GraphDataLoader(counts.to_dgl_dataset(), batch_size=4)))
    assert graphs.batch_size == 4 and labels.shape == (4,)
    assert torch.equal(labels, torch.from_numpy(counts.y[:4]))
    ds = small_csbm()
    (graph,) = ds.to_dgl_dataset()
    assert int(graph.ndata["target"].sum()) == len(ds)
    assert not (tmp_path / ".dgl").exists()
