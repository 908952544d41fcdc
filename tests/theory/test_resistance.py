import networkx as nx
import numpy as np
import pytest

import depthlab.theory.resistance as resistance
from depthlab.theory.resistance import effective_resistance, total_effective_resistance


def edges_of(graph):
    edges = np.array(graph.edges(), dtype=np.int64).reshape(-1, 2)
    return edges[:, 0], edges[:, 1]


@pytest.mark.parametrize("sparse", [False, True])
def test_path_resistance_is_the_distance(sparse, monkeypatch):
    if sparse:
        monkeypatch.setattr(resistance, "DENSE_LIMIT", 0)
    u, v = edges_of(nx.path_graph(9))
    pairs = np.array([(a, b) for a in range(9) for b in range(9)])
    assert effective_resistance(u, v, pairs) == pytest.approx(np.abs(pairs[:, 0] - pairs[:, 1]))


@pytest.mark.parametrize("sparse", [False, True])
def test_cycle_resistance_is_k_n_minus_k_over_n(sparse, monkeypatch):
    if sparse:
        monkeypatch.setattr(resistance, "DENSE_LIMIT", 0)
    n = 11
    u, v = edges_of(nx.cycle_graph(n))
    pairs = np.array([(3, (3 + k) % n) for k in range(n)])
    assert effective_resistance(u, v, pairs) == pytest.approx([k * (n - k) / n for k in range(n)])


@pytest.mark.parametrize("n", [2, 7, 12])
def test_totals_of_paths_and_cycles(n):
    assert total_effective_resistance(*edges_of(nx.path_graph(n))) == pytest.approx((n**3 - n) / 6)
    if n > 2:
        assert total_effective_resistance(*edges_of(nx.cycle_graph(n))) == pytest.approx((n**3 - n) / 12)


@pytest.mark.parametrize("seed", range(4))
def test_random_graphs_match_networkx(seed):
    graph = nx.connected_watts_strogatz_graph(25, 4, 0.3, seed=seed)
    u, v = edges_of(graph)
    pairs = np.array([(a, b) for a in range(25) for b in range(a + 1, 25)])
    expected = nx.resistance_distance(graph)                   # all pairs, dict of dicts
    assert effective_resistance(u, v, pairs) == pytest.approx([expected[a][b] for a, b in pairs])
    assert total_effective_resistance(u, v) == pytest.approx(sum(expected[a][b] for a, b in pairs))


def test_repeats_and_self_loops_are_ignored():
    u, v = edges_of(nx.cycle_graph(5))
    noisy_u = np.concatenate([u, v, [2]])
    noisy_v = np.concatenate([v, u, [2]])
    pairs = [(0, 2), (1, 4)]
    assert effective_resistance(noisy_u, noisy_v, pairs) == pytest.approx(effective_resistance(u, v, pairs))


def test_disconnected_graphs():
    u, v = np.array([0, 2, 3]), np.array([1, 3, 4])
    values = effective_resistance(u, v, [(0, 1), (0, 3), (2, 4), (4, 4), (1, 2)])
    assert values == pytest.approx([1.0, np.inf, 2.0, 0.0, np.inf])
    assert total_effective_resistance(u, v) == np.inf
    assert total_effective_resistance(np.array([0]), np.array([1]), num_nodes=3) == np.inf
    assert total_effective_resistance(np.array([], np.int64), np.array([], np.int64), num_nodes=1) == 0.0


def test_bad_arguments(monkeypatch):
    u, v = edges_of(nx.path_graph(4))
    with pytest.raises(ValueError, match="node 9 does not appear in the edges"):
        effective_resistance(u, v, [(0, 9)])
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        effective_resistance(u, v, [(0, 9)], num_nodes=4)
    monkeypatch.setattr(resistance, "DENSE_LIMIT", 3)
    with pytest.raises(ValueError, match="num_nodes=4 is too large"):
        total_effective_resistance(u, v)


def test_gapped_ids_give_the_answer_of_the_relabelled_graph():
    u, v = edges_of(nx.cycle_graph(5))
    big = np.array([7, 10**12, 3 * 10**15, 42, 2**62])
    pairs = [(0, 2), (1, 4)]
    assert np.allclose(effective_resistance(big[u], big[v], big[np.array(pairs)]),
                       effective_resistance(u, v, pairs))
    assert total_effective_resistance(big[u], big[v]) == pytest.approx(total_effective_resistance(u, v))
