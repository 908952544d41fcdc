"""Cai & Wang's energy bound from measured weights: exact on an eigenvector, never beaten by
random GCN layers with biases, and its bias term is needed."""
from __future__ import annotations

import numpy as np
import pytest

from depthlab.theory.smoothing import (cai_wang_rate_bound, dirichlet_energy,
                                       oono_suzuki_lambda)
from depthlab.theory.spectrum import augmented_adjacency


def path_graph(n: int) -> tuple[np.ndarray, np.ndarray]:
    u = np.arange(n - 1)
    return np.concatenate([u, u + 1]), np.concatenate([u + 1, u])


def gcn_stack(x, p, weights, biases, relu=True):
    states = [x]
    for w, b in zip(weights, biases):
        h = p @ states[-1] @ w + b
        states.append(np.maximum(h, 0) if relu else h)
    return states


def test_bound_is_attained_on_the_extreme_eigenvector():
    """X the eigenvector of P with |mu| = lambda, W = s I, no bias, identity: the energy
    rate is exactly (s lambda)^2."""
    src, dst = path_graph(7)
    p = augmented_adjacency(src, dst, 7).toarray()
    lam = oono_suzuki_lambda(src, dst, 7)
    mu, vectors = np.linalg.eigh(p)
    x = vectors[:, [np.argmin(np.abs(np.abs(mu) - lam))]]
    states = gcn_stack(x, p, [np.array([[2.0]])] * 3, [np.zeros(1)] * 3, relu=False)
    energies = [dirichlet_energy(h, src, dst) for h in states]
    weights = [{"top_singular_value": 2.0, "bias_norm": 0.0}] * 3
    rate = (energies[-1] / energies[0]) ** (1 / 3)
    bound = cai_wang_rate_bound(energies, weights, lam, dirichlet_energy(np.ones(7), src, dst))
    assert rate == pytest.approx((2.0 * lam) ** 2) and bound == pytest.approx(rate)


def test_random_relu_layers_with_biases_never_beat_the_bound():
    rng = np.random.default_rng(0)
    for trial in range(50):
        n = int(rng.integers(4, 12))
        a = np.triu(rng.random((n, n)) < 0.4, 1)
        u, v = np.nonzero(a)
        if len(u) == 0:
            continue
        src, dst = np.concatenate([u, v]), np.concatenate([v, u])
        p = augmented_adjacency(src, dst, n).toarray()
        d = int(rng.integers(1, 5))
        ws = [rng.normal(size=(d, d)) for _ in range(4)]
        bs = [rng.normal(size=d) * rng.random() for _ in range(4)]
        states = gcn_stack(rng.normal(size=(n, d)), p, ws, bs)
        energies = [dirichlet_energy(h, src, dst) for h in states]
        if min(energies[:-1]) <= 0:
            continue
        weights = [{"top_singular_value": np.linalg.norm(w, 2), "bias_norm": np.linalg.norm(b)}
                   for w, b in zip(ws, bs)]
        bound = cai_wang_rate_bound(energies, weights, oono_suzuki_lambda(src, dst, n),
                                    dirichlet_energy(np.ones(n), src, dst))
        rate = (energies[-1] / energies[0]) ** (1 / 4)
        assert rate <= bound * (1 + 1e-9), trial


def test_the_bias_term_is_needed_on_irregular_graphs():
    """A star: zero input energy after one layer would stay zero without the bias, but a
    bias gives a constant row, which has energy on a graph of unequal degrees."""
    src, dst = np.array([0, 0, 0, 1, 2, 3]), np.array([1, 2, 3, 0, 0, 0])
    ones = dirichlet_energy(np.ones(4), src, dst)
    assert ones > 0
    x = np.sqrt(1.0 + np.array([3, 1, 1, 1]))[:, None] + 0.01 * np.arange(4)[:, None]
    p = augmented_adjacency(src, dst, 4).toarray()
    states = gcn_stack(x, p, [np.eye(1)], [np.array([5.0])], relu=False)
    energies = [dirichlet_energy(h, src, dst) for h in states]
    lam = oono_suzuki_lambda(src, dst, 4)
    without_bias = cai_wang_rate_bound(energies, [{"top_singular_value": 1.0, "bias_norm": 0.0}], lam, ones)
    with_bias = cai_wang_rate_bound(energies, [{"top_singular_value": 1.0, "bias_norm": 5.0}], lam, ones)
    assert energies[1] / energies[0] > without_bias
    assert energies[1] / energies[0] <= with_bias


def test_unknown_weights_or_zero_energy_give_nan():
    assert np.isnan(cai_wang_rate_bound([1.0, 0.5], [None], 0.5, 1.0))
    assert np.isnan(cai_wang_rate_bound([1.0, 0.0, 0.0], [{"top_singular_value": 1, "bias_norm": 0}] * 2, 0.5, 1.0))
    assert np.isnan(cai_wang_rate_bound([1.0], [], 0.5, 1.0))
