import itertools

import networkx as nx
import numpy as np
import pytest

import depthlab.theory.curvature as curvature
from depthlab.theory.curvature import balanced_forman_curvature


def set_definition(graph, i, j):
    """Topping et al. 2022, Definition 1, literally, with Python sets."""
    d_i, d_j = graph.degree[i], graph.degree[j]
    if min(d_i, d_j) == 1:
        return 0.0
    S = lambda a: set(graph[a])                        # noqa: E731
    B = lambda a: S(a) | {a}                           # noqa: E731
    triangles = S(i) & S(j)
    squares_i = {k for k in S(i) - B(j) if (S(k) & S(j)) - B(i)}
    squares_j = {w for w in S(j) - B(i) if (S(w) & S(i)) - B(j)}
    gamma = max([len((S(k) & S(j)) - B(i)) for k in squares_i]
                + [len((S(w) & S(i)) - B(j)) for w in squares_j] + [0])
    value = (2 / d_i + 2 / d_j - 2 + 2 * len(triangles) / max(d_i, d_j)
             + len(triangles) / min(d_i, d_j))
    if gamma:
        value += (len(squares_i) + len(squares_j)) / (gamma * max(d_i, d_j))
    return value


def of(graph):
    edges = np.array(graph.edges(), dtype=np.int64).reshape(-1, 2)
    return balanced_forman_curvature(edges[:, 0], edges[:, 1], graph.number_of_nodes())


@pytest.mark.parametrize("seed", range(60))
def test_matches_the_set_definition_on_random_graphs(seed):
    rng = np.random.default_rng(seed)
    graph = nx.gnp_random_graph(int(rng.integers(4, 16)), rng.uniform(0.1, 0.7), seed=seed)
    expected = [set_definition(graph, a, b) for a, b in graph.edges()]
    assert of(graph) == pytest.approx(expected)


def test_matches_the_set_definition_in_small_chunks(monkeypatch):
    monkeypatch.setattr(curvature, "WEDGE_CHUNK", 5)
    graph = nx.powerlaw_cluster_graph(60, 3, 0.6, seed=2)               # hubs and triangles
    expected = [set_definition(graph, a, b) for a, b in graph.edges()]
    assert of(graph) == pytest.approx(expected)


@pytest.mark.parametrize("n", [3, 4, 5, 9])
def test_complete_graphs(n):
    assert of(nx.complete_graph(n)) == pytest.approx(np.full(n * (n - 1) // 2, n / (n - 1)))


def test_cycles_grids_and_leaves():
    assert of(nx.cycle_graph(4)) == pytest.approx(np.ones(4))
    for n in (5, 6, 11):
        assert of(nx.cycle_graph(n)) == pytest.approx(np.zeros(n))
    grid = nx.convert_node_labels_to_integers(nx.grid_2d_graph(7, 7), label_attribute="rc")
    values = of(grid)
    interior = [all(0 < c < 6 for c in grid.nodes[a]["rc"] + grid.nodes[b]["rc"])
                for a, b in grid.edges()]
    assert values[interior] == pytest.approx(0)
    assert of(nx.star_graph(5)) == pytest.approx(np.zeros(5))
    tailed = nx.Graph([(0, 1), (1, 2), (0, 2), (2, 3)])
    assert of(tailed)[-1] == 0.0                                         # edge to the leaf


def test_direction_and_repeats_do_not_matter():
    graph = nx.gnp_random_graph(12, 0.4, seed=5)
    edges = np.array(graph.edges())
    once = balanced_forman_curvature(edges[:, 0], edges[:, 1])
    u = np.concatenate([edges[:, 0], edges[:, 1], edges[:, 0]])
    v = np.concatenate([edges[:, 1], edges[:, 0], edges[:, 1]])
    assert balanced_forman_curvature(u, v) == pytest.approx(np.tile(once, 3))


def test_self_loops_and_ids_are_rejected():
    with pytest.raises(ValueError, match=r"edge 1 \(2, 2\) is a self-loop"):
        balanced_forman_curvature(np.array([0, 2]), np.array([1, 2]))
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        balanced_forman_curvature(np.array([0]), np.array([3]), num_nodes=2)


def test_complete_bipartite_graphs_have_degenerate_squares():
    # every k in #Q_i closes a 4-cycle through several w: g_max > 1
    for n, m in itertools.product((2, 3), (3, 4)):
        g = nx.complete_bipartite_graph(n, m)
        assert of(g) == pytest.approx([set_definition(g, a, b) for a, b in g.edges()])
