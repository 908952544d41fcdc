"""Every family on every kind of task: output and state shapes, registry errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from depthlab.models import TaskInfo, list_models, make_model
from depthlab.tasks.dgl_view import example_batch
from tests.models.conftest import KINDS

FAMILIES = tuple(list_models())


def test_registry_lists_the_eight_families():
    assert FAMILIES == ("gat", "gcn", "ggnn", "gin", "graphormer", "mixhop", "sage", "sign")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("family", FAMILIES)
def test_forward_and_state_shapes(family, kind, toy):
    ds = toy(kind)
    info = TaskInfo.from_dataset(ds)
    torch.manual_seed(0)
    model = make_model(family, info, depth=2, width=8)
    batch = example_batch(ds, np.arange(len(ds)))
    keys = set(batch.graph.ndata)
    out = model(batch)
    assert out.shape == (len(ds), 1 if kind.endswith("reg") else 3)
    assert torch.isfinite(out).all()
    assert set(batch.graph.ndata) == keys          # forward leaves the caller's graph alone
    states = model.propagate(batch.graph, model.encode(batch.graph))
    assert len(states) == 3
    assert all(s.shape == (batch.graph.num_nodes(), 8) for s in states)
    assert (model.family, model.depth, model.width) == (family, 2, 8)


@pytest.mark.parametrize("family", FAMILIES)
def test_depth_zero_reads_the_encoded_features(family, toy):
    ds = toy("node-cls")
    model = make_model(family, TaskInfo.from_dataset(ds), depth=0, width=8)
    batch = example_batch(ds, np.arange(4))
    states = model.propagate(batch.graph, model.encode(batch.graph))
    assert len(states) == 1 and model(batch).shape == (4, 3)


def test_unknown_names_and_bad_values_are_rejected(toy):
    info = TaskInfo.from_dataset(toy("node-cls"))
    with pytest.raises(ValueError, match="unknown model 'gcnn'; choose one of: gat, gcn"):
        make_model("gcnn", info, 2, 8)
    with pytest.raises(ValueError, match="unknown option.*resid.*its options are: residual"):
        make_model("gin", info, 2, 8, resid=True)
    with pytest.raises(ValueError, match="norm='group' is invalid"):
        make_model("gin", info, 2, 8, norm="group")
    with pytest.raises(ValueError, match="depth=-1 is invalid"):
        make_model("gin", info, -1, 8)
    with pytest.raises(ValueError, match="width=0 is invalid"):
        make_model("gin", info, 2, 0)
    with pytest.raises(ValueError, match="width=10 is invalid for model 'gat'"):
        make_model("gat", info, 2, 10, heads=4)
    with pytest.raises(ValueError, match="width=2 is invalid"):
        make_model("mixhop", info, 2, 2)
    with pytest.raises(ValueError, match="residual=True is invalid for model 'sign'"):
        make_model("sign", info, 2, 8, residual=True)
    with pytest.raises(ValueError, match="depth=0 is invalid with fully_adjacent_last"):
        make_model("gin", info, 0, 8, fully_adjacent_last=True)


def test_numpy_integers_are_accepted_as_sizes(toy):
    info = TaskInfo.from_dataset(toy("node-cls"))
    model = make_model("gcn", info, np.int64(2), np.int64(8))
    assert (model.depth, model.width) == (2, 8) and type(model.width) is int


def test_task_info_from_datasets(toy):
    cls = TaskInfo.from_dataset(toy("node-cls"))
    assert (cls.level, cls.num_outputs, cls.regression, cls.categorical) == ("node", 3, False, True)
    ds = toy("node-cls")
    assert cls.cardinalities == tuple(int(c) + 1 for c in ds.x.max(axis=0))
    reg = TaskInfo.from_dataset(toy("graph-reg"))
    assert (reg.level, reg.num_outputs, reg.regression, reg.categorical) == ("graph", 1, True, False)
    assert reg.feature_dim == 3 and reg.cardinalities == ()
    with pytest.raises(ValueError, match="num_outputs=3 is invalid for regression"):
        TaskInfo("node", 3, True, False, feature_dim=2)
