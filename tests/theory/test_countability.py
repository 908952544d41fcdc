import itertools

import networkx as nx
import numpy as np
import pytest
from networkx.algorithms.isomorphism import GraphMatcher

from depthlab.tasks.motifs import PATTERNS
from depthlab.theory.countability import COUNTABILITY, PATTERN_NAMES, mp_countability
from depthlab.theory.wl import wl_colours


def pattern_graph(name):
    return nx.Graph(PATTERNS[name])


def copies_per_node(graph, name, induced):
    """(graph count, {node: copies containing it}) by brute-force matching."""
    pattern = pattern_graph(name)
    automorphisms = sum(1 for _ in GraphMatcher(pattern, pattern).isomorphisms_iter())
    matcher = GraphMatcher(graph, pattern)
    maps = matcher.subgraph_isomorphisms_iter() if induced else matcher.subgraph_monomorphisms_iter()
    per_node = dict.fromkeys(graph, 0)
    total = 0
    for mapping in maps:
        total += 1
        for node in mapping:
            per_node[node] += 1
    return total // automorphisms, {v: c // automorphisms for v, c in per_node.items()}


def colours_of(graph, rounds):
    graph = nx.convert_node_labels_to_integers(graph)
    edges = np.array(graph.edges(), dtype=np.int64).reshape(-1, 2)
    src = np.concatenate([edges[:, 0], edges[:, 1]])
    dst = np.concatenate([edges[:, 1], edges[:, 0]])
    return wl_colours((src, dst, np.zeros(len(graph))), rounds)


def wl_equivalent_groups():
    """Regular graphs grouped by (n, d): any two in a group are 1-WL equivalent."""
    union = nx.disjoint_union
    groups = [
        [union(nx.cycle_graph(3), nx.cycle_graph(3)), nx.cycle_graph(6)],
        [union(nx.cycle_graph(4), nx.cycle_graph(4)), nx.cycle_graph(8),
         union(nx.cycle_graph(3), nx.cycle_graph(5))],
        [nx.complete_bipartite_graph(3, 3), nx.circular_ladder_graph(3)],
        [union(nx.complete_graph(4), nx.complete_graph(4)), nx.hypercube_graph(3),
         nx.Graph(PATTERNS["chordal-cycle"] + tuple((a + 4, b + 4) for a, b in PATTERNS["chordal-cycle"])
                  + ((1, 5), (3, 7)))]                                   # two induced diamonds
        + [nx.random_regular_graph(3, 8, seed=s) for s in range(6)],
    ]
    return [[nx.convert_node_labels_to_integers(g) for g in group] for group in groups]


def test_table_covers_the_motif_count_patterns():
    assert set(PATTERN_NAMES) == set(PATTERNS)
    assert set(COUNTABILITY) == {(p, i) for p in PATTERNS for i in (False, True)}
    countable = [key for key, entry in COUNTABILITY.items() if entry.countable]
    assert countable == [("3-star", False)]
    for entry in COUNTABILITY.values():
        assert entry.references and entry.reason
        assert (entry.graph_depth is None) == (entry.node_depth is None) == (not entry.countable)


def test_groups_are_wl_equivalent():
    for group in wl_equivalent_groups():
        merged = nx.disjoint_union_all(group)
        colours = colours_of(merged, len(merged))
        sizes = np.cumsum([0] + [len(g) for g in group])
        histograms = {tuple(np.bincount(colours[a:b], minlength=colours.max() + 1))
                      for a, b in zip(sizes[:-1], sizes[1:])}
        assert len(histograms) == 1


@pytest.mark.parametrize("key", [k for k, e in COUNTABILITY.items() if not e.countable])
def test_every_uncountable_pattern_has_a_wl_equivalent_witness_pair(key):
    name, induced = key
    for group in wl_equivalent_groups():
        counts = [copies_per_node(g, name, induced) for g in group]
        totals = {total for total, _ in counts}
        if len(totals) > 1:
            # same colour everywhere, different graph counts, so different node counts too
            node_counts = {c for _, per_node in counts for c in per_node.values()}
            assert len(node_counts) > 1
            return
    pytest.fail(f"no 1-WL equivalent pair separates the counts of {key}")


@pytest.mark.parametrize("seed", range(3))
def test_stars_are_counted_at_the_stated_depths(seed):
    entry = mp_countability("3-star", induced=False)
    graphs = [nx.gnp_random_graph(9, 0.35, seed=seed * 10 + i) for i in range(8)]
    merged = nx.disjoint_union_all(graphs)
    node_colours = colours_of(merged, entry.node_depth)
    count_of_colour = {}
    _, per_node = copies_per_node(merged, "3-star", False)
    for node, count in per_node.items():
        assert count_of_colour.setdefault(node_colours[node], count) == count
    graph_colours = colours_of(merged, entry.graph_depth)
    by_histogram = {}
    for offset, graph in zip(itertools.accumulate([0] + [len(g) for g in graphs]), graphs):
        histogram = tuple(sorted(graph_colours[offset:offset + len(graph)]))
        total = copies_per_node(graph, "3-star", False)[0]
        assert by_histogram.setdefault(histogram, total) == total
        assert total == sum(d * (d - 1) * (d - 2) // 6 for _, d in graph.degree())


def test_unknown_pattern_lists_the_choices():
    with pytest.raises(ValueError, match="triangle, 4-cycle"):
        mp_countability("pentagon", False)
