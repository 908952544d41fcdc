import networkx as nx
import numpy as np
import pytest

from depthlab.tasks.bfs import hop_distances


def test_multi_source_distances_match_networkx_on_a_random_digraph():
    graph = nx.gnp_random_graph(300, 0.01, seed=1, directed=True)
    src, dst = np.array(list(graph.edges)).T
    sources = np.array([0, 7, 7, 150])
    dist = hop_distances(src, dst, 300, sources)
    expected = nx.multi_source_dijkstra_path_length(graph, set(sources.tolist()))
    assert dist.tolist() == [expected.get(v, -1) for v in range(300)]
    capped = hop_distances(src, dst, 300, sources, max_hops=2)
    assert capped.tolist() == [d if d <= 2 else -1 for d in dist.tolist()]
    shuffled = np.random.default_rng(0).permutation(len(src))  # the unsorted-src path
    assert np.array_equal(hop_distances(src[shuffled], dst[shuffled], 300, sources), dist)


def test_edges_are_followed_in_their_direction():
    assert hop_distances(np.array([1, 2]), np.array([0, 1]), 3, np.array([0])).tolist() == [0, -1, -1]
    assert hop_distances(np.array([0, 1]), np.array([1, 2]), 3, np.array([0])).tolist() == [0, 1, 2]


@pytest.mark.parametrize("sources, max_hops, message", [
    (np.array([3]), None, r"sources must lie in \[0, 3\)"),
    (np.array([0]), -1, "max_hops=-1 is invalid"),
])
def test_bad_arguments(sources, max_hops, message):
    with pytest.raises(ValueError, match=message):
        hop_distances(np.array([0]), np.array([1]), 3, sources, max_hops)
