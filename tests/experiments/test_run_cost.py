"""The run-time model: where runs stop, what a pass computes, how runs share workers."""
import math

import pytest

from depthlab.experiments import run_cost
from depthlab.experiments.run_cost import (WORKER_START_SECONDS, expected_passes, reaches,
                                           run_seconds, sweep_seconds)
from depthlab.models import resolve_model_config, resolve_train_config
from depthlab.tasks import make_task


def _train(**config):
    return resolve_train_config(config)


def test_alon_yahav_runs_that_cannot_see_the_label_run_longer():
    config = resolve_train_config({"protocol": "alon-yahav", "eval_every": 20, "patience": 10,
                                   "epochs": 3000})
    assert expected_passes(config, 4, True, reaches_radius=True) == 20 * 20
    assert expected_passes(config, 4, True, reaches_radius=False) == 30 * 20
    published = resolve_train_config({"protocol": "alon-yahav"}, "gin", 2)
    assert expected_passes(published, 2, True) == 3000  # fitted in 1-3 blocks of 1000


def test_validation_plateau_and_budget():
    assert expected_passes(_train(epochs=200, patience=30), 3, True) == 54
    assert expected_passes(_train(epochs=30, patience=20), 3, True) == 30
    assert expected_passes(_train(epochs=200, patience=30), 3, False) == 200
    assert expected_passes(_train(epochs=500, patience=20, protocol="reference"), 3, False) == 60


def test_reach_counts_hops_per_layer_and_global_attention():
    assert reaches({"name": "gin", "depth": 3}, 3) and not reaches({"name": "gin", "depth": 2}, 3)
    assert reaches({"name": "mixhop", "depth": 2, "max_power": 2}, 4)
    assert reaches({"name": "graphormer", "depth": 1}, 9)


def test_a_pass_over_one_shared_graph_computes_the_whole_graph_per_batch():
    ds = make_task("csbm", seed=0)
    assert ds.num_graphs == 1
    n = len(ds.split_indices("train"))
    assert run_cost._pass_nodes(ds, n, 64) == math.ceil(n / 64) * ds.num_nodes


def test_a_pass_over_one_example_per_graph_computes_about_its_graphs():
    ds = make_task("tree-neighbors-match", seed=0, radius=3, max_examples=512)
    n = len(ds.split_indices("train"))
    nodes = run_cost._pass_nodes(ds, n, 64)
    exact = n * ds.num_nodes / ds.num_graphs
    assert 0.9 * exact <= nodes <= 1.1 * exact


def test_run_seconds_grow_with_depth_and_family_cost():
    ds = make_task("tree-neighbors-match", seed=0, radius=3, max_examples=512)
    train = resolve_train_config({"epochs": 20})
    gin = [run_seconds(ds, resolve_model_config({"name": "gin", "depth": d, "width": 32}), train)
           for d in (2, 4)]
    gat = run_seconds(ds, resolve_model_config({"name": "gat", "depth": 4, "width": 32}), train)
    assert 0 < gin[0] < gin[1] < gat


def test_sweep_seconds_share_runs_among_workers_but_not_below_the_longest():
    assert sweep_seconds([], 2) == 0.0
    assert sweep_seconds([10, 10, 10, 10], 2) == pytest.approx(WORKER_START_SECONDS + 20)
    assert sweep_seconds([100, 1, 1], 2) == pytest.approx(WORKER_START_SECONDS + 100)


def test_models_that_read_their_targets_only_cost_their_receptive_fields():
    """Binary trees of depth 3 (15 nodes), root targets, 4 layers: 1 + 3 + 7 + 15 updates
    of 60 for gcn on batches of 128 trees; gin with the published BatchNorm computes every
    node, as does any model on batches below models.target_blocks.MIN_NODES (64 trees)."""
    ds = make_task("tree-neighbors-match", seed=0, radius=3, max_examples=512)
    gcn = resolve_model_config({"name": "gcn", "depth": 4, "width": 32})
    gin = resolve_model_config({"name": "gin", "depth": 4, "width": 32, "preset": "alon-yahav"})
    assert run_cost.computed_share(ds, gcn, 128) == pytest.approx(26 / 60)
    assert run_cost.computed_share(ds, gcn, 64) == 1.0
    assert run_cost.computed_share(ds, gin, 128) == 1.0
    deep = resolve_model_config({"name": "gcn", "depth": 8, "width": 32})
    assert run_cost.computed_share(ds, deep, 128) == pytest.approx((26 + 4 * 15) / 120)


def test_the_estimate_line_adds_the_budget_time_only_where_it_is_far_longer():
    from depthlab.experiments.spec import Run, describe_estimate

    def runs(budget):
        return [Run(f"k{i}", {}, 600.0, budget) for i in range(4)]

    far = describe_estimate(runs(36_000.0), 2)
    assert "estimated 20.1 min on 2 worker(s)" in far
    assert far.endswith("; up to 20.0 h if every run trains to its budget of passes")
    assert "up to" not in describe_estimate(runs(900.0), 2)
    assert "up to" not in describe_estimate(runs(None), 2)
