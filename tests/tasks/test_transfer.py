import networkx as nx
import numpy as np
import pytest

from radius_oracle import ball, exact_view, independence_pvalue, label_distribution_equals_prior, solve, views
from depthlab.tasks import make_task
from depthlab.tasks.registry import get_task_spec
from depthlab.tasks.transfer_graphs import TOPOLOGIES, num_edges, num_nodes, transfer_graph
from depthlab.theory.resistance import effective_resistance


def crossed_ring(n):
    """Di Giovanni's crossed ring, built edge by edge as their generator describes it."""
    graph = nx.cycle_graph(n)
    for i in range(n - 1):
        if i < n // 2:
            graph.add_edge(i, n - 1 - i)
            if n + 1 - i < n:
                graph.add_edge(i, n + 1 - i)
    return graph


def reference(topology, d, m):
    """(networkx graph, target, source) built independently of the generator."""
    if topology == "ring":
        return nx.cycle_graph(2 * d), 0, d
    if topology == "crossed-ring":
        return crossed_ring(2 * d), 0, d
    if topology == "clique-path":
        return nx.lollipop_graph(m, d - 1), 0, m + d - 2
    return nx.barbell_graph(m, d - 3), 0, 2 * m + d - 4


def edge_list(graph):
    return sorted((min(a, b), max(a, b)) for a, b in graph.edges)


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_graphs_are_the_networkx_constructions(topology):
    for d in range(3, 9):
        for m in (3, 4, 6):
            graph = transfer_graph(topology, d, m)
            expected, target, source = reference(topology, d, m)
            assert list(zip(graph.u.tolist(), graph.v.tolist())) == edge_list(expected)
            assert (graph.num_nodes, graph.target, graph.source) == (expected.number_of_nodes(), target, source)
            assert len(graph.u) == num_edges(topology, d, m) and graph.num_nodes == num_nodes(topology, d, m)
            assert nx.shortest_path_length(expected, target, source) == d


def test_tiny_edge_lists_exactly():
    assert list(zip(*transfer_graph("ring", 2, 3)[1:3])) == [(0, 1), (0, 3), (1, 2), (2, 3)]
    crossed = transfer_graph("crossed-ring", 3, 3)
    assert list(zip(crossed.u.tolist(), crossed.v.tolist())) == [
        (0, 1), (0, 5), (1, 2), (1, 4), (2, 3), (2, 5), (3, 4), (4, 5)]
    lollipop = transfer_graph("clique-path", 2, 3)
    assert list(zip(lollipop.u.tolist(), lollipop.v.tolist())) == [(0, 1), (0, 2), (1, 2), (2, 3)]
    assert lollipop.source == 3
    barbell = transfer_graph("barbell", 3, 3)
    assert list(zip(barbell.u.tolist(), barbell.v.tolist())) == [
        (0, 1), (0, 2), (1, 2), (2, 3), (3, 4), (3, 5), (4, 5)]
    assert (barbell.target, barbell.source) == (0, 5)


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_dataset_layout_features_and_labels(topology):
    ds = make_task("transfer", seed=2, topology=topology, distance=4, num_examples=50, classes=5)
    expected, target, source = reference(topology, 4, 3)
    n = expected.number_of_nodes()
    assert (ds.num_graphs, ds.num_nodes, ds.num_classes) == (50, 50 * n, 5)
    for g in (0, 31):
        src, dst, _ = ds.graph_arrays(g)
        assert list(zip(src.tolist(), dst.tolist())) == sorted(expected.to_directed().edges)
    x = ds.x.reshape(50, n, 2)
    assert (x[:, target] == [1, 0]).all() and (x[:, source, 0] == 1).all()
    assert np.array_equal(x[:, source, 1], ds.y + 1)
    assert ((x != 0).sum(axis=(1, 2)) == 3).all()
    assert np.bincount(ds.y).tolist() == [10] * 5 and (ds.radius == 4).all()
    assert np.array_equal(ds.target - ds.node_ptr[:-1], np.zeros(50))
    assert np.array_equal(ds.extras["source"] - ds.node_ptr[:-1], np.full(50, source))


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_resistance_and_commute_time_match_networkx(topology):
    cliques = {"clique_size": 4} if topology in ("clique-path", "barbell") else {}
    ds = make_task("transfer", seed=0, topology=topology, distance=5, num_examples=5, **cliques)
    expected, target, source = reference(topology, 5, 4)
    r = nx.resistance_distance(expected, target, source)
    assert np.allclose(ds.extras["resistance"], r)
    assert np.allclose(ds.extras["commute_time"], 2 * expected.number_of_edges() * r)
    graph = transfer_graph(topology, 5, 4)
    assert effective_resistance(graph.u, graph.v, [[0, graph.source]])[0] == pytest.approx(r)


def test_commute_time_orders_the_topologies_at_equal_distance():
    commute = {t: make_task("transfer", topology=t, distance=6, num_examples=1).extras["commute_time"][0]
               for t in TOPOLOGIES}
    assert commute["ring"] < commute["crossed-ring"] < commute["clique-path"] < commute["barbell"]
    resistance = {t: make_task("transfer", topology=t, distance=6, num_examples=1).extras["resistance"][0]
                  for t in TOPOLOGIES}
    assert resistance["crossed-ring"] < resistance["ring"] == pytest.approx(3.0)


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_radius_claim(topology):
    ds = make_task("transfer", seed=7, topology=topology, distance=4, classes=3, num_examples=300)
    examples = np.arange(len(ds))
    for i in examples[:60]:
        graph = ds.to_networkx(int(i))
        assert solve(graph, ball(graph, 4)) == ds.y[i]
        assert solve(graph, ball(graph, 3)) is None
    inner, labels = views(ds, examples, ds.radius - 1, describe=exact_view)
    assert label_distribution_equals_prior(inner, labels, 3)
    outer, _ = views(ds, examples, ds.radius, describe=exact_view)
    assert independence_pvalue(outer, labels) < 0.01


def test_same_seed_same_dataset_and_labels_move_with_the_seed():
    first = make_task("transfer", seed=5, topology="clique-path", distance=6, num_examples=40)
    again = make_task("transfer", seed=5, topology="clique-path", distance=6, num_examples=40)
    other = make_task("transfer", seed=6, topology="clique-path", distance=6, num_examples=40)
    for key, array in first.arrays().items():
        assert np.array_equal(array, again.arrays()[key]) and array.dtype == again.arrays()[key].dtype
    assert not np.array_equal(first.y, other.y) and np.array_equal(first.src, other.src)


def test_spec_states_the_radius():
    assert get_task_spec("transfer").radius.startswith("= distance")


@pytest.mark.parametrize("params, message", [
    ({"topology": "barbell", "distance": 2}, r"distance=2 is out of range for topology='barbell': expected an int >= 3"),
    ({"distance": 1}, r"distance=1 is out of range: expected an int in \[2, 100000\]"),
    ({"topology": "star"}, "topology='star' is invalid: expected one of 'ring'"),
    ({"topology": "ring", "clique_size": 4}, "clique_size=4 is invalid for topology='ring'"),
    ({"topology": "barbell", "clique_size": 2}, r"clique_size=2 is out of range"),
    ({"classes": 1}, "classes=1 is out of range"),
    ({"train_fraction": 0.95, "val_fraction": 0.1}, r"train_fraction \+ val_fraction < 1"),
])
def test_bad_parameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        make_task("transfer", **params)
