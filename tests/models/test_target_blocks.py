"""Computing only the targets' receptive fields (models.target_blocks) gives the outputs
and gradients of the full computation, and is used exactly where that holds."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from depthlab.models import target_blocks as target_blocks_module
from depthlab.models.registry import make_model
from depthlab.models.run_scope import run_scope
from depthlab.models.task_info import TaskInfo
from depthlab.models.target_blocks import target_blocks
from depthlab.tasks import make_task
from depthlab.tasks.dgl_view import example_batch
from depthlab.tasks.quiet_dgl import dgl

from tests.models.conftest import toy_dataset

EXACT = [
    ("gcn", {}),
    ("gcn", {"degree_norm": "in-in", "residual": True, "norm": "layer",
             "norm_position": "after_residual"}),
    ("gcn", {"self_loops": False, "jk": "cat"}),
    ("gat", {"residual": True, "norm": "layer", "activation": "identity"}),
    ("gat", {"fully_adjacent_last": True, "jk": "max"}),
    ("ggnn", {}),
    ("ggnn", {"norm": "node", "residual": True}),
    ("sage", {"fully_adjacent_all": True}),
    ("gin", {"norm": "layer"}),
    ("gcn", {"preset": "alon-yahav"}),
    ("gat", {"preset": "alon-yahav"}),
    ("ggnn", {"preset": "alon-yahav"}),
]
FULL_ONLY = [
    ("gin", {"preset": "alon-yahav"}),  # BatchNorm statistics over every node
    ("gcn", {"norm": "batch"}),
    ("gcn", {"norm": "pair"}),
    ("mixhop", {}),  # more than one hop per layer
    ("sign", {}),
    ("graphormer", {}),
]


@pytest.fixture(autouse=True)
def blocks_on_small_batches(monkeypatch):
    """The test batches are small; compute on blocks all the same."""
    monkeypatch.setattr(target_blocks_module, "MIN_NODES", 0)


def _outputs_and_grads(model, batch, forward):
    model.zero_grad()
    out = forward(batch)
    out.square().sum().backward()
    grads = {name: p.grad.clone() for name, p in model.named_parameters() if p.grad is not None}
    return out.detach(), grads


def _check_same(model, batch):
    assert model.reads_targets_only()
    pruned, pruned_grads = _outputs_and_grads(model, batch, model)
    full, full_grads = _outputs_and_grads(model, batch, model.forward_all_nodes)
    torch.testing.assert_close(pruned, full, rtol=1e-5, atol=1e-5)
    assert pruned_grads.keys() == full_grads.keys()
    for name, grad in full_grads.items():
        torch.testing.assert_close(pruned_grads[name], grad, rtol=1e-4, atol=1e-5, msg=name)


@pytest.mark.parametrize("family,options", EXACT)
def test_targets_only_equals_the_full_computation_on_trees(family, options):
    ds = make_task("tree-neighbors-match", seed=0, radius=3)
    with run_scope(0, 1):
        model = make_model(family, TaskInfo.from_dataset(ds), 4, 8, **options)
        _check_same(model, example_batch(ds, np.arange(12)))


@pytest.mark.parametrize("family,options", EXACT[:5])
def test_targets_only_with_repeated_targets_on_general_graphs(family, options):
    """Two targets per graph, random extra edges, one example twice in the batch."""
    ds = toy_dataset("node-cls", graphs=6)
    with run_scope(1, 1):
        model = make_model(family, TaskInfo.from_dataset(ds), 3, 8, **options)
        _check_same(model, example_batch(ds, np.array([0, 1, 2, 5, 5, 9, 3])))


def test_targets_only_on_one_shared_graph():
    ds = make_task("csbm", seed=0, n=300)
    with run_scope(0, 1):
        model = make_model("gcn", TaskInfo.from_dataset(ds), 2, 8)
        _check_same(model, example_batch(ds, np.arange(0, 300, 37)))


@pytest.mark.parametrize("family,options", FULL_ONLY)
def test_layers_that_need_every_node_compute_every_node(family, options):
    ds = make_task("tree-neighbors-match", seed=0, radius=2)
    model = make_model(family, TaskInfo.from_dataset(ds), 3, 8, **options)
    assert not model.reads_targets_only()


def test_batches_below_the_threshold_compute_every_node(monkeypatch):
    def refuse(*args):
        raise AssertionError("blocks built for a small batch")

    monkeypatch.setattr(target_blocks_module, "MIN_NODES", 10 ** 9)
    monkeypatch.setattr(target_blocks_module, "target_blocks", refuse)
    ds = make_task("tree-neighbors-match", seed=0, radius=3)
    model = make_model("gcn", TaskInfo.from_dataset(ds), 4, 8)
    batch = example_batch(ds, np.arange(12))
    assert torch.equal(model(batch), model.forward_all_nodes(batch))


def test_blocks_cover_the_receptive_field_of_a_tree_root():
    """Binary tree of depth r, edges child -> parent plus self-loops, r + 1 layers: layer l
    updates the nodes within r + 1 - l hops of the root (57 updates at r = 4, not 155)."""
    r = 4
    child = np.arange(1, 2 ** (r + 1) - 1)
    nodes = len(child) + 1
    loops = np.arange(nodes)
    graph = dgl.graph((torch.from_numpy(np.concatenate([child, loops])),
                       torch.from_numpy(np.concatenate([(child - 1) // 2, loops]))))
    blocks = target_blocks([graph] * (r + 1), torch.tensor([0]))
    within = [2 ** (k + 1) - 1 for k in range(r + 1)]
    assert [b.num_dst_nodes() for b in blocks] == within[::-1]
    assert sum(within) == 57
    for earlier, later in zip(blocks, blocks[1:]):
        assert torch.equal(earlier.dstdata[dgl.NID], later.srcdata[dgl.NID])
    assert int(blocks[-1].dstdata[dgl.NID][0]) == 0
    assert torch.equal(blocks[0].srcdata["out_degree"], graph.out_degrees()[blocks[0].srcdata[dgl.NID]])
