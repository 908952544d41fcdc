"""Over-smoothing measures against brute-force double loops and dense/networkx oracles."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import torch

from depthlab.theory import smoothing
from depthlab.theory.smoothing import (
    dirichlet_energy,
    dirichlet_energy_unnormalised,
    invariant_distance,
    mean_average_distance,
    oono_suzuki_bound,
    oono_suzuki_lambda,
    smoothing_profile,
)
from depthlab.theory.spectrum import augmented_adjacency


def random_edges(rng: np.random.Generator, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """m random directed edges, self-loops and repeats allowed (the measures must drop them)."""
    return rng.integers(0, n, m), rng.integers(0, n, m)


def brute_adjacency(src, dst, n) -> np.ndarray:
    a = np.zeros((n, n))
    for s, d in zip(src, dst):
        if s != d:
            a[s, d] = a[d, s] = 1.0
    return a


def brute_augmented(src, dst, n) -> np.ndarray:
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((int(s), int(d)) for s, d in zip(src, dst) if s != d)
    a = nx.to_numpy_array(graph, nodelist=range(n)) + np.eye(n)
    d = a.sum(axis=1)
    return a / np.sqrt(np.outer(d, d))


def test_dirichlet_energy_matches_double_loop():
    rng = np.random.default_rng(0)
    n = 9
    src, dst = random_edges(rng, n, 20)
    x = rng.normal(size=(n, 3))
    a = brute_adjacency(src, dst, n)
    deg = a.sum(axis=1)
    expected = 0.0
    for i in range(n):
        for j in range(n):
            diff = x[i] / np.sqrt(1 + deg[i]) - x[j] / np.sqrt(1 + deg[j])
            expected += 0.5 * a[i, j] * diff @ diff
    assert dirichlet_energy(x, src, dst) == pytest.approx(expected, rel=1e-12)
    laplacian = np.eye(n) - brute_augmented(src, dst, n)
    assert dirichlet_energy(x, src, dst) == pytest.approx(np.trace(x.T @ laplacian @ x), rel=1e-10)


def test_unnormalised_energy_is_the_combinatorial_laplacian_form():
    rng = np.random.default_rng(1)
    n = 8
    src, dst = random_edges(rng, n, 16)
    x = rng.normal(size=(n, 2))
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((int(s), int(d)) for s, d in zip(src, dst) if s != d)
    laplacian = nx.laplacian_matrix(graph, nodelist=range(n)).toarray()
    assert dirichlet_energy_unnormalised(x, src, dst) == pytest.approx(np.trace(x.T @ laplacian @ x))


def test_energy_accepts_torch_and_ignores_direction():
    x = np.array([[1.0], [3.0], [0.0]])
    one_way = dirichlet_energy(x, [0, 1], [1, 2])
    both_ways = dirichlet_energy(torch.tensor(x, requires_grad=True), [0, 1, 1, 2], [1, 0, 2, 1])
    assert one_way == both_ways
    # path 0-1-2, degrees 1, 2, 1: (1/sqrt2 - 3/sqrt3)^2 + (3/sqrt3 - 0)^2
    assert one_way == pytest.approx((1 / np.sqrt(2) - np.sqrt(3)) ** 2 + 3.0)


def brute_mad(x: np.ndarray, mask: np.ndarray) -> float:
    """Chen et al.'s formula written out: D = 1 - cos, masked, two-stage nonzero average."""
    n = len(x)
    per_node = []
    for i in range(n):
        values = []
        for j in range(n):
            if not mask[i, j]:
                continue
            ni, nj = np.linalg.norm(x[i]), np.linalg.norm(x[j])
            cos = x[i] @ x[j] / (ni * nj) if ni > 0 and nj > 0 else 0.0
            values.append(1.0 - cos)
        positive = [v for v in values if v > 1e-12]
        per_node.append(sum(positive) / len(positive) if positive else 0.0)
    positive = [v for v in per_node if v > 0]
    return sum(positive) / len(positive) if positive else 0.0


@pytest.mark.parametrize("chunk", [3, 1024])
def test_mad_matches_chen_et_al_formula(monkeypatch, chunk):
    monkeypatch.setattr(smoothing, "MAD_CHUNK_ROWS", chunk)
    rng = np.random.default_rng(2)
    n = 10
    x = rng.normal(size=(n, 4))
    x[3] = 0.0          # a dead (all-zero) node
    x[5] = 2.0 * x[4]   # parallel rows: distance exactly 0 is excluded from the averages
    src, dst = random_edges(rng, n, 25)
    src, dst = np.append(src, 4), np.append(dst, 5)
    neighbours = brute_adjacency(src, dst, n) > 0
    assert mean_average_distance(x, src, dst) == pytest.approx(brute_mad(x, neighbours))
    all_pairs = ~np.eye(n, dtype=bool)
    assert mean_average_distance(x) == pytest.approx(brute_mad(x, all_pairs))


def test_mad_is_zero_for_identical_rows_and_rejects_half_edges():
    x = np.ones((4, 3))
    assert mean_average_distance(x, [0, 1, 2], [1, 2, 3]) == 0.0
    assert mean_average_distance(x) == 0.0
    with pytest.raises(ValueError, match="both src and dst"):
        mean_average_distance(x, [0, 1])


def brute_invariant_distance(x, src, dst) -> float:
    n = len(x)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((int(s), int(d)) for s, d in zip(src, dst) if s != d)
    columns = []
    for component in nx.connected_components(graph):
        column = np.zeros(n)
        for node in component:
            column[node] = np.sqrt(1 + graph.degree(node))
        columns.append(column)
    basis = np.stack(columns, axis=1)
    coef, *_ = np.linalg.lstsq(basis, x, rcond=None)
    return float(np.linalg.norm(x - basis @ coef))


def test_invariant_distance_matches_least_squares_projection():
    rng = np.random.default_rng(3)
    n = 12
    src, dst = random_edges(rng, n, 10)   # sparse: several components and isolated nodes
    x = rng.normal(size=(n, 3))
    assert invariant_distance(x, src, dst) == pytest.approx(brute_invariant_distance(x, src, dst))
    # a state inside M (D~^{1/2} 1 on one component, times any row vector) is at distance 0
    p = augmented_adjacency(src, dst, n).toarray()
    inside = np.linalg.matrix_power(p, 400) @ x
    assert invariant_distance(inside, src, dst) == pytest.approx(0.0, abs=1e-8)


def brute_lambda(src, dst, n) -> float:
    p = brute_augmented(src, dst, n)
    mu = np.sort(np.linalg.eigvalsh(np.eye(n) - p))
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((int(s), int(d)) for s, d in zip(src, dst) if s != d)
    m = nx.number_connected_components(graph)
    return max(abs(1 - mu[m]), abs(1 - mu[-1]))


def test_lambda_dense_and_sparse_paths_match_the_spectrum(monkeypatch):
    rng = np.random.default_rng(4)
    n = 40
    src, dst = random_edges(rng, n, 70)
    expected = brute_lambda(src, dst, n)
    assert oono_suzuki_lambda(src, dst, n) == pytest.approx(expected, abs=1e-10)
    monkeypatch.setattr(smoothing, "DENSE_SPECTRUM_LIMIT", 0)
    assert oono_suzuki_lambda(src, dst, n) == pytest.approx(expected, abs=1e-7)
    assert oono_suzuki_lambda([], [], 3) == 0.0


def test_lambda_of_a_single_edge():
    # P of K2 with loops is [[1/2, 1/2], [1/2, 1/2]]: eigenvalues 1 and 0
    assert oono_suzuki_lambda([0], [1], 2) == pytest.approx(0.0, abs=1e-12)
    # path 0-1-2: P has eigenvalues 1, 1/2 (on (1, 0, -1)) and -1/6 (trace 4/3)
    assert oono_suzuki_lambda([0, 1], [1, 2], 3) == pytest.approx(0.5)


@pytest.mark.parametrize("relu", [False, True])
def test_oono_suzuki_bound_holds_for_random_gcn_stacks(relu):
    rng = np.random.default_rng(5 + relu)
    for _ in range(20):
        n = int(rng.integers(4, 15))
        src, dst = random_edges(rng, n, int(rng.integers(2, 3 * n)))
        p = brute_augmented(src, dst, n)
        lam = oono_suzuki_lambda(src, dst, n)
        d = int(rng.integers(1, 5))
        x = rng.normal(size=(n, d))
        weights = [rng.normal(scale=0.8, size=(d, d)) for _ in range(4)]
        states = [x]
        for w in weights:
            z = p @ states[-1] @ w
            states.append(np.maximum(z, 0.0) if relu else z)
        distances = np.array([invariant_distance(h, src, dst) for h in states])
        s = [np.linalg.norm(w, 2) for w in weights]
        bound = oono_suzuki_bound(distances[0], lam, s)
        assert np.all(distances <= bound * (1 + 1e-9) + 1e-12)


def test_oono_suzuki_bound_is_attained_by_the_slowest_eigenvector():
    src, dst = [0, 1, 2, 3], [1, 2, 3, 4]   # a path: one component
    p = augmented_adjacency(src, dst, 5).toarray()
    eig, vec = np.linalg.eigh(p)
    lam = oono_suzuki_lambda(src, dst, 5)
    slow = vec[:, np.argmin(np.abs(np.abs(eig) - lam))][:, None]
    states = [slow]
    for _ in range(3):
        states.append(p @ states[-1])
    distances = [invariant_distance(h, src, dst) for h in states]
    assert distances == pytest.approx(oono_suzuki_bound(distances[0], lam, [1.0] * 3))


def test_energy_contracts_by_lambda_squared_per_propagation():
    """E(PX) <= lambda^2 E(X): the per-layer energy rate the oversmoothing hypothesis uses."""
    rng = np.random.default_rng(7)
    for _ in range(20):
        n = int(rng.integers(3, 12))
        src, dst = random_edges(rng, n, 2 * n)
        p = augmented_adjacency(src, dst, n).toarray()
        x = rng.normal(size=(n, 3))
        lam = oono_suzuki_lambda(src, dst, n)
        assert dirichlet_energy(p @ x, src, dst) <= lam ** 2 * dirichlet_energy(x, src, dst) + 1e-12


def test_smoothing_profile_lists_every_measure_per_layer():
    rng = np.random.default_rng(8)
    src, dst = [0, 1, 2], [1, 2, 0]
    states = [rng.normal(size=(3, 2)) for _ in range(3)]
    profile = smoothing_profile(states, src, dst)
    assert set(profile) == {"energy", "energy_unnormalised", "mad", "invariant_distance"}
    assert all(len(values) == 3 for values in profile.values())
    assert profile["energy"][1] == dirichlet_energy(states[1], src, dst)
