import networkx as nx
import numpy as np
import pytest

import depthlab.theory.wl as wl
from depthlab.theory.wl import exact_row_ids, row_ranks, wl_colours, wl_graph_colours
from wl_oracle import naive_wl, same_partition


def both_ways(graph):
    edges = np.array(graph.edges(), dtype=np.int64).reshape(-1, 2)
    return np.concatenate([edges[:, 0], edges[:, 1]]), np.concatenate([edges[:, 1], edges[:, 0]])


@pytest.mark.parametrize("seed", range(12))
def test_partitions_match_networkx_subgraph_hashes(seed):
    rng = np.random.default_rng(seed)
    graph = nx.gnp_random_graph(40, 0.08, seed=seed)
    x = rng.integers(0, 3, 40)
    nx.set_node_attributes(graph, {v: str(x[v]) for v in graph}, "label")
    hashes = nx.weisfeiler_lehman_subgraph_hashes(graph, node_attr="label", iterations=4)
    src, dst = both_ways(graph)
    for rounds in range(1, 5):
        theirs = [hashes[v][rounds - 1] for v in range(40)]
        assert same_partition(wl_colours((src, dst, x), rounds), theirs)


@pytest.mark.parametrize("seed", range(12))
def test_directed_multigraphs_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    n, e = 30, 70
    src, dst = rng.integers(0, n, e), rng.integers(0, n, e)      # self-loops and repeats
    x = rng.integers(0, 2, (n, 2))
    for rounds in range(5):
        assert same_partition(wl_colours((src, dst, x), rounds), naive_wl(src, dst, x, rounds))


@pytest.mark.parametrize("seed", range(6))
def test_colours_of_chosen_nodes_match_the_full_refinement(seed):
    rng = np.random.default_rng(seed)
    n = 60
    src, dst = rng.integers(0, n, 120), rng.integers(0, n, 120)
    x = rng.integers(0, 2, n)
    nodes = rng.choice(n, 8)
    for rounds in range(6):
        chosen = wl_colours((src, dst, x), rounds, nodes=nodes)
        assert same_partition(chosen, np.array(naive_wl(src, dst, x, rounds))[nodes])


def test_in_neighbour_convention_on_a_directed_path():
    src, dst, x = np.array([0, 1]), np.array([1, 2]), np.zeros(3)
    assert same_partition(wl_colours((src, dst, x), 1), [0, 1, 1])
    assert same_partition(wl_colours((src, dst, x), 2), [0, 1, 2])
    assert same_partition(wl_colours((dst, src, x), 1), [0, 0, 1])


def test_colours_are_comparable_across_the_graphs_of_a_dataset():
    rng = np.random.default_rng(3)
    graph = nx.gnp_random_graph(25, 0.15, seed=3)
    src, dst = both_ways(graph)
    perm = rng.permutation(25)                         # the same graph, relabelled, as graph 2
    all_src = np.concatenate([src, perm[src] + 25])
    all_dst = np.concatenate([dst, perm[dst] + 25])
    colours = wl_colours((all_src, all_dst, np.zeros(50)), 3)
    assert (colours[:25] == colours[25 + perm]).all()


def test_refinement_stops_once_stable_with_the_same_partition():
    graph = nx.random_regular_graph(3, 20, seed=1)
    src, dst = both_ways(graph)
    x = np.arange(20) % 2
    assert same_partition(wl_colours((src, dst, x), 6), wl_colours((src, dst, x), 60))
    assert same_partition(wl_colours((src, dst, x), 60), naive_wl(src, dst, x, 60))


def test_graph_colours_are_colour_histograms():
    # graphs: a 3-path, the same path relabelled, a triangle (undirected, constant features)
    src = np.array([0, 1, 1, 2, 4, 3, 5, 4, 6, 7, 7, 8, 8, 6])
    dst = np.array([1, 0, 2, 1, 3, 4, 4, 5, 7, 6, 8, 7, 6, 8])
    node_ptr = np.array([0, 3, 6, 9])
    colours = wl_colours((src, dst, np.zeros(9)), 1)
    graph = wl_graph_colours(node_ptr, colours)
    assert graph[0] == graph[1] != graph[2]
    assert (wl_graph_colours(node_ptr, np.zeros(9, np.int64)) == 0).all()


def test_exact_ids_survive_hash_collisions(monkeypatch):
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 3, (200, 4))
    honest = exact_row_ids(rows)
    monkeypatch.setattr(wl, "_mix", lambda values: np.zeros_like(values))   # every row collides
    colliding = exact_row_ids(rows)
    assert same_partition(honest, colliding)
    assert same_partition(honest, row_ranks(rows))
    assert len(np.unique(honest)) == len(np.unique(rows, axis=0))


def test_row_ranks_are_lexicographic():
    rows = np.array([[2, 0], [1, 5], [2, 0], [1, 4]])
    assert row_ranks(rows).tolist() == [2, 1, 2, 0]


def test_dataset_input_and_bad_arguments(tiny_dataset):
    assert len(wl_colours(tiny_dataset, 2)) == tiny_dataset.num_nodes
    with pytest.raises(ValueError, match="rounds=-1"):
        wl_colours(tiny_dataset, -1)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        wl_colours((np.array([0]), np.array([3]), np.zeros(3)), 1)
    with pytest.raises(ValueError, match="nodes must lie"):
        wl_colours(tiny_dataset, 1, nodes=[99])
    with pytest.raises(TypeError, match="TaskDataset"):
        wl_colours([1, 2, 3], 1)
