import itertools

import networkx as nx
import numpy as np
import pytest

from depthlab.tasks import make_task
from depthlab.tasks.rewiring import METHODS, resolve_transform, rewire, undirected_keys
from depthlab.theory.curvature import balanced_forman_curvature
from depthlab.theory.resistance import resistance_within_graphs, total_effective_resistance


@pytest.fixture(scope="module")
def trees():
    return make_task("tree-neighbors-match", seed=1, radius=3, max_examples=16, max_permutations=2)


def local_graph(ds, g, src=None, dst=None):
    """Graph g of ``ds`` (or of the edge arrays given) as an undirected simple networkx graph."""
    lo, hi = ds.node_ptr[g], ds.node_ptr[g + 1]
    src = ds.src if src is None else src
    dst = ds.dst if dst is None else dst
    keep = (src >= lo) & (src < hi) & (src != dst)
    graph = nx.Graph()
    graph.add_nodes_from(range(hi - lo))
    graph.add_edges_from(zip((src[keep] - lo).tolist(), (dst[keep] - lo).tolist()))
    return graph


def curvature_of(graph):
    edges = sorted((min(a, b), max(a, b)) for a, b in graph.edges)
    u, v = np.array(edges).T
    return dict(zip(edges, balanced_forman_curvature(u, v, graph.number_of_nodes())))


def added_in_graph(out, g):
    lo, hi = out.node_ptr[g], out.node_ptr[g + 1]
    added = out.extras["rewire_added"]
    return [tuple(e) for e in (added[(added[:, 0] >= lo) & (added[:, 0] < hi)] - lo).tolist()]


def test_sdrf_adds_the_edge_that_most_raises_the_least_curved_edge(trees):
    out = rewire(trees, "sdrf", iterations=1)
    for g in range(trees.num_graphs):
        graph = local_graph(trees, g)
        curvature = curvature_of(graph)
        i, j = min(curvature, key=lambda e: (curvature[e], e))
        gains = {}
        for k, l in itertools.product([i, *graph[i]], [j, *graph[j]]):
            if k != l and not graph.has_edge(k, l):
                graph.add_edge(k, l)
                gains[(min(k, l), max(k, l))] = curvature_of(graph)[(i, j)] - curvature[(i, j)]
                graph.remove_edge(k, l)
        (edge,) = added_in_graph(out, g)
        assert gains[edge] == pytest.approx(max(gains.values())) and gains[edge] > 0


def test_sdrf_removes_the_most_curved_edge_above_c_plus(trees):
    from depthlab.tasks.rewire_sdrf import sdrf

    keys = undirected_keys(trees.src, trees.dst, trees.num_nodes)
    final, added, removed = sdrf(keys, trees.node_ptr, 1, c_plus=0.0)
    assert len(removed) == trees.num_graphs
    grown = np.union1d(keys, added[:, 0] * trees.num_nodes + added[:, 1])
    u, v = np.divmod(grown, trees.num_nodes)
    curvature = balanced_forman_curvature(u, v, trees.num_nodes)
    for g, (a, b) in enumerate(removed.tolist()):
        inside = np.flatnonzero((u >= trees.node_ptr[g]) & (u < trees.node_ptr[g + 1]))
        assert curvature[inside].max() > 0
        assert (a, b) == (u[inside][curvature[inside].argmax()], v[inside][curvature[inside].argmax()])
    assert np.array_equal(final, np.setdiff1d(grown, removed[:, 0] * trees.num_nodes + removed[:, 1]))


def fosr_reference(graph, x, iterations, power_iterations):
    """Karhadkar et al.'s algorithm on one graph, written out with plain numpy loops."""
    adjacency = nx.to_numpy_array(graph, nodelist=range(graph.number_of_nodes()))
    def step(x):
        degree = adjacency.sum(1)
        x = x - x.dot(np.sqrt(degree)) * np.sqrt(degree) / degree.sum()
        y = x + adjacency @ (x / np.sqrt(degree)) / np.sqrt(degree)
        return y / np.linalg.norm(y)
    for _ in range(power_iterations):
        x = step(x)
    added = []
    for _ in range(iterations):
        y = x / np.sqrt(adjacency.sum(1) + 1)
        best = min(((y[a] * y[b], a, b) for a in range(len(y)) for b in range(len(y))
                    if a != b and adjacency[a, b] == 0))
        _, a, b = best
        adjacency[a, b] = adjacency[b, a] = 1
        added.append((min(a, b), max(a, b)))
        x = step(x)
    return added


def spectral_gap(graph):
    return np.sort(nx.normalized_laplacian_spectrum(graph))[1]


def test_fosr_matches_the_reference_and_widens_the_spectral_gap(trees):
    out = rewire(trees, "fosr", iterations=3, power_iterations=20, seed=4)
    start = np.random.default_rng(4).uniform(-1, 1, size=trees.num_nodes)
    for g in range(trees.num_graphs):
        lo, hi = trees.node_ptr[g], trees.node_ptr[g + 1]
        assert added_in_graph(out, g) == sorted(fosr_reference(local_graph(trees, g), start[lo:hi], 3, 20))
        assert spectral_gap(local_graph(out, g)) > spectral_gap(local_graph(trees, g))


def test_gtr_adds_the_edge_that_most_lowers_total_resistance(trees):
    out = rewire(trees, "gtr", iterations=1)
    for g in range(0, trees.num_graphs, 5):
        graph = local_graph(trees, g)
        totals = {}
        for a, b in nx.non_edges(graph):
            u, v = np.array(list(graph.edges) + [(a, b)]).T
            totals[(min(a, b), max(a, b))] = total_effective_resistance(u, v, graph.number_of_nodes())
        (edge,) = added_in_graph(out, g)
        assert totals[edge] == pytest.approx(min(totals.values()))


@pytest.mark.parametrize("method", METHODS)
def test_rewired_edges_stay_in_their_graph_and_radii_are_recomputed(trees, method):
    out = rewire(trees, method, iterations=4)
    assert out.info["transforms"][-1]["edges_added"] == len(out.extras["rewire_added"]) > 0
    owner = np.searchsorted(out.node_ptr, out.src, side="right") - 1
    assert np.array_equal(owner, np.searchsorted(out.node_ptr, out.dst, side="right") - 1)
    assert np.array_equal(owner, np.repeat(np.arange(out.num_graphs), np.diff(out.edge_ptr)))
    pairs = set(zip(out.src.tolist(), out.dst.tolist()))
    assert len(pairs) == out.num_edges
    for a, b in out.extras["rewire_added"].tolist():
        assert (a, b) in pairs and (b, a) in pairs
    for i in range(len(out)):
        graph = out.to_networkx(i)
        source = int(out.extras["source"][i] - out.node_ptr[out.graph_id[i]])
        assert out.radius[i] == nx.shortest_path_length(graph, source, graph.graph["target"])
    assert (out.radius <= trees.radius).all() and np.array_equal(out.extras["radius_before"], trees.radius)
    for name in ("x", "y", "split", "target", "node_ptr"):
        assert np.array_equal(getattr(out, name), getattr(trees, name))


@pytest.mark.parametrize("method", METHODS)
def test_rewiring_is_deterministic_and_round_trips(trees, method, tmp_path):
    first, again = rewire(trees, method, iterations=3), rewire(trees, method, iterations=3)
    assert first.arrays().keys() == again.arrays().keys()
    assert all(np.array_equal(a, again.arrays()[k]) for k, a in first.arrays().items())
    first.save(tmp_path)
    from depthlab.tasks import load_task
    back = load_task(tmp_path)
    assert back.info == first.info and np.array_equal(back.extras["rewire_added"], first.extras["rewire_added"])


def test_measures_before_and_after_match_networkx():
    ds = make_task("transfer", seed=0, topology="clique-path", distance=5, num_examples=3)
    out = rewire(ds, "gtr", iterations=2)
    for i in range(3):
        before, after = local_graph(ds, i), local_graph(out, i)
        source = int(ds.extras["source"][i] - ds.node_ptr[i])
        assert out.extras["resistance_before"][i] == pytest.approx(nx.resistance_distance(before, 0, source))
        assert out.extras["resistance"][i] == pytest.approx(nx.resistance_distance(after, 0, source))
        assert out.extras["commute_time"][i] == pytest.approx(
            2 * after.number_of_edges() * nx.resistance_distance(after, 0, source))
        assert out.extras["curvature_min_after"][i] == pytest.approx(min(curvature_of(after).values()))


def test_resistance_within_graphs_matches_networkx(trees):
    pairs = np.stack([trees.target, trees.target + 9], axis=1)
    values = resistance_within_graphs(trees.src, trees.dst, trees.node_ptr, pairs)
    for g in range(trees.num_graphs):
        assert values[g] == pytest.approx(nx.resistance_distance(local_graph(trees, g), 0, 9))
    with pytest.raises(ValueError, match="spans two graphs"):
        resistance_within_graphs(trees.src, trees.dst, trees.node_ptr, [[0, int(trees.node_ptr[1])]])


def test_undirected_keys_drop_loops_and_directions():
    keys = undirected_keys(np.array([0, 1, 2, 2]), np.array([1, 0, 2, 3]), 4)
    assert keys.tolist() == [1, 2 * 4 + 3]


@pytest.mark.parametrize("call, message", [
    (lambda ds: rewire(ds, "ricci"), "transform name='ricci' is invalid: expected one of sdrf, fosr, gtr"),
    (lambda ds: rewire(ds, "sdrf", iterations=-1), "iterations=-1 is out of range"),
    (lambda ds: rewire(ds, "gtr", c_plus=0.1), "unknown parameter.*c_plus.*transform gtr"),
    (lambda ds: rewire(make_task("csbm", n=60), "fosr"), "cannot rewire task 'csbm'"),
])
def test_bad_requests_are_named(trees, call, message):
    with pytest.raises(ValueError, match=message):
        call(trees)


def test_resolve_transform_fills_defaults():
    assert resolve_transform({"name": "fosr"}) == {"name": "fosr", "iterations": 10,
                                                   "power_iterations": 50, "seed": 0}


@pytest.mark.parametrize("method", METHODS)
def test_large_int32_datasets_keep_their_dtypes_and_ids(method):
    ds = make_task("tree-neighbors-match", seed=0, radius=3)   # 8000 graphs, 120,000 nodes
    assert ds.num_nodes ** 2 > 2**31 and ds.src.dtype == np.int32
    out = rewire(ds, method, iterations=1)
    assert out.src.dtype == ds.src.dtype and out.radius.dtype == ds.radius.dtype
    added = out.extras["rewire_added"]
    assert len(added) == ds.num_graphs and added.min() >= 0
    owner = np.searchsorted(out.node_ptr, added, side="right") - 1
    assert np.array_equal(owner[:, 0], owner[:, 1])
