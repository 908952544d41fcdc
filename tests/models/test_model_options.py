"""Per-layer options change the computation exactly as documented."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from depthlab.models import TaskInfo, list_models, make_model
from depthlab.models.readout import read_out
from depthlab.tasks.dataset import TaskDataset
from depthlab.tasks.dgl_view import example_batch

FAMILIES = tuple(list_models())
STACKED = tuple(f for f in FAMILIES if f not in ("sign", "graphormer"))  # graphormer: test_graphormer.py


def _states(model, batch):
    return model.propagate(batch.graph, model.encode(batch.graph))


def path_dataset() -> TaskDataset:
    """One path 0 -> 1 -> 2 -> 3, target node 3, float features."""
    return TaskDataset(
        name="path", params={}, seed=0, level="node", num_classes=2,
        node_ptr=np.array([0, 4]), edge_ptr=np.array([0, 3]), src=np.array([0, 1, 2]),
        dst=np.array([1, 2, 3]), x=np.eye(4, 3, dtype=np.float32) + 0.5,
        graph_id=np.array([0]), target=np.array([3]), y=np.array([1]),
        split=np.array([0], dtype=np.int8), radius=np.array([3]),
    )


@pytest.mark.parametrize("family", STACKED)
def test_residual_adds_the_layer_input(family, toy):
    ds = toy("node-cls")
    model = make_model(family, TaskInfo.from_dataset(ds), 2, 8, residual=True).eval()
    batch = example_batch(ds, np.arange(len(ds)))
    states = _states(model, batch)
    graphs = model.message_graphs(batch.graph)
    for layer, block in enumerate(model.blocks):
        block.residual = False
        plain = block(batch.graph, graphs[layer], states[layer])
        torch.testing.assert_close(states[layer + 1], states[layer] + plain)


def _per_graph(batch, h):
    sizes = batch.graph.batch_num_nodes().tolist()
    return torch.split(h, sizes)


@pytest.mark.parametrize("family", FAMILIES)
def test_pair_and_node_norm_are_applied_after_each_layer(family, toy):
    ds = toy("graph-reg")
    batch = example_batch(ds, np.arange(len(ds)))
    info = TaskInfo.from_dataset(ds)
    model = make_model(family, info, 2, 8, norm="pair", pairnorm_scale=2.0, activation="identity")
    for h in _states(model, batch)[1:]:
        for part in _per_graph(batch, h):
            torch.testing.assert_close(part.mean(0), torch.zeros(8), atol=1e-5, rtol=0)
            torch.testing.assert_close(part.pow(2).sum(1).mean(), torch.tensor(4.0))
    model = make_model(family, info, 2, 8, norm="node", activation="identity")
    for h in _states(model, batch)[1:]:
        torch.testing.assert_close(h.std(1, unbiased=False), torch.ones(len(h)))


def test_layer_and_batch_norm_are_applied(toy):
    ds = toy("node-cls")
    batch = example_batch(ds, np.arange(len(ds)))
    info = TaskInfo.from_dataset(ds)
    h = _states(make_model("sage", info, 1, 8, norm="layer", activation="identity"), batch)[1]
    torch.testing.assert_close(h.mean(1), torch.zeros(len(h)), atol=1e-5, rtol=0)
    h = _states(make_model("sage", info, 1, 8, norm="batch", activation="identity"), batch)[1]
    torch.testing.assert_close(h.mean(0), torch.zeros(8), atol=1e-5, rtol=0)
    torch.testing.assert_close(h.var(0, unbiased=False), torch.ones(8), atol=1e-3, rtol=0)


@pytest.mark.parametrize("family", ["gin", "sign"])
def test_jumping_knowledge_cat_and_max(family, toy):
    ds = toy("node-cls")
    batch = example_batch(ds, np.arange(len(ds)))
    info = TaskInfo.from_dataset(ds)
    cat = make_model(family, info, 3, 8, jk="cat")
    assert cat.output.in_features == 4 * 8
    states = _states(cat, batch)
    torch.testing.assert_close(cat(batch), cat.output(torch.cat(states, 1)[batch.readout]))
    top = make_model(family, info, 3, 8, jk="max")
    assert top.output.in_features == 8
    states = _states(top, batch)
    expected = torch.stack(states).max(0).values[batch.readout]
    torch.testing.assert_close(top(batch), top.output(expected))
    last = make_model(family, info, 3, 8, jk="none")
    states = _states(last, batch)
    torch.testing.assert_close(last(batch), last.output(states[-1][batch.readout]))


def test_sign_concatenates_by_default(toy):
    info = TaskInfo.from_dataset(toy("node-cls"))
    assert make_model("sign", info, 3, 8).output.in_features == 4 * 8
    assert make_model("gin", info, 3, 8).output.in_features == 8


MESSAGE_PASSING = tuple(f for f in FAMILIES if f != "graphormer")


@pytest.mark.parametrize("option", ["fully_adjacent_last", "fully_adjacent_all"])
@pytest.mark.parametrize("family", MESSAGE_PASSING)
def test_fully_adjacent_layer_reaches_beyond_the_depth(family, option):
    """One layer sees the target's in-neighbour (two hops for mixhop's A_hat^2); made fully
    adjacent, it sees the whole path."""
    ds = path_dataset()
    batch = example_batch(ds, [0])
    info = TaskInfo.from_dataset(ds)
    local = [False, True, True, True] if family == "mixhop" else [False, False, True, True]
    for fully_adjacent, expected in ((False, local), (True, [True] * 4)):
        torch.manual_seed(0)
        model = make_model(family, info, 1, 8, **{option: fully_adjacent})
        graph = batch.graph
        h0 = model.encode(graph).detach().requires_grad_(True)
        with graph.local_scope():
            graph.ndata["target"] = torch.tensor([False, False, False, True])
            out = model.head(graph, model.propagate(graph, h0), batch.readout, "node")
        out.sum().backward()
        reached = (h0.grad.abs().sum(1) > 0).tolist()
        assert reached == expected, (family, fully_adjacent)


@pytest.mark.parametrize("max_power, expected", [(1, [False, False, True, True]),
                                                  (3, [True, True, True, True])])
def test_one_mixhop_layer_reaches_max_power_hops(max_power, expected):
    ds = path_dataset()
    batch = example_batch(ds, [0])
    torch.manual_seed(0)
    model = make_model("mixhop", TaskInfo.from_dataset(ds), 1, 8, max_power=max_power)
    h0 = model.encode(batch.graph).detach().requires_grad_(True)
    model.propagate(batch.graph, h0)[-1][3].sum().backward()
    assert (h0.grad.abs().sum(1) > 0).tolist() == expected
    assert len(model.blocks[0].conv.maps) == max_power + 1


def test_fully_adjacent_last_only_changes_the_last_layer(toy):
    ds = toy("node-cls")
    batch = example_batch(ds, np.arange(len(ds)))
    info = TaskInfo.from_dataset(ds)
    torch.manual_seed(0)
    plain = make_model("gin", info, 3, 8)
    torch.manual_seed(0)
    fa = make_model("gin", info, 3, 8, fully_adjacent_last=True)
    with batch.graph.local_scope():
        batch.graph.ndata["target"] = torch.zeros(batch.graph.num_nodes(), dtype=torch.bool)
        batch.graph.ndata["target"][batch.readout] = True
        a, b = _states(plain, batch), _states(fa, batch)
    for layer in range(3):
        torch.testing.assert_close(a[layer], b[layer])
    assert not torch.allclose(a[3][batch.readout], b[3][batch.readout])
    non_targets = torch.ones(len(a[3]), dtype=torch.bool)
    non_targets[batch.readout] = False
    torch.testing.assert_close(a[3][non_targets], b[3][non_targets])


def test_fully_adjacent_all_uses_the_fully_adjacent_graph_in_every_layer(toy):
    ds = toy("node-cls")
    batch = example_batch(ds, np.arange(len(ds)))
    info = TaskInfo.from_dataset(ds)
    with batch.graph.local_scope():
        batch.graph.ndata["target"] = torch.zeros(batch.graph.num_nodes(), dtype=torch.bool)
        batch.graph.ndata["target"][batch.readout] = True
        every = make_model("gin", info, 3, 8, fully_adjacent_all=True).message_graphs(batch.graph)
        last = make_model("gin", info, 3, 8, fully_adjacent_last=True).message_graphs(batch.graph)
    assert len(every) == 3
    for graph in every:
        assert _edges(graph) == _edges(last[-1])
    assert _edges(last[0]) != _edges(last[-1])
    with pytest.raises(ValueError, match="fully_adjacent_last=True is redundant"):
        make_model("gin", info, 2, 8, fully_adjacent_last=True, fully_adjacent_all=True)


def _edges(graph) -> set[tuple[int, int]]:
    src, dst = graph.edges()
    return set(zip(src.tolist(), dst.tolist()))


def test_graph_level_fully_adjacent_layer_is_all_to_all(toy):
    ds = toy("graph-cls")
    batch = example_batch(ds, np.arange(len(ds)))
    model = make_model("gcn", TaskInfo.from_dataset(ds), 2, 8, fully_adjacent_last=True)
    first, last = model.message_graphs(batch.graph)
    sizes = batch.graph.batch_num_nodes()
    assert last.num_edges() == int((sizes ** 2).sum())
    assert first.num_edges() == batch.graph.num_edges() + batch.graph.num_nodes()


def test_without_self_loops_a_gcn_leaf_forgets_its_input():
    ds = path_dataset()
    batch = example_batch(ds, [0])
    info = TaskInfo.from_dataset(ds)
    for self_loops, leaf_reached in ((True, True), (False, False)):
        model = make_model("gcn", info, 1, 8, self_loops=self_loops)
        h0 = model.encode(batch.graph).detach().requires_grad_(True)
        model.propagate(batch.graph, h0)[1][0].sum().backward()
        assert bool(h0.grad[0].abs().sum() > 0) == leaf_reached


def test_dropout_acts_in_training_only(toy):
    ds = toy("node-cls")
    batch = example_batch(ds, np.arange(len(ds)))
    model = make_model("gin", TaskInfo.from_dataset(ds), 2, 8, dropout=0.5)
    assert not torch.equal(model(batch), model(batch))
    model.eval()
    torch.testing.assert_close(model(batch), model(batch))


def test_tanh_bounds_the_states(toy):
    ds = toy("node-reg")
    batch = example_batch(ds, np.arange(len(ds)))
    model = make_model("gcn", TaskInfo.from_dataset(ds), 2, 8, activation="tanh")
    assert all(h.abs().max() <= 1 for h in _states(model, batch)[1:])


def test_graph_readout_sum_and_mean(toy):
    ds = toy("graph-cls")
    batch = example_batch(ds, np.arange(len(ds)))
    z = torch.arange(batch.graph.num_nodes() * 2, dtype=torch.float32).reshape(-1, 2)
    sizes = batch.graph.batch_num_nodes().tolist()
    sums = torch.stack([part.sum(0) for part in torch.split(z, sizes)])
    order = torch.tensor([3, 0, 5])
    torch.testing.assert_close(read_out(batch.graph, z, order, "graph", "sum"), sums[order])
    means = sums / torch.tensor(sizes, dtype=torch.float32)[:, None]
    torch.testing.assert_close(read_out(batch.graph, z, order, "graph", "mean"), means[order])
    torch.testing.assert_close(read_out(batch.graph, z, order, "node"), z[order])
