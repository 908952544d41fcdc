import networkx as nx
import numpy as np
import pytest
import sympy

import depthlab.theory.receptive_field as rf
from depthlab.tasks import make_task
from depthlab.theory.receptive_field import (ball_size, ball_size_formula, receptive_field_sizes,
                                    task_ball_family)


def arrays(graph):
    edges = np.array(graph.edges(), dtype=np.int64).reshape(-1, 2)
    return edges[:, 0], edges[:, 1], np.zeros(graph.number_of_nodes())


def both_ways(graph):
    return arrays(graph.to_directed())


@pytest.mark.parametrize("seed", range(5))
def test_bfs_matches_networkx_along_in_edges(seed, monkeypatch):
    monkeypatch.setattr(rf, "BFS_CHUNK", 7)                          # several chunks
    graph = nx.gnp_random_graph(50, 0.05, seed=seed, directed=True)
    reverse = graph.reverse()
    for depth in range(5):
        expected = [len(nx.single_source_shortest_path_length(reverse, v, cutoff=depth))
                    for v in range(50)]
        assert receptive_field_sizes(arrays(graph), depth).tolist() == expected


@pytest.mark.parametrize("arity,height", [(2, 4), (3, 3)])
def test_tree_closed_form_matches_bfs_at_the_root(arity, height):
    tree = nx.balanced_tree(arity, height)                          # BFS numbering, root 0
    child_to_parent = nx.DiGraph((max(a, b), min(a, b)) for a, b in tree.edges())
    for depth in range(height + 3):
        expected = ball_size("tree", depth, m=arity, r=height)
        assert receptive_field_sizes(arrays(child_to_parent), depth, [0]).tolist() == [expected]
        assert receptive_field_sizes(both_ways(tree), depth, [0]).tolist() == [expected]


def test_grid_chain_and_ring_closed_forms_match_bfs():
    grid = nx.convert_node_labels_to_integers(nx.grid_2d_graph(13, 13))
    centre = 6 * 13 + 6
    chain = nx.path_graph(21)
    for depth in range(7):
        assert receptive_field_sizes(both_ways(grid), depth, [centre])[0] == ball_size("grid", depth)
        assert receptive_field_sizes(both_ways(chain), depth, [10])[0] == ball_size("chain", depth)
    for n in (5, 6):
        ring = nx.cycle_graph(n)
        for depth in range(n + 1):
            sizes = receptive_field_sizes(both_ways(ring), depth)
            assert (sizes == ball_size("ring", depth, n=n)).all()


def test_formulas_are_the_expected_polynomials():
    L, m, r = sympy.symbols("L m r", integer=True, nonnegative=True)
    assert sympy.expand(ball_size_formula("grid") - (2 * L**2 + 2 * L + 1)) == 0
    assert sympy.expand(ball_size_formula("chain") - (2 * L + 1)) == 0
    assert str(ball_size_formula("tree", m=2, r=3)) == "2**(Min(3, L) + 1) - 1"
    assert ball_size("tree", 3, m=3, r=5) == 1 + 3 + 9 + 27


def test_tree_neighbors_match_targets_follow_the_closed_form():
    ds = make_task("tree-neighbors-match", seed=0, radius=3, arity=3, max_examples=270)
    family, params = task_ball_family(ds.name, ds.params)
    assert (family, params) == ("tree", {"m": 3, "r": 3})
    for depth in (0, 2, 3, 5):
        sizes = receptive_field_sizes(ds, depth, ds.target)
        assert (sizes == ball_size(family, depth, **params)).all()


def test_task_families():
    assert task_ball_family("grid-chain", {"height": 1, "shortcut_p": 0.0}) == ("chain", {})
    assert task_ball_family("grid-chain", {"height": 4, "shortcut_p": 0.0}) == ("grid", {})
    assert task_ball_family("grid-chain", {"height": 5, "width": 1, "shortcut_p": 0.0}) == ("chain", {})
    assert task_ball_family("grid-chain", {"height": 4, "shortcut_p": 0.1}) is None
    assert task_ball_family("csbm", {}) is None


def test_bad_arguments():
    data = arrays(nx.path_graph(3, create_using=nx.DiGraph))
    with pytest.raises(ValueError, match="depth=-1"):
        receptive_field_sizes(data, -1)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        receptive_field_sizes(data, 1, [5])
    with pytest.raises(ValueError, match="family='cube'"):
        ball_size("cube", 1)
    with pytest.raises(ValueError, match="needs parameters"):
        ball_size("ring", 2)
    with pytest.raises(ValueError, match="unknown parameter 'q'"):
        ball_size("tree", 2, q=1)
