"""The graphormer family: hop distances against networkx, chunking, equivariance, reach,
parameter counts, determinism, and learning beyond its depth."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import torch

from depthlab.models import TaskInfo, count_parameters, make_model, train
from depthlab.models import dense_layout
from depthlab.models.dense_layout import dense_chunks, hop_distances
from depthlab.tasks import make_task
from depthlab.tasks.dgl_view import example_batch
from tests.models.test_model_options import path_dataset


def _random_batch(seed: int):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 9, 5)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    src, dst = [], []
    for start, n in zip(starts, sizes):
        count = int(rng.integers(0, 2 * n))
        src.append(rng.integers(0, n, count) + start)
        dst.append(rng.integers(0, n, count) + start)
    return (torch.from_numpy(np.concatenate(src)), torch.from_numpy(np.concatenate(dst)),
            torch.from_numpy(sizes), starts)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("max_distance", [1, 2, 8])
def test_hop_distances_match_networkx_shortest_paths(seed, max_distance):
    src, dst, sizes, starts = _random_batch(seed)
    got = hop_distances(src, dst, sizes, max_distance).numpy()
    graph = nx.DiGraph()
    graph.add_nodes_from(range(int(sizes.sum())))
    graph.add_edges_from(zip(src.tolist(), dst.tolist()))
    expected = np.full(got.shape, -1)
    for start, n in zip(starts, sizes.tolist()):
        for s in range(n):
            lengths = nx.single_source_shortest_path_length(graph, start + s, cutoff=max_distance)
            for v, hops in lengths.items():
                expected[v, s] = hops
    np.testing.assert_array_equal(got, expected)


def test_chunks_cover_whole_graphs_and_hold_the_same_distances():
    src, dst, sizes, _ = _random_batch(0)
    whole, = dense_chunks(src, dst, sizes, 8)
    parts = dense_chunks(src, dst, sizes, 8, pair_budget=64)
    assert len(parts) > 1
    assert [(p.start, p.stop) for p in parts][0][0] == 0 and parts[-1].stop == int(sizes.sum())
    assert all(a.stop == b.start for a, b in zip(parts, parts[1:]))
    assert torch.equal(torch.cat([p.sizes for p in parts]), sizes)
    h = torch.randn(int(sizes.sum()), 3)
    torch.testing.assert_close(whole.to_nodes(whole.to_dense(h)), h)
    first = 0
    for part in parts:
        n, count = part.distance.shape[1], len(part.sizes)
        torch.testing.assert_close(part.distance, whole.distance[first:first + count, :n, :n])
        first += count


def _model(ds, depth=2, width=8, **options):
    torch.manual_seed(0)
    return make_model("graphormer", TaskInfo.from_dataset(ds), depth, width, **options).eval()


def _states(model, graph):
    with torch.no_grad():
        return model.propagate(graph, model.encode(graph))


def test_chunked_propagation_equals_one_chunk(toy, monkeypatch):
    ds = toy("graph-cls")
    model = _model(ds)
    graph = example_batch(ds, np.arange(len(ds))).graph
    whole = _states(model, graph)
    monkeypatch.setattr(dense_layout, "PAIR_BUDGET", 100)
    monkeypatch.setattr(dense_layout.dense_chunks, "__defaults__", (100,))
    chunked = _states(model, graph)
    for a, b in zip(whole, chunked):
        torch.testing.assert_close(a, b)


def test_node_states_are_permutation_equivariant_and_graphs_do_not_mix(toy):
    ds = toy("graph-cls", graphs=2)
    model = _model(ds, depth=3)
    batch = example_batch(ds, np.arange(len(ds)))
    graph = batch.graph
    n = graph.num_nodes()
    sizes = graph.batch_num_nodes()
    perm = torch.cat([torch.randperm(int(s), generator=torch.Generator().manual_seed(1)) + int(o)
                      for s, o in zip(sizes, torch.cumsum(sizes, 0) - sizes)])
    inverse = torch.empty_like(perm)
    inverse[perm] = torch.arange(n)
    src, dst = graph.edges()
    from depthlab.tasks.quiet_dgl import dgl
    permuted = dgl.graph((inverse[src], inverse[dst]), num_nodes=n)
    permuted.ndata["x"] = graph.ndata["x"][perm]
    permuted.set_batch_num_nodes(sizes)
    permuted.set_batch_num_edges(graph.batch_num_edges())
    for a, b in zip(_states(model, graph), _states(model, permuted)):
        torch.testing.assert_close(a[perm], b, atol=1e-5, rtol=1e-5)
    first = int(sizes[0])
    changed = graph.clone()
    changed.ndata["x"] = graph.ndata["x"].clone()
    changed.ndata["x"][first:] = (changed.ndata["x"][first:] + 1) % 5
    torch.testing.assert_close(_states(model, graph)[-1][:first], _states(model, changed)[-1][:first])


def test_one_layer_reads_every_node_where_message_passing_reads_its_neighbour():
    ds = path_dataset()
    batch = example_batch(ds, [0])
    for family, expected in (("graphormer", [True] * 4), ("gin", [False, False, True, True])):
        torch.manual_seed(0)
        model = make_model(family, TaskInfo.from_dataset(ds), 1, 8)
        h0 = model.encode(batch.graph).detach().requires_grad_(True)
        model.propagate(batch.graph, h0)[-1][3].sum().backward()
        assert (h0.grad.abs().sum(1) > 0).tolist() == expected, family


def test_parameter_count_has_the_closed_form(toy):
    ds = toy("node-cls")
    info = TaskInfo.from_dataset(ds)
    w, depth, heads, max_distance, max_degree = 12, 3, 4, 5, 7
    model = make_model("graphormer", info, depth, w, heads=heads, max_distance=max_distance,
                       max_degree=max_degree)
    encoder = sum(info.cardinalities) * w
    degrees = 2 * (max_degree + 1) * w
    per_layer = 4 * (w * w + w) + 2 * (w * w + w) + 2 * 2 * w + (max_distance + 2) * heads
    output = w * info.num_outputs + info.num_outputs
    assert count_parameters(model) == encoder + degrees + depth * per_layer + output


def test_options_the_family_cannot_use_are_refused(toy):
    info = TaskInfo.from_dataset(toy("node-cls"))
    with pytest.raises(ValueError, match="fully_adjacent_last=True is invalid for model "
                                         "'graphormer': attention already spans every node"):
        make_model("graphormer", info, 2, 8, fully_adjacent_last=True)
    with pytest.raises(ValueError, match="width=10 is invalid for model 'graphormer'"):
        make_model("graphormer", info, 2, 10)
    with pytest.raises(ValueError, match="max_distance=0 is out of range"):
        make_model("graphormer", info, 2, 8, max_distance=0)


def test_same_seed_same_record():
    ds = make_task("grid-chain", radius=3, num_examples=40)
    config = {"name": "graphormer", "depth": 1, "width": 8}
    first, second = (train(ds, config, {"epochs": 2, "batch_size": 8}, seed=5).record
                     for _ in range(2))
    assert first.curve == second.curve and first.test_acc == second.test_acc


def test_one_layer_learns_grid_chain_beyond_its_depth():
    """Radius 6, one layer: message passing is at chance (the radius claim); attention
    finds the source."""
    ds = make_task("grid-chain", radius=6, num_examples=160)
    settings = {"epochs": 12, "batch_size": 16, "lr": 0.005}
    attention = train(ds, {"name": "graphormer", "depth": 1, "width": 16}, settings, seed=0).record
    assert attention.test_acc >= 0.9


def test_planning_figures_cover_the_family(toy):
    """models.model_size counts graphormer exactly without building it (also with mixhop's
    max_power), and a run's memory estimate grows with the pairs attention keeps."""
    from depthlab.experiments.spec import estimate_run_bytes
    from depthlab.models.registry import model_size

    info = TaskInfo.from_dataset(toy("node-cls"))
    for name, options in (("graphormer", {"heads": 2, "max_distance": 3}), ("mixhop", {"max_power": 5})):
        width, count = model_size(name, info, 5, 12, **options)
        assert count == count_parameters(make_model(name, info, 5, 12, **options))
    ds = make_task("tree-neighbors-match", radius=5, max_examples=64)
    train_config = {"batch_size": 32, "eval_batch_size": 64}
    sizes = {name: estimate_run_bytes(ds, {"name": name, "depth": 2, "heads": 4}, train_config,
                                      32, 10_000)[0] for name in ("gin", "graphormer")}
    pairs = 32 * 63 * 63
    assert sizes["graphormer"] - sizes["gin"] == 4 * 6 * 4 * 2 * pairs
