"""Hypothesis verdicts on hand-made results tables: filters, the three comparison methods,
trends, AllOf, derived quantities and theory values on regenerated datasets."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from depthlab.tasks import make_task, resolve_params
from depthlab.tasks.dataset import TaskDataset
from depthlab.theory.ceiling import mp_ceiling
from depthlab.theory.builtin_hypotheses import builtin_hypotheses
from depthlab.theory.columns import resolve_column
from depthlab.theory.filters import select
from depthlab.theory.hypotheses import check, resolve_hypotheses
from depthlab.theory.model_ceiling import with_degrees
from depthlab.theory.verdict import INCONCLUSIVE, REFUTED, SUPPORTED
from depthlab.theory.hypothesis_spec import (
    DERIVED_QUANTITIES,
    AllOf,
    ColumnRef,
    Comparison,
    Condition,
    Statistics,
    TrendClaim,
)
from depthlab.theory.predictions import (
    TheoryValues,
    training_min_width,
    training_permutations,
)
from depthlab.theory.smoothing import oono_suzuki_lambda
from depthlab.theory.statistics import bonferroni, mean_interval, wilson_interval


def row(**fields) -> dict:
    base = {"key": "k", "status": "finished", "task": "tnm", "task_params": '{"radius": 3}',
            "data_seed": 0, "task.radius": 3, "model": "gin", "depth": 2, "width": 16,
            "model_options": "{}", "seed": 0, "radius": 3, "chance": 0.125, "n_train": 400,
            "n_val": 0, "n_test": 100, "train_acc": 1.0, "test_acc": 0.2, "train_mse": None,
            "test_mse": None, "energy": None}
    base.update(fields)
    return base


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def no_datasets(task, params, seed):
    raise AssertionError("this test must not regenerate a dataset")


THEORY = TheoryValues(no_datasets)


def test_wilson_comparison_refutes_only_beyond_the_interval():
    table = frame(row(test_acc=0.9, seed=0), row(test_acc=0.52, seed=1))
    claim = Comparison("h", "test_acc", "<=", 0.5, 0.0)
    verdict = check(claim, table, THEORY)
    assert verdict.status == REFUTED and verdict.matched == 2
    assert list(verdict.evidence["status"]) == ["violates", "undecided"]
    confidence = bonferroni(0.95, 2)
    lower, upper = wilson_interval([90, 52], [100, 100], confidence)
    np.testing.assert_allclose(verdict.evidence["lower"], lower)
    np.testing.assert_allclose(verdict.evidence["upper"], upper)
    assert verdict.statistics["per_test_confidence"] == pytest.approx(confidence)
    assert verdict.statistics["by_config"][0]["n"] == 2
    held = check(Comparison("h", "test_acc", "<=", 0.5, 0.48), table, THEORY)
    assert held.status == SUPPORTED and held.evidence["limit"].tolist() == [0.98, 0.98]
    assert list(held.evidence["status"]) == ["confirms", "confirms"]
    straddles = check(Comparison("h", "test_acc", "<=", 0.5, 0.01), table.iloc[1:], THEORY)
    assert straddles.status == INCONCLUSIVE and "1 undecided" in straddles.reason


def test_vacuous_thin_and_empty_evidence_are_inconclusive():
    table = frame(row(test_acc=0.99), row(test_acc=0.1, n_test=5, seed=1))
    vacuous = check(Comparison("h", "test_acc", "<=", 0.99, 0.02), table.iloc[:1], THEORY)
    assert vacuous.status == INCONCLUSIVE and vacuous.evidence["status"].tolist() == ["vacuous"]
    thin = check(Comparison("h", "test_acc", "<=", 0.5, 0.0), table.iloc[1:], THEORY)
    assert thin.status == INCONCLUSIVE and "thin" in thin.reason
    nobody = check(Comparison("h", "test_acc", "<=", 0.5, 0.0, (Condition("model", "eq", "gat"),)),
                   table, THEORY)
    assert (nobody.status, nobody.matched, nobody.reason) == (INCONCLUSIVE, 0, "no row matches the filter")
    at_zero = check(Comparison("h", "test_mse", ">=", 0.0, 1e-6, statistics=Statistics(method="exact")),
                    frame(row(test_mse=0.3)), THEORY)
    assert at_zero.status == INCONCLUSIVE and at_zero.evidence["status"].tolist() == ["vacuous"]
    no_values = check(Comparison("h", "test_mse", ">=", 0.0), table, THEORY)
    assert no_values.status == INCONCLUSIVE and "none of the 2 matching rows" in no_values.reason


def test_filters():
    table = frame(row(model="gin", depth=2, radius=3), row(model="gcn", depth=3, radius=3),
                  row(model="gat", depth=4, radius=3, **{"model.residual": True}),
                  row(model="sage", depth=1, radius=None))
    pick = lambda *conditions: select(table, conditions, THEORY)["model"].tolist()
    assert pick(Condition("depth", "lt", ColumnRef("radius"))) == ["gin"]
    assert pick(Condition("depth", "ge", ColumnRef("radius"))) == ["gcn", "gat"]
    assert pick(Condition("model", "in", ("gin", "gat"))) == ["gin", "gat"]
    assert pick(Condition("model", "not_in", ("gin", "gat"))) == ["gcn", "sage"]
    assert pick(Condition("model", "ne", "gin"), Condition("depth", "le", 3)) == ["gcn", "sage"]
    assert pick(Condition("model.residual", "eq", False, or_missing=True)) == ["gin", "gcn", "sage"]
    assert pick(Condition("model.norm", "eq", "none", or_missing=True)) == ["gin", "gcn", "gat", "sage"]
    with pytest.raises(ValueError, match="'model.norm' is neither a results column"):
        pick(Condition("model.norm", "eq", "none"))


def test_mean_method_uses_t_intervals_per_config():
    energies = {0: [8.0, 4.0, 2.0], 1: [8.0, 4.4, 2.42], 2: [8.0, 4.2, 2.205]}
    table = frame(*(row(model="gcn", seed=s, energy=json.dumps(e)) for s, e in energies.items()),
                  row(model="gcn", width=32, energy=json.dumps([1.0, 0.0, 0.0])),
                  row(model="gcn", width=64, energy=json.dumps([0.0, 0.0, 0.0])))
    rates = resolve_column(table, "energy_rate", THEORY).tolist()
    assert rates[:4] == pytest.approx([0.5, 0.55, 0.525, 0.0]) and np.isnan(rates[4])
    verdict = check(Comparison("h", "energy_rate", "<=", 0.5, 0.0), table, THEORY)
    assert verdict.statistics["method"] == "mean" and verdict.statistics["unusable_rows"] == 1
    evidence = verdict.evidence.set_index("width")
    interval = mean_interval([0.5, 0.55, 0.525], bonferroni(0.95, 2))
    assert evidence.loc[16, "n"] == 3
    assert evidence.loc[16, "lower"] == pytest.approx(interval.lower)
    assert evidence.loc[16, "status"] == "undecided"       # the interval reaches below 0.5
    assert evidence.loc[32, "status"] == "thin"            # one seed: no spread
    assert verdict.status == INCONCLUSIVE
    loose = check(Comparison("h", "energy_rate", "<=", 0.7, 0.0), table, THEORY)
    assert loose.status == SUPPORTED and loose.evidence["status"].tolist() == ["confirms", "thin"]
    strict = check(Comparison("h", "energy_rate", "<=", 0.4, 0.0), table, THEORY)
    assert strict.status == REFUTED and strict.evidence.set_index("width").loc[16, "status"] == "violates"


def test_exact_method_and_error_counts():
    table = frame(row(train_acc=1.0), row(train_acc=0.9975, seed=1))
    assert resolve_column(table, "train_errors", THEORY).tolist() == [0.0, 1.0]
    verdict = check(Comparison("h", "train_errors", ">=", 1, 0.0, statistics=Statistics(method="exact")),
                    table, THEORY)
    assert verdict.status == REFUTED and verdict.evidence["status"].tolist() == ["violates", "confirms"]
    with pytest.raises(ValueError, match="method 'wilson' needs an accuracy"):
        check(Comparison("h", "train_errors", ">=", 1, statistics=Statistics(method="wilson")), table, THEORY)


def test_trend_per_group_with_bonferroni():
    falling = [row(model="gin", radius=r, seed=s, train_acc=1.0 - 0.1 * r + 0.01 * s)
               for r in (2, 3, 4, 5) for s in range(3)]
    rising = [row(model="gcn", radius=r, seed=s, train_acc=0.3 + 0.1 * r + 0.01 * s)
              for r in (2, 3, 4, 5) for s in range(3)]
    short = [row(model="gat", radius=r, train_acc=0.5) for r in (2, 3)]
    claim = TrendClaim("t", "train_acc", group_by=("model",))
    verdict = check(claim, frame(*falling, *short), THEORY)
    assert verdict.status == SUPPORTED
    by_model = verdict.evidence.set_index("model")
    assert by_model.loc["gin", "status"] == SUPPORTED and by_model.loc["gin", "rho"] < -0.9
    assert by_model.loc["gat", "status"] == "fewer than 3 levels"
    assert verdict.statistics["tested_groups"] == 1
    assert check(claim, frame(*falling, *rising), THEORY).status == REFUTED
    assert check(claim, frame(*short), THEORY).status == INCONCLUSIVE
    flat = [row(radius=r, train_acc=1.0) for r in (2, 3, 4)]
    assert "no significant trend" in check(claim, frame(*flat), THEORY).reason


def test_trend_default_groups_split_on_parameters_independent_of_the_radius():
    rows = [row(radius=r, seed=s, train_acc=1.0 - 0.1 * r * k, **{"task.radius": r, "task.sources": k})
            for r in (2, 3, 4) for k in (1, 2) for s in range(2)]
    verdict = check(TrendClaim("t", "train_acc"), frame(*rows), THEORY)
    assert len(verdict.evidence) == 2
    assert "task.sources" in verdict.evidence.columns and "task.radius" not in verdict.evidence.columns
    with pytest.raises(ValueError, match="group_by column 'optimiser' is not in the results table"):
        check(TrendClaim("t", "train_acc", group_by=("optimiser",)), frame(*rows), THEORY)


def test_all_of_skips_parts_without_evidence():
    table = frame(row(test_acc=0.2))
    holds = Comparison("acc", "test_acc", "<=", 0.5, 0.0)
    fails = Comparison("acc-strict", "test_acc", "<=", 0.05, 0.0)
    empty = Comparison("mse", "test_mse", ">=", 0.0)
    verdict = check(AllOf("both", (holds, empty)), table, THEORY)
    assert verdict.status == SUPPORTED and verdict.statistics["parts_without_evidence"] == ["mse"]
    assert check(AllOf("x", (holds, fails)), table, THEORY).status == REFUTED
    assert check(AllOf("x", (empty,)), table, THEORY).status == INCONCLUSIVE


def test_verdict_to_dict_is_strict_json():
    table = frame(row(test_acc=0.2), row(test_acc=0.3, seed=1))
    verdict = check(AllOf("x", (Comparison("a", "test_acc", "<=", 0.5),)), table, THEORY)
    text = json.dumps(verdict.to_dict(), allow_nan=False)
    assert json.loads(text)["parts"][0]["evidence"][0]["status"] == "confirms"


def undirected_dataset(directed: bool = False) -> TaskDataset:
    """Two graphs: a triangle (train) and a path 3-4-5 (test); one node example each."""
    u, v = np.array([0, 1, 0, 3, 4]), np.array([1, 2, 2, 4, 5])
    src, dst = (u, v) if directed else (np.concatenate([u, v]), np.concatenate([v, u]))
    order = np.argsort(src * 10 + dst, kind="stable") if not directed else np.arange(len(src))
    src, dst = src[order], dst[order]
    edge_ptr = np.array([0, int((src < 3).sum()), len(src)])
    return TaskDataset(name="hand", params={}, seed=0, level="node", num_classes=2,
                       node_ptr=np.array([0, 3, 6]), edge_ptr=edge_ptr, src=src, dst=dst,
                       x=np.zeros((6, 1), dtype=np.int64), graph_id=np.array([0, 1]),
                       target=np.array([0, 3]), y=np.array([0, 1]),
                       split=np.array([0, 2], dtype=np.int8), radius=np.array([1, 1]))


def test_smoothing_rate_on_regenerated_test_graphs():
    calls = []

    def make(task, params, seed):
        calls.append((task, params, seed))
        return undirected_dataset(directed=params["directed"])

    theory = TheoryValues(make)
    table = frame(row(task_params='{"directed": false}'), row(task_params='{"directed": false}', seed=1),
                  row(task_params='{"directed": true}'))
    rates = resolve_column(table, "smoothing_rate", theory).tolist()
    assert rates[0] == rates[1] == pytest.approx(oono_suzuki_lambda([0, 1], [1, 2], 3) ** 2)
    assert rates[0] == pytest.approx(0.25)
    assert np.isnan(rates[2])
    assert calls == [("tnm", {"directed": False}, 0), ("tnm", {"directed": True}, 0)]


def test_derived_quantities_are_all_implemented():
    table = frame(row())
    for name in DERIVED_QUANTITIES:
        if name != "countable":
            resolve_column(table, name, THEORY)


def test_resolve_hypotheses(tmp_path):
    assert [h.name for h in resolve_hypotheses("all")] == list(builtin_hypotheses())
    assert resolve_hypotheses("radius")[0].name == "radius"
    path = tmp_path / "mine.toml"
    path.write_text('[[hypothesis]]\nname = "a"\nquantity = "test_acc"\nop = "<="\nagainst = 1\n')
    assert resolve_hypotheses(str(path))[0].name == "a"
    with pytest.raises(ValueError, match="'nonsense' is invalid: expected 'all', one of radius"):
        resolve_hypotheses("nonsense")
    with pytest.raises(FileNotFoundError):
        resolve_hypotheses(str(tmp_path / "absent.toml"))


def test_ceiling_sees_senders_degrees_for_degree_weighted_families():
    """Targets 0 and 2 each have one neighbour with the same feature, of degree 1 and 3:
    1-WL after one round cannot tell them apart (ceiling 1/2); GCN's first layer weighs the
    neighbour by 1/sqrt(degree) and can, and so can 1-WL with out-degree features (1)."""
    u, v = np.array([0, 2, 3, 3]), np.array([1, 3, 4, 5])
    src, dst = np.concatenate([u, v]), np.concatenate([v, u])
    ds = TaskDataset(name="hand", params={}, seed=0, level="node", num_classes=2,
                     node_ptr=np.array([0, 6]), edge_ptr=np.array([0, 8]), src=src, dst=dst,
                     x=np.zeros((6, 1), dtype=np.int64), graph_id=np.array([0, 0]),
                     target=np.array([0, 2]), y=np.array([0, 1]),
                     split=np.array([2, 2], dtype=np.int8), radius=np.array([2, 2]))
    theory = TheoryValues(lambda task, params, seed: ds)
    table = frame(row(model="gin", depth=1), row(model="gcn", depth=1), row(model="sign", depth=1))
    assert resolve_column(table, "ceiling", theory).tolist() == [0.5, 1.0, 1.0]
    assert with_degrees(ds).x.tolist() == [[0, 1, 1], [0, 1, 1], [0, 1, 1], [0, 3, 3], [0, 1, 1],
                                           [0, 1, 1]]


def tnm_rows(**fields) -> dict:
    params = resolve_params("tree-neighbors-match", radius=2)
    n_test = len(tnm().split_indices("test"))
    by_radius = json.dumps([{"radius": 2, "n": n_test, "acc": fields.get("test_acc", 0.2)}])
    return row(task="tree-neighbors-match", task_params=json.dumps(params, sort_keys=True),
               radius=2, chance=0.25, n_test=n_test, test_by_radius=by_radius, **fields)


def tnm() -> TaskDataset:
    return make_task("tree-neighbors-match", seed=0, radius=2)


def test_radius_builtin_on_a_regenerated_tree_task():
    ceiling = mp_ceiling(tnm(), 1)["test"]
    assert ceiling < 0.8
    table = frame(tnm_rows(model="gin", depth=1, test_acc=1.0),
                  tnm_rows(model="gin", depth=1, test_acc=0.0, seed=1),
                  tnm_rows(model="gcn", depth=1, test_acc=1.0),
                  tnm_rows(model="gin", depth=2, test_acc=1.0),
                  tnm_rows(model="mixhop", depth=1, test_acc=1.0))
    verdict = check(builtin_hypotheses()["radius"], table)
    accuracy = verdict.parts[0]
    assert accuracy.matched == 3                         # depth < radius, one-hop families
    assert accuracy.evidence["status"].tolist() == ["violates", "confirms", "violates"]
    # every non-root node of a tree has out-degree 1: GCN's ceiling is GIN's
    assert accuracy.evidence["theory"].tolist() == [ceiling] * 3
    assert verdict.status == REFUTED and verdict.statistics["parts_without_evidence"] == ["radius/mse"]
    within = verdict.parts[2]
    assert within.status == "measured" and within.evidence["depth"].tolist() == [2, 1]
    fair = check(builtin_hypotheses()["radius"], table.iloc[[1, 3, 4]])
    assert fair.status == SUPPORTED


def test_training_min_width_counts_the_training_arrangements():
    ds = tnm()
    assert len(training_permutations(ds)) == 24        # r = 2 holds all 4! permutations
    assert training_min_width(ds) == 1.0
    assert training_min_width(ds, bits=1) == 2.0       # A(2, 2) = 4!/2^3 = 3 < 24: 2 bits
    r3 = make_task("tree-neighbors-match", seed=0, radius=3, max_permutations=20, max_examples=160)
    assert len(training_permutations(r3)) == 20
    assert training_min_width(r3, bits=1) == 5.0       # min(A = 315, P = 20): 5 bits
    assert np.isnan(training_min_width(undirected_dataset()))


def test_countable_reads_theory_countability():
    table = frame(row(task="motif-count", task_params='{"pattern": "triangle", "induced": false}'),
                  row(task="motif-count", task_params='{"pattern": "3-star", "induced": false}'),
                  row(task="motif-count", task_params='{"pattern": "3-star", "induced": true}'),
                  row())
    assert resolve_column(table, "countable", THEORY).tolist() == [False, True, False, None]
