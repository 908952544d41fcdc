import math

import numpy as np
import pytest

import depthlab.tasks.csbm as csbm
from seeded_task_checks import assert_deterministic, assert_round_trip
from depthlab.tasks import TaskTooLarge, make_task
from depthlab.tasks.csbm import class_means, class_sizes


def same_class_mask(ds):
    return ds.y[ds.src] == ds.y[ds.dst]


def test_edge_rates_match_p_in_and_p_out():
    n, p_in, p_out = 2000, 0.02, 0.005
    ds = make_task("csbm", seed=0, n=n, p_in=p_in, p_out=p_out)
    within_pairs = 2 * 1000 * 999 / 2
    across_pairs = 1000 * 1000
    within = same_class_mask(ds).sum() / 2
    across = (~same_class_mask(ds)).sum() / 2
    assert abs(within / within_pairs - p_in) < 5 * math.sqrt(p_in * (1 - p_in) / within_pairs)
    assert abs(across / across_pairs - p_out) < 5 * math.sqrt(p_out * (1 - p_out) / across_pairs)


def test_feature_means_and_noise():
    ds = make_task("csbm", seed=0, n=3000, classes=3, mu=2.0, features=5, p_in=0.01, p_out=0.0)
    means = class_means(3, 5, 2.0)
    assert ds.x.dtype == np.float32 and ds.x.shape == (3000, 5)
    for c in range(3):
        members = ds.x[ds.y == c]
        assert np.abs(members.mean(axis=0) - means[c]).max() < 5 / math.sqrt(len(members))
        assert np.abs(members.var(axis=0) - 1).max() < 0.15
    assert ds.num_classes == 3 and np.bincount(ds.y).tolist() == [1000, 1000, 1000]


def test_class_means_are_mu_apart_and_centred():
    means = class_means(4, 6, 1.5).astype(np.float64)
    distances = np.linalg.norm(means[:, None] - means[None], axis=2)
    assert np.allclose(distances[~np.eye(4, dtype=bool)], 1.5)
    assert np.allclose(means.sum(axis=0), 0, atol=1e-6) and not means[:, 4:].any()
    assert np.allclose(np.linalg.norm(class_means(2, 3, 1.0), axis=1), 0.5)


def test_p_in_one_p_out_zero_gives_one_clique_per_class():
    ds = make_task("csbm", seed=1, n=23, classes=3, p_in=1.0, p_out=0.0, num_graphs=4)
    sizes = class_sizes(23, 3)
    assert sizes.tolist() == [8, 8, 7]
    assert same_class_mask(ds).all()
    same_class_pairs = (ds.y[:, None] == ds.y[None, :]) & (ds.graph_id[:, None] == ds.graph_id[None, :])
    expected = np.argwhere(same_class_pairs & ~np.eye(ds.num_nodes, dtype=bool))
    assert np.array_equal(np.column_stack([ds.src, ds.dst]), expected)
    assert np.array_equal(np.diff(ds.edge_ptr), np.full(4, 2 * (28 + 28 + 21)))
    for g in range(4):
        assert np.bincount(ds.y[ds.graph_id == g]).tolist() == [8, 8, 7]


def test_edges_are_simple_sorted_and_within_graphs():
    ds = make_task("csbm", seed=2, n=300, p_in=0.5, p_out=0.2, num_graphs=3)
    codes = ds.src * ds.num_nodes + ds.dst
    assert (np.diff(codes) > 0).all() and (ds.src != ds.dst).all()
    assert np.array_equal(np.sort(ds.dst * ds.num_nodes + ds.src), codes)
    graph_of = ds.graph_id[ds.src]
    assert (graph_of == ds.graph_id[ds.dst]).all()
    assert np.array_equal(np.searchsorted(graph_of, np.arange(4)), ds.edge_ptr)


def test_triangular_decoding_for_large_indices():
    j = np.array([1, 2, 5, 10**6, 3 * 10**7], dtype=np.int64)
    i = np.array([0, 1, 4, 0, 3 * 10**7 - 1], dtype=np.int64)
    assert np.array_equal(csbm._triangular_row(j * (j - 1) // 2 + i), j)


def test_examples_split_and_radius():
    ds = make_task("csbm", seed=0, n=500)
    assert np.array_equal(ds.target, np.arange(500)) and (ds.radius == 1).all()
    assert ds.split_sizes() == {"train": 300, "val": 100, "test": 100}
    assert ds.chance_accuracy("test") == 0.5


def test_deterministic_and_round_trip(tmp_path):
    assert_deterministic("csbm", n=200, num_graphs=2, classes=3)
    assert_round_trip("csbm", tmp_path, n=200)


@pytest.mark.parametrize("params, message", [
    (dict(p_in=0.01, p_out=0.01), "p_in=0.01, p_out=0.01 are invalid: expected p_in > p_out"),
    (dict(p_in=0.01, p_out=0.02), "expected p_in > p_out"),
    (dict(p_in=1.2), "p_in=1.2 is out of range: expected a float in \\[0, 1\\]"),
    (dict(p_out=-0.1), "p_out=-0.1 is out of range"),
    (dict(classes=4, features=3), "features=3 is invalid with classes=4"),
    (dict(n=3, classes=4), "classes=4 is invalid with n=3"),
    (dict(train_fraction=0.0), "train_fraction=0.0, val_fraction=0.2"),
])
def test_bad_inputs_name_the_parameter(params, message):
    with pytest.raises(ValueError, match=message):
        make_task("csbm", **params)


def test_too_large_for_the_memory_budget():
    with pytest.raises(TaskTooLarge, match="memory budget"):
        make_task("csbm", n=10**6, p_in=0.5, p_out=0.1)
    with pytest.raises(TaskTooLarge):
        make_task("csbm", n=10**5, memory_budget=2**20)
