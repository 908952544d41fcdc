import networkx as nx
import numpy as np
import pytest

from radius_oracle import ball, feature_view, independence_pvalue, solve, views
from depthlab.tasks import make_task, resolve_params
from depthlab.tasks.grid_chain import (feasible_width, grid_width, max_ring_count, ring_counts,
                               template_edges)


def lattice(height, width):
    """The grid as networkx builds it, relabelled to row * width + col."""
    grid = nx.grid_2d_graph(height, width)
    return nx.relabel_nodes(grid, {(r, c): r * width + c for r, c in grid.nodes})


def test_chain_of_five_with_radius_two_exactly():
    ds = make_task("grid-chain", seed=0, radius=2, width=5, num_examples=40)
    assert (ds.num_graphs, ds.num_nodes, ds.num_classes) == (40, 200, 4)
    for g in range(40):
        src, dst, _ = ds.graph_arrays(g)
        assert list(zip(src.tolist(), dst.tolist())) == [
            (0, 1), (1, 0), (1, 2), (2, 1), (2, 3), (3, 2), (3, 4), (4, 3)]
    x = ds.x.reshape(40, 5, 2)
    target = ds.target - ds.node_ptr[:-1]
    source = np.argmax((x[:, :, 1] > 0), axis=1)
    assert (np.abs(target - source) == 2).all()
    assert (x[np.arange(40), target] == [1, 0]).all() and (x[np.arange(40), source, 0] == 1).all()
    assert ((x != 0).sum(axis=(1, 2)) == 3).all()  # query, key and value; all else (0, 0)
    assert np.array_equal(ds.y, x[np.arange(40), source, 1] - 1)
    assert (ds.radius == 2).all() and set(target.tolist()) == {0, 1, 2, 3, 4}


@pytest.mark.parametrize("height, width", [(1, 7), (3, 4), (5, 5), (2, 1)])
def test_template_edges_are_the_networkx_lattice(height, width):
    src, dst = template_edges(height, width)
    expected = sorted(lattice(height, width).to_directed().edges)
    assert list(zip(src.tolist(), dst.tolist())) == expected


def test_ring_counts_and_feasible_width_match_networkx():
    for height in range(1, 5):
        for width in range(1, 8):
            dist = dict(nx.all_pairs_shortest_path_length(lattice(height, width)))
            for radius in range(1, 7):
                counts = ring_counts(np.arange(height), np.arange(width), height, width, radius)
                expected = [sum(d == radius for d in dist[v].values())
                            for v in range(height * width)]
                assert counts.ravel().tolist() == expected
    for height, radius in [(1, 3), (2, 3), (4, 2)]:
        for k in range(1, 9):
            best = [max(ring_counts(np.arange(height), np.arange(w), height, w, radius).ravel())
                    for w in range(1, 3 * radius)]
            least = next((w + 1 for w, c in enumerate(best) if c >= k), None)
            assert feasible_width(height, radius, k) == least


def test_max_ring_count_over_candidates_is_the_maximum_over_all_nodes():
    for height in range(1, 14):
        for width in range(height, 14):
            for radius in range(1, 16):
                counts = ring_counts(np.arange(height), np.arange(width), height, width, radius)
                assert max_ring_count(height, width, radius) == counts.max()
                assert max_ring_count(width, height, radius) == counts.max()


def test_default_width_is_the_smallest_feasible():
    assert grid_width(resolve_params("grid-chain", radius=5)) == 6
    assert grid_width(resolve_params("grid-chain", radius=5, sources=2)) == 11
    assert grid_width(resolve_params("grid-chain", radius=2, height=3, sources=4)) == 3
    assert grid_width(resolve_params("grid-chain", radius=3, height=3, sources=4)) == 5


def test_grid_examples_against_networkx_distances():
    ds = make_task("grid-chain", seed=4, radius=3, height=4, width=6, sources=3, classes=5,
                   num_examples=60)
    dist = dict(nx.all_pairs_shortest_path_length(lattice(4, 6)))
    eligible = {v for v in range(24) if sum(d == 3 for d in dist[v].values()) >= 3}
    for i in range(60):
        graph = ds.to_networkx(i)
        t = graph.graph["target"]
        sources = [v for v in graph if graph.nodes[v]["x"][1] > 0]
        assert t in eligible and all(dist[t][s] == 3 for s in sources)
        keys = sorted(graph.nodes[s]["x"][0] for s in sources)
        values = [graph.nodes[s]["x"][1] for s in sources]
        assert keys == [1, 2, 3] and all(1 <= v <= 5 for v in values)
        assert 1 <= graph.nodes[t]["x"][0] <= 3 and graph.nodes[t]["x"][1] == 0
        assert solve(graph, set(sources) | {t}) == ds.y[i]


def test_shortcut_radius_is_the_networkx_distance():
    ds = make_task("grid-chain", seed=5, radius=6, height=3, sources=2, shortcut_p=0.1,
                   num_examples=120)
    assert ds.radius.min() < 6 and ds.radius.max() == 6
    for g in range(ds.num_graphs):
        src, dst, x = ds.graph_arrays(g)
        pairs = list(zip(src.tolist(), dst.tolist()))
        assert pairs == sorted(set(pairs)) and all(u != v for u, v in pairs)
        graph = nx.Graph(pairs)
        assert set(pairs) == set(graph.to_directed().edges)  # undirected
        assert all(graph.has_edge(*e) for e in lattice(3, grid_width(ds.params)).edges)
        t = ds.local_target(g)
        match = int(np.flatnonzero((x[:, 0] == x[t, 0]) & (x[:, 1] > 0))[0])
        assert ds.radius[g] == nx.shortest_path_length(graph, t, match)


def test_shortcuts_change_only_edges_and_radii():
    base = make_task("grid-chain", seed=6, radius=4, height=2, sources=3, num_examples=200)
    few = make_task("grid-chain", seed=6, radius=4, height=2, sources=3, num_examples=200,
                    shortcut_p=0.05)
    more = make_task("grid-chain", seed=6, radius=4, height=2, sources=3, num_examples=200,
                     shortcut_p=0.2)
    for name in ("x", "y", "split", "target", "node_ptr"):
        assert np.array_equal(getattr(base, name), getattr(few, name))
        assert np.array_equal(getattr(base, name), getattr(more, name))
    assert (base.radius == 4).all() and base.num_edges < few.num_edges < more.num_edges
    few_edges = set(zip(few.src.tolist(), few.dst.tolist()))
    assert few_edges <= set(zip(more.src.tolist(), more.dst.tolist()))  # nested shortcuts


@pytest.mark.parametrize("shortcut_p", [0.0, 0.15])
def test_radius_claim(shortcut_p):
    ds = make_task("grid-chain", seed=7, radius=4, height=3, sources=2, classes=3,
                   shortcut_p=shortcut_p, num_examples=1200)
    examples = np.arange(len(ds))
    for i in examples[:300]:
        graph = ds.to_networkx(int(i))
        assert solve(graph, ball(graph, int(ds.radius[i]))) == ds.y[i]
        assert solve(graph, ball(graph, int(ds.radius[i]) - 1)) is None
    inner, labels = views(ds, examples, ds.radius - 1, describe=feature_view)
    assert independence_pvalue(inner, labels) > 0.01
    outer, _ = views(ds, examples, ds.radius, describe=feature_view)
    assert independence_pvalue(outer, labels) < 0.01


@pytest.mark.parametrize("params, message", [
    ({"radius": 2, "sources": 3}, r"sources=3 is infeasible .* more than 2 nodes"),
    ({"radius": 4, "width": 4}, r"width=4 is too small .* use width >= 5"),
    ({"radius": 2, "height": 2, "sources": 9}, "at most 4\\*radius = 8"),
    ({"radius": 3, "height": 2, "width": 3, "sources": 3}, "use width >= 6"),
    ({"num_examples": -1}, "num_examples=-1 is out of range"),
    ({"radius": 0}, "radius=0 is out of range"),
    ({"shortcut_p": 1.5}, "shortcut_p=1.5 is out of range"),
    ({"train_fraction": 0.8, "val_fraction": 0.3}, "train_fraction \\+ val_fraction < 1"),
    ({"length": 3}, "unknown parameter"),
])
def test_bad_parameters_are_named(params, message):
    with pytest.raises(ValueError, match=message):
        make_task("grid-chain", **params)
