import itertools

import numpy as np
import pytest
from scipy.stats import chisquare

from depthlab.tasks.random_graphs import MAX_PAIRING_DEGREE, check_regular, erdos_renyi, random_regular


def assert_simple_undirected(adj):
    assert adj.dtype == bool
    assert np.array_equal(adj, adj.transpose(0, 2, 1))
    assert not adj[:, np.arange(adj.shape[1]), np.arange(adj.shape[1])].any()


@pytest.mark.parametrize("n, degree", [(10, 3), (9, 4), (12, 5), (12, 6), (12, 11), (7, 6), (8, 1)])
def test_regular_degrees_are_exact(n, degree):
    adj = random_regular(50, n, degree, np.random.default_rng(0))
    assert adj.shape == (50, n, n)
    assert_simple_undirected(adj)
    assert (adj.sum(axis=2) == degree).all()


def labelled_graph_codes(adj):
    """Each graph of a (G, n, n) stack as one integer: its upper triangle in binary."""
    rows, cols = np.triu_indices(adj.shape[1], 1)
    return adj[:, rows, cols].astype(np.int64) @ (1 << np.arange(len(rows), dtype=np.int64))


@pytest.mark.parametrize("degree", [2, 3])
def test_regular_is_uniform_over_the_70_labelled_graphs_on_6_nodes(degree):
    # 2-regular on 6 labelled nodes: 60 hexagons + 10 pairs of triangles; 3-regular: their
    # complements (sampled through the complement path). Uniform: each has probability 1/70.
    every = list(itertools.product([0, 1], repeat=15))
    rows, cols = np.triu_indices(6, 1)
    stack = np.zeros((len(every), 6, 6), dtype=bool)
    stack[:, rows, cols] = np.array(every, dtype=bool)
    stack |= stack.transpose(0, 2, 1)
    regular = stack[(stack.sum(axis=2) == degree).all(axis=1)]
    assert len(regular) == 70
    samples = random_regular(7000, 6, degree, np.random.default_rng(1))
    codes = labelled_graph_codes(samples)
    assert set(codes) <= set(labelled_graph_codes(regular))
    observed = np.unique(codes, return_counts=True)[1]
    assert len(observed) == 70
    assert chisquare(observed).pvalue > 1e-3


def test_regular_two_triangles_share_matches_uniform():
    # Under uniformity 10 of the 70 2-regular graphs on 6 nodes are two triangles.
    adj = random_regular(20000, 6, 2, np.random.default_rng(2))
    triangles = np.einsum("gij,gjk,gki->g", *(adj.astype(np.int64),) * 3) > 0
    share = triangles.mean()
    assert abs(share - 1 / 7) < 5 * np.sqrt((1 / 7) * (6 / 7) / 20000)


def test_erdos_renyi_density_and_shape():
    n, p = 30, 0.3
    adj = erdos_renyi(200, n, p, np.random.default_rng(0))
    assert_simple_undirected(adj)
    pairs = 200 * n * (n - 1) / 2
    density = adj.sum() / 2 / pairs
    assert abs(density - p) < 5 * np.sqrt(p * (1 - p) / pairs)
    assert erdos_renyi(3, 5, 0.0, np.random.default_rng(0)).sum() == 0
    assert (erdos_renyi(3, 5, 1.0, np.random.default_rng(0)).sum(axis=2) == 4).all()


def test_samplers_are_deterministic_per_generator_state():
    for sample in (lambda rng: erdos_renyi(5, 9, 0.4, rng), lambda rng: random_regular(5, 9, 4, rng)):
        assert np.array_equal(sample(np.random.default_rng(7)), sample(np.random.default_rng(7)))


@pytest.mark.parametrize("n, degree, words", [
    (21, 3, ["degree=3", "n=21", "odd"]),
    (10, 10, ["degree=10", "n=10", "[0, 9]"]),
    (20, MAX_PAIRING_DEGREE + 1, ["degree=6", "n=20", "degree <= 5 or degree >= 14"]),
])
def test_check_regular_names_n_and_degree(n, degree, words):
    with pytest.raises(ValueError) as error:
        check_regular(n, degree)
    assert all(word in str(error.value) for word in words)


def test_erdos_renyi_rejects_a_probability_outside_0_1():
    with pytest.raises(ValueError, match=r"p=1\.5 is out of range"):
        erdos_renyi(1, 4, 1.5, np.random.default_rng(0))
