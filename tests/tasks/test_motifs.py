import networkx as nx
import numpy as np
import pytest
from networkx.algorithms.isomorphism import GraphMatcher

import depthlab.tasks.motifs as motifs
from depthlab.tasks.motifs import (PATTERN_DIAMETER, PATTERNS, SUPERGRAPH_COPIES, graph_counts,
                          node_counts, pattern_size)


def as_stack(*graphs):
    """networkx graphs on nodes 0..n-1 (same n) as a (G, n, n) bool stack."""
    return np.stack([nx.to_numpy_array(g, nodelist=range(len(g))) > 0 for g in graphs])


def spanning_copies(small, large):
    """Subgraphs of ``large`` isomorphic to ``small``, both on 4 nodes (networkx oracle)."""
    automorphisms = sum(1 for _ in GraphMatcher(small, small).isomorphisms_iter())
    return sum(1 for _ in GraphMatcher(large, small).subgraph_monomorphisms_iter()) // automorphisms


def test_supergraph_table_matches_networkx():
    graphs = {name: nx.Graph(edges) for name, edges in PATTERNS.items()}
    for small, row in SUPERGRAPH_COPIES.items():
        for large in PATTERNS:
            if large == small or pattern_size(large) != pattern_size(small):
                continue
            assert row.get(large, 0) == spanning_copies(graphs[small], graphs[large]), (small, large)


def test_pattern_diameters_and_sizes():
    for name, edges in PATTERNS.items():
        assert PATTERN_DIAMETER[name] == nx.diameter(nx.Graph(edges))
        assert pattern_size(name) == nx.Graph(edges).number_of_nodes()


# Counts in K5, by hand: C(5,3) triangles, C(5,4) K4s, 3 four-cycles per 4-set, a 3-star per
# centre and leaf triple (5 * 4), a tailed triangle per triangle, attach node and tail
# (10 * 3 * 2), a diamond per chord and pair of the other three (10 * 3).
K5_COUNTS = {"triangle": 10, "k4": 5, "4-cycle": 15, "3-star": 20, "tailed-triangle": 60,
             "chordal-cycle": 30}


@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_complete_graph_counts(pattern):
    per_node = node_counts(as_stack(nx.complete_graph(5)), pattern)
    assert graph_counts(per_node, pattern).tolist() == [K5_COUNTS[pattern]]
    assert (per_node == K5_COUNTS[pattern] * pattern_size(pattern) // 5).all()
    induced = graph_counts(node_counts(as_stack(nx.complete_graph(5)), pattern, True), pattern)
    assert induced.tolist() == [K5_COUNTS[pattern] if pattern in ("triangle", "k4") else 0]


def test_small_graphs_by_hand():
    # paw: triangle 0-1-2 with tail 2-3; C4 0-1-2-3; star centred on 0.
    paw = nx.Graph([(0, 1), (1, 2), (0, 2), (2, 3)])
    stack = as_stack(paw, nx.cycle_graph(4), nx.star_graph(3))
    assert node_counts(stack, "triangle").tolist() == [[1, 1, 1, 0], [0] * 4, [0] * 4]
    assert node_counts(stack, "tailed-triangle", induced=True).tolist() == [[1] * 4, [0] * 4, [0] * 4]
    assert node_counts(stack, "3-star").tolist() == [[1] * 4, [0] * 4, [1] * 4]
    assert node_counts(stack, "3-star", induced=True).tolist() == [[0] * 4, [0] * 4, [1] * 4]
    assert graph_counts(node_counts(stack, "4-cycle"), "4-cycle").tolist() == [0, 1, 0]


def test_chunked_counts_equal_unchunked(monkeypatch):
    rng = np.random.default_rng(0)
    rows, cols = np.triu_indices(12, 1)
    adj = np.zeros((7, 12, 12), dtype=bool)
    adj[:, rows, cols] = rng.random((7, len(rows))) < 0.6
    adj |= adj.transpose(0, 2, 1)
    whole = {p: node_counts(adj, p, induced=True) for p in PATTERNS}
    monkeypatch.setattr(motifs, "_CHUNK_ELEMENTS", 150)
    for pattern, counts in whole.items():
        assert np.array_equal(node_counts(adj, pattern, induced=True), counts), pattern


def test_unknown_pattern_lists_the_choices():
    with pytest.raises(ValueError, match="pattern='house' is invalid: expected one of 'triangle'"):
        node_counts(np.zeros((1, 4, 4), dtype=bool), "house")
