import itertools

import networkx as nx
import numpy as np
import pytest

from radius_oracle import ball, independence_pvalue, label_distribution_equals_prior, solve, views
from depthlab.tasks import make_task, resolve_params
from depthlab.tasks.tree_neighbors_match import num_permutations

TREE_EDGES_R2 = [(1, 0), (2, 0), (3, 1), (4, 1), (5, 2), (6, 2)]


@pytest.fixture(scope="module")
def depth2():
    return make_task("tree-neighbors-match", seed=3, radius=2)


def test_depth2_binary_trees_exactly(depth2):
    ds = depth2
    assert (len(ds), ds.num_graphs, ds.num_classes, ds.level) == (96, 96, 4, "node")
    assert np.array_equal(ds.node_ptr, np.arange(97) * 7)
    x = ds.x.reshape(96, 7, 2)
    for g in range(96):
        src, dst, _ = ds.graph_arrays(g)
        assert list(zip(src.tolist(), dst.tolist())) == TREE_EDGES_R2
    assert (x[:, 3:, 0] == [1, 2, 3, 4]).all()
    assert (x[:, 1:3] == 0).all() and (x[:, 0, 1] == 0).all()
    query = x[:, 0, 0]
    assert np.array_equal(query, np.tile([1, 2, 3, 4], 24))
    assert np.array_equal(ds.y, x[np.arange(96), 2 + query, 1] - 1)
    assert np.array_equal(ds.target, ds.node_ptr[:-1]) and (ds.radius == 2).all()


def test_self_loops_follow_the_tree_edges():
    ds = make_task("tree-neighbors-match", seed=0, radius=2, self_loops=True)
    src, dst, _ = ds.graph_arrays(5)
    assert list(zip(src.tolist(), dst.tolist())) == TREE_EDGES_R2 + [(v, v) for v in range(7)]


def test_ternary_tree_matches_networkx_balanced_tree():
    ds = make_task("tree-neighbors-match", seed=0, radius=2, arity=3, max_examples=90)
    oracle = nx.balanced_tree(3, 2)
    expected = sorted((max(e), min(e)) for e in oracle.edges)
    src, dst, x = ds.graph_arrays(0)
    assert sorted(zip(src.tolist(), dst.tolist())) == expected
    assert x[4:, 0].tolist() == list(range(1, 10)) and ds.num_classes == 9
    assert len(ds) == 90  # min(1000, 9!, 90 // 9) = 10 permutations, 9 queries each


@pytest.mark.parametrize("radius, count", [(2, 96), (3, 8000), (4, 16000), (5, 32000)])
def test_reference_protocol_counts(radius, count):
    ds = make_task("tree-neighbors-match", seed=0, radius=radius)
    assert len(ds) == count and ds.num_classes == 2**radius
    leaves = 2**radius
    values = ds.x.reshape(count, -1, 2)[:, -leaves:]
    assert (values[:, :, 0] == np.arange(1, leaves + 1)).all()
    assert (np.sort(values[:, :, 1], axis=1) == np.arange(1, leaves + 1)).all()
    # every permutation is paired with every query: the graphs come in runs of `leaves`
    runs = values[:, :, 1].reshape(-1, leaves, leaves)
    assert (runs == runs[:, :1]).all()
    assert (ds.x.reshape(count, -1, 2)[:, 0, 0] == np.tile(np.arange(1, leaves + 1),
                                                            count // leaves)).all()
    if radius <= 3:
        assert len(np.unique(runs[:, 0], axis=0)) == count // leaves


@pytest.mark.parametrize("radius", [6, 7, 8])
def test_protocol_count_from_params_for_deep_trees(radius):
    params = resolve_params("tree-neighbors-match", radius=radius)
    assert num_permutations(params) * 2**radius == 32000


def test_split_is_stratified_80_20_without_validation():
    ds = make_task("tree-neighbors-match", seed=1, radius=3)
    assert ds.split_sizes() == {"train": 6400, "val": 0, "test": 1600}
    for label in range(8):
        members = ds.split[ds.y == label]
        assert (members == 0).sum() == round(0.8 * len(members))


def test_all_24_permutations_at_depth_2(depth2):
    values = depth2.x.reshape(96, 7, 2)[::4, 3:, 1]
    assert sorted(map(tuple, values.tolist())) == list(itertools.permutations(range(1, 5)))


def test_radius_claim_exact_at_depth_2(depth2):
    ds = depth2
    for i in range(len(ds)):
        graph = ds.to_networkx(i)
        assert solve(graph, ball(graph, 2)) == ds.y[i]
        assert solve(graph, ball(graph, 1)) is None
    inner, labels = views(ds, range(len(ds)), [1] * len(ds))
    assert len(set(inner)) == 4  # the 1-ball shows the query and nothing else
    assert label_distribution_equals_prior(inner, labels, ds.num_classes)


def test_radius_claim_statistically_at_depth_3():
    ds = make_task("tree-neighbors-match", seed=2, radius=3)
    sample = np.random.default_rng(0).choice(len(ds), size=800, replace=False)
    graphs = [ds.to_networkx(int(i)) for i in sample]
    assert [solve(g, ball(g, 3)) for g in graphs] == ds.y[sample].tolist()
    inner, labels = views(ds, sample, [2] * len(sample))
    assert len(set(inner)) == 8  # one view per query
    assert independence_pvalue(inner, labels) > 0.01


@pytest.mark.parametrize("params, message", [
    ({"radius": 1}, "radius=1 is out of range"),
    ({"arity": 1}, "arity=1 is out of range"),
    ({"max_examples": -5}, "max_examples=-5 is out of range"),
    ({"radius": 17}, "radius=17 is out of range"),
    ({"radius": 11, "arity": 3}, "177147 leaves"),
    ({"radius": 4, "max_examples": 10}, "max_examples=10 is below the 16"),
    ({"radius": 16}, "max_examples=32000 is below the 65536"),
    ({"train_fraction": 1.0}, r"train_fraction=1.0 is invalid: expected a float in \(0, 1\)"),
    ({"depth": 3}, "unknown parameter"),
])
def test_bad_parameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        make_task("tree-neighbors-match", **params)


def test_ids_are_int32_and_documented_in_meta(tmp_path):
    import json

    from depthlab.tasks import load_task, make_task

    ds = make_task("tree-neighbors-match", seed=0, radius=3)
    for name in ("node_ptr", "edge_ptr", "src", "dst", "x", "graph_id", "target"):
        assert getattr(ds, name).dtype == np.int32, name
    assert ds.y.dtype == np.int64      # class labels stay int64: torch's cross-entropy needs it
    ds.save(tmp_path / "a")
    meta = json.loads((tmp_path / "a" / "meta.json").read_text())
    assert meta["arrays"]["src"]["dtype"] == "<i4" and meta["arrays"]["y"]["dtype"] == "<i8"
    assert load_task(tmp_path / "a").src.dtype == np.int32


def test_int64_and_int32_files_load_to_the_same_graphs(tmp_path):
    from dataclasses import replace

    from depthlab.tasks import load_task, make_task
    from depthlab.tasks.dgl_view import example_batch
    from depthlab.theory.ceiling import mp_ceiling

    ds = make_task("tree-neighbors-match", seed=1, radius=2)
    wide = replace(ds, **{k: v.astype(np.int64) for k, v in ds.arrays().items() if v.dtype == np.int32})
    wide.save(tmp_path / "wide")
    ds.save(tmp_path / "narrow")
    a, b = load_task(tmp_path / "wide"), load_task(tmp_path / "narrow")
    assert a.src.dtype == np.int64 and b.src.dtype == np.int32
    batch_a, batch_b = example_batch(a, np.arange(10)), example_batch(b, np.arange(10))
    assert [t.tolist() for t in batch_a.graph.edges()] == [t.tolist() for t in batch_b.graph.edges()]
    assert batch_a.readout.tolist() == batch_b.readout.tolist()
    assert mp_ceiling(a, 2) == mp_ceiling(b, 2) == {"train": 1.0, "test": 1.0}


def test_ids_switch_to_int64_beyond_int32():
    from depthlab.tasks.tiling import tile_template

    node_ptr, edge_ptr, src, _ = tile_template(np.array([1]), np.array([0]), 2**20, 2**11 + 1, compact=True)
    assert node_ptr.dtype == src.dtype == np.int64 and edge_ptr.dtype == np.int32
    assert int(src[-1]) == 2**11 * 2**20 + 1
