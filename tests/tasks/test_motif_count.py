import itertools
from collections import Counter

import networkx as nx
import numpy as np
import pytest
from networkx.algorithms.isomorphism import GraphMatcher

from seeded_task_checks import assert_deterministic, assert_round_trip
from depthlab.tasks import TaskTooLarge, make_task
from depthlab.tasks.motif_count import FLOAT32_EXACT, labels

# The patterns built independently of tasks.motifs.
ORACLE_PATTERNS = {
    "triangle": nx.cycle_graph(3),
    "4-cycle": nx.cycle_graph(4),
    "3-star": nx.star_graph(3),
    "tailed-triangle": nx.Graph([(0, 1), (1, 2), (0, 2), (2, 3)]),
    "chordal-cycle": nx.complete_graph(4).copy(),
    "k4": nx.complete_graph(4),
}
ORACLE_PATTERNS["chordal-cycle"].remove_edge(1, 3)
FAMILIES = {"er": dict(family="er", n=9, p=0.5), "regular": dict(family="regular", n=9, degree=4)}


def brute_force_node_counts(graph, pattern, induced):
    """Copies of ``pattern`` containing each node: induced by checking every node subset,
    non-induced by counting monomorphisms and dividing by the pattern's automorphisms."""
    counts = Counter()
    size = pattern.number_of_nodes()
    if induced:
        for nodes in itertools.combinations(graph.nodes, size):
            induced_graph = graph.subgraph(nodes)
            if (induced_graph.number_of_edges() == pattern.number_of_edges()
                    and nx.is_isomorphic(induced_graph, pattern)):
                counts.update(nodes)
        return np.array([counts[v] for v in range(len(graph))])
    for mapping in GraphMatcher(graph, pattern).subgraph_monomorphisms_iter():
        counts.update(mapping.keys())
    automorphisms = sum(1 for _ in GraphMatcher(pattern, pattern).isomorphisms_iter())
    return np.array([counts[v] for v in range(len(graph))]) // automorphisms


@pytest.fixture(scope="module")
def oracle():
    """Brute-force counts per family, pattern and inducedness: (graphs, n) arrays."""
    table = {}
    for family, params in FAMILIES.items():
        ds = make_task("motif-count", seed=5, num_graphs=6, **params)
        graphs = [nx.Graph(ds.to_networkx(g).to_undirected()) for g in range(ds.num_graphs)]
        for (name, pattern), induced in itertools.product(ORACLE_PATTERNS.items(), (False, True)):
            table[family, name, induced] = np.stack(
                [brute_force_node_counts(graph, pattern, induced) for graph in graphs])
    return table


@pytest.mark.parametrize("family", list(FAMILIES))
@pytest.mark.parametrize("pattern", list(ORACLE_PATTERNS))
@pytest.mark.parametrize("induced", [False, True])
def test_labels_match_brute_force(oracle, family, pattern, induced):
    expected = oracle[family, pattern, induced]
    common = dict(seed=5, num_graphs=6, pattern=pattern, induced=induced, **FAMILIES[family])
    per_node = make_task("motif-count", level="node", **common)
    assert np.array_equal(per_node.y, expected.ravel().astype(np.float32))
    assert np.array_equal(per_node.target, np.arange(per_node.num_nodes))
    per_graph = make_task("motif-count", level="graph", **common)
    size = ORACLE_PATTERNS[pattern].number_of_nodes()
    assert np.array_equal(per_graph.y, (expected.sum(axis=1) // size).astype(np.float32))
    assert (per_graph.target == -1).all() and per_graph.y.dtype == np.float32
    diameter = nx.diameter(ORACLE_PATTERNS[pattern])
    assert (per_node.radius == diameter).all() and (per_graph.radius == diameter).all()


def test_regular_graphs_have_one_wl_colour_but_different_triangle_counts():
    ds = make_task("motif-count", seed=0, family="regular", num_graphs=20, n=12, degree=3,
                   level="node")
    assert (ds.x == 0).all() and ds.x.shape == (ds.num_nodes, 1) and ds.x.dtype == np.int64
    hashes = set()
    for g in range(ds.num_graphs):
        graph = nx.Graph(ds.to_networkx(g).to_undirected())
        nx.set_node_attributes(graph, 0, "colour")
        per_node = nx.weisfeiler_lehman_subgraph_hashes(graph, node_attr="colour", iterations=4)
        hashes.update(h for node_hashes in per_node.values() for h in node_hashes[-1:])
    assert len(hashes) == 1
    assert len(np.unique(ds.y)) > 1
    per_graph = np.bincount(ds.graph_id, weights=ds.y) / 3
    assert len(np.unique(per_graph)) > 1


def test_graph_arrays_are_sorted_undirected_and_regular():
    ds = make_task("motif-count", seed=0, family="regular", num_graphs=30, n=10, degree=5)
    assert np.array_equal(np.bincount(ds.src, minlength=ds.num_nodes), np.full(300, 5))
    assert np.array_equal(np.diff(ds.edge_ptr), np.full(30, 50))
    codes = ds.src * ds.num_nodes + ds.dst
    assert (np.diff(codes) > 0).all()
    assert set(zip(ds.src.tolist(), ds.dst.tolist())) == set(zip(ds.dst.tolist(), ds.src.tolist()))
    assert (ds.src // 10 == ds.dst // 10).all() and (ds.src != ds.dst).all()
    assert np.array_equal(ds.src[ds.edge_ptr[:-1]] // 10, np.arange(30))


def test_er_edge_density():
    ds = make_task("motif-count", seed=0, num_graphs=100, n=30, p=0.2)
    pairs = 100 * 30 * 29 / 2
    assert abs(ds.num_edges / 2 / pairs - 0.2) < 5 * np.sqrt(0.2 * 0.8 / pairs)


def test_class_labels_clip_at_max_count():
    counts = make_task("motif-count", seed=2, level="node").y.astype(np.int64)
    clipped = make_task("motif-count", seed=2, level="node", label="class", max_count=3)
    assert clipped.num_classes == 4 and clipped.y.dtype == np.int64
    assert np.array_equal(clipped.y, np.minimum(counts, 3))
    unclipped = make_task("motif-count", seed=2, level="node", label="class")
    assert unclipped.num_classes == counts.max() + 1 and np.array_equal(unclipped.y, counts)


def test_node_level_split_keeps_each_graph_whole():
    ds = make_task("motif-count", seed=0, level="node", num_graphs=50)
    per_graph = ds.split.reshape(50, 20)
    assert (per_graph == per_graph[:, :1]).all()
    assert np.bincount(per_graph[:, 0], minlength=3).tolist() == [40, 5, 5]


def test_graph_level_class_split_is_stratified():
    ds = make_task("motif-count", seed=0, label="class", max_count=30, num_graphs=400)
    for label in np.unique(ds.y):
        members = ds.split[ds.y == label]
        assert abs((members == 0).mean() - 0.8) <= 1 / len(members) + 1e-9


def test_counts_beyond_float32_precision_are_refused():
    with pytest.raises(ValueError, match="2\\*\\*24"):
        labels(np.array([FLOAT32_EXACT]), {"label": "count", "pattern": "4-cycle"})


def test_deterministic_and_round_trip(tmp_path):
    assert_deterministic("motif-count", family="regular", level="node", pattern="3-star")
    assert_round_trip("motif-count", tmp_path, label="class", pattern="4-cycle", induced=True)


@pytest.mark.parametrize("params, message", [
    (dict(pattern="house"), "pattern='house' is invalid: expected one of 'triangle', '4-cycle'"),
    (dict(family="regular", n=21, degree=3), "degree=3 with n=21 is invalid: n \\* degree = 63 is odd"),
    (dict(family="regular", n=10, degree=10), "degree=10 with n=10 is invalid"),
    (dict(family="regular", n=30, degree=8), "degree=8 with n=30 is out of range"),
    (dict(max_count=4), "max_count=4 is invalid with label='count'"),
    (dict(train_fraction=0.9, val_fraction=0.2), "train_fraction=0.9, val_fraction=0.2"),
    (dict(p=1.5), "p=1.5 is out of range"),
])
def test_bad_inputs_name_the_parameter(params, message):
    with pytest.raises(ValueError, match=message):
        make_task("motif-count", **params)


def test_dense_stacks_beyond_the_memory_budget_are_refused():
    with pytest.raises(TaskTooLarge, match="memory budget"):
        make_task("motif-count", num_graphs=200, n=5000)
