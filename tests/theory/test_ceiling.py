import numpy as np
import pytest

from depthlab.tasks import make_task
from depthlab.theory.ceiling import best_accuracy, example_colours, least_mse, mp_ceiling
from wl_oracle import dataset_from_graphs, naive_wl, undirected


def star(leaves):
    return leaves + 1, undirected([(0, i) for i in range(1, leaves + 1)])


def path(n):
    return n, undirected([(i, i + 1) for i in range(n - 1)])


def test_node_level_ceiling_by_hand():
    # targets: centre of a 2-star (x4, labels 0,0,1 train / 1 test), centre of a 3-star
    # (x2, labels 1,1 train), end of a 2-path (label 0 test).
    graphs = [star(2)] * 4 + [star(3)] * 2 + [path(3)]
    ds = dataset_from_graphs(graphs, [0] * 6 + [0], [0, 0, 1, 1, 1, 1, 0],
                             [0, 0, 0, 2, 0, 0, 2], num_classes=2)
    assert mp_ceiling(ds, 0) == {"train": 3 / 5, "test": 1 / 2}     # one colour: majority
    assert mp_ceiling(ds, 1) == {"train": 4 / 5, "test": 1.0}       # degrees split them


def test_graph_level_ceiling_uses_colour_histograms():
    # a 3-path and a 3-star differ after one round; two 3-paths never do
    graphs = [path(4), path(4), star(3), star(3)]
    ds = dataset_from_graphs(graphs, [0] * 4, [0, 1, 1, 1], [0, 0, 0, 0], num_classes=2,
                             level="graph")
    assert mp_ceiling(ds, 0) == {"train": 3 / 4}
    assert mp_ceiling(ds, 1) == {"train": 3 / 4}                    # paths tie at 1/2, star 2/2
    colours = example_colours(ds, 1)
    assert colours[0] == colours[1] != colours[2] == colours[3]


def test_regression_ceiling_is_the_within_colour_variance():
    graphs = [star(2), star(2), star(3), star(3)]
    ds = dataset_from_graphs(graphs, [0] * 4, [1.0, 3.0, 5.0, 5.0], [0, 0, 0, 0], num_classes=None)
    assert mp_ceiling(ds, 0) == pytest.approx({"train": np.var([1, 3, 5, 5])})
    assert mp_ceiling(ds, 1) == pytest.approx({"train": (1 + 1 + 0 + 0) / 4})


@pytest.mark.parametrize("seed", range(4))
def test_ceiling_matches_brute_force_on_random_datasets(seed):
    rng = np.random.default_rng(seed)
    graphs = []
    for _ in range(30):
        n = int(rng.integers(2, 7))
        edges = [(int(a), int(b)) for a, b in rng.integers(0, n, (n + 1, 2))]
        graphs.append((n, edges))
    labels = rng.integers(0, 3, 30)
    ds = dataset_from_graphs(graphs, [0] * 30, labels, rng.integers(0, 3, 30), num_classes=3,
                             x=[rng.integers(0, 2, n) for n, _ in graphs])
    for depth in range(4):
        colours = np.array(naive_wl(ds.src, ds.dst, ds.x, depth))[ds.target]
        expected = {}
        for code, split in enumerate(("train", "val", "test")):
            members = np.flatnonzero(ds.split == code)
            if len(members):
                best = sum(max(np.sum(labels[members][colours[members] == c] == y) for y in range(3))
                           for c in set(colours[members]))
                expected[split] = best / len(members)
        assert mp_ceiling(ds, depth) == pytest.approx(expected)


@pytest.mark.parametrize("radius", [2, 3])
def test_tree_neighbors_match_ceiling_is_query_only_below_the_radius(radius):
    ds = make_task("tree-neighbors-match", seed=1, radius=radius)
    query = ds.x[ds.target, 0]
    for depth in range(radius + 2):
        ceiling = mp_ceiling(ds, depth)
        for split, value in ceiling.items():
            idx = ds.split_indices(split)
            query_only = best_accuracy(query[idx], ds.y[idx])
            assert value == (1.0 if depth >= radius else query_only)
    assert query_only < 2 / 2**radius                                 # about chance


@pytest.mark.parametrize("level", ["node", "graph"])
def test_random_regular_motif_counts_get_the_constant_predictor(level):
    ds = make_task("motif-count", seed=0, family="regular", degree=3, n=10, num_graphs=40,
                   level=level, pattern="triangle")
    assert ds.y.std() > 0
    for depth in (0, 1, 3):
        for split, value in mp_ceiling(ds, depth).items():
            assert value == pytest.approx(np.var(ds.y[ds.split_indices(split)].astype(np.float64)))


def test_helpers_and_errors(tiny_dataset):
    assert best_accuracy(np.array([0, 0, 1]), np.array([2, 2, 1])) == 1.0
    assert least_mse(np.array([0, 0, 1]), np.array([1.0, 3.0, 7.0])) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="depth=-1"):
        mp_ceiling(tiny_dataset, -1)


def test_refinement_stops_when_the_colouring_is_stable():
    from depthlab.tasks import make_task
    from depthlab.theory.ceiling import mp_ceiling_until_stable

    ds = make_task("tree-neighbors-match", seed=0, radius=3)
    splits, rounds = mp_ceiling_until_stable(ds, 10**9)
    assert rounds == 3          # the root hears its leaves after r rounds; nothing changes later
    assert splits == mp_ceiling_until_stable(ds, rounds)[0]
    for depth in range(6):      # the full refinement agrees with the target-only one
        expected = {s: best_accuracy(example_colours(ds, depth)[ds.split_indices(s)],
                                     ds.y[ds.split_indices(s)]) for s in ("train", "test")}
        assert mp_ceiling(ds, depth) == expected


def test_cli_ceiling_far_beyond_the_diameter_says_where_it_stopped(tmp_path):
    import json
    import time

    from depthlab.tasks import make_task
    from tests.hostile import run_cli

    make_task("tree-neighbors-match", seed=0, radius=2).save(tmp_path / "ds")
    start = time.perf_counter()
    result = run_cli("theory", "ceiling", str(tmp_path / "ds"), "--model", "gin",
                     "--depth", "100000000", "--json")
    assert result.code == 0 and time.perf_counter() - start < 60
    out = json.loads(result.out)
    assert out["stable_after"] == 2 and out["rounds"] == 100000000
    assert out["splits"]["train"] == 1.0
    text = run_cli("theory", "ceiling", str(tmp_path / "ds"), "--model", "gin", "--depth", "50")
    assert "stopped at round 2 of 50" in text.err
