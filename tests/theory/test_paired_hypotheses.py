"""Paired comparisons (contender vs baseline per cell, Welch intervals) and the built-in
``richness`` and ``attention`` hypotheses on hand-made results tables."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from depthlab.theory.builtin_hypotheses import builtin_hypotheses
from depthlab.theory.hypotheses import check
from depthlab.theory.hypothesis_spec import Condition, PairedComparison
from depthlab.theory.paired import welch_interval
from depthlab.theory.verdict import INCONCLUSIVE, REFUTED, SUPPORTED
from tests.theory.test_hypotheses import THEORY, frame, row


def test_welch_interval_matches_scipy():
    a, b = np.array([0.80, 0.84, 0.83]), np.array([0.90, 0.86, 0.91, 0.88])
    diff, lower, upper = welch_interval(a, b, 0.9)
    result = stats.ttest_ind(a, b, equal_var=False)
    interval = result.confidence_interval(0.9)
    assert diff == pytest.approx(a.mean() - b.mean())
    assert (lower, upper) == pytest.approx((interval.low, interval.high))
    assert welch_interval(np.array([0.5, 0.5]), np.array([0.4, 0.4]), 0.9) == pytest.approx((0.1,) * 3)


def _runs(model, depth, accuracies, budget=8000, task="csbm", radius=1, **fields):
    return [row(task=task, radius=radius, model=model, depth=depth, seed=s, test_acc=acc,
                train_config="{}", **{"model.param_budget": budget, "model.max_power": None},
                **fields)
            for s, acc in enumerate(accuracies)]


SIGN_VS_GCN = PairedComparison(
    "pair", "test_acc", (Condition("model", "eq", "gcn"),), (Condition("model", "eq", "sign"),),
    ("task", "receptive_radius", "model.param_budget"), ">=", 0.03)


@pytest.mark.parametrize("sign, status", [
    ([0.90, 0.91, 0.90], SUPPORTED),       # no worse: the interval lies above -0.03
    ([0.70, 0.71, 0.70], REFUTED),         # 0.2 worse, far outside the tolerance
    ([0.85, 0.93, 0.80], INCONCLUSIVE),    # noisy: the interval straddles -0.03
])
def test_paired_comparison_judges_each_cell_by_its_interval(sign, status):
    table = frame(*_runs("gcn", 4, [0.90, 0.90, 0.91]), *_runs("sign", 4, sign),
                  *_runs("sign", 2, [0.1, 0.1, 0.1]))   # receptive radius 2: no gcn to pair with
    verdict = check(SIGN_VS_GCN, table, THEORY)
    assert verdict.status == status
    assert len(verdict.evidence) == 1
    assert verdict.evidence.loc[0, "contender_model"] == "sign"
    assert verdict.evidence.loc[0, "receptive_radius"] == 4.0


def test_paired_comparison_without_a_shared_cell_or_with_one_seed_is_inconclusive():
    table = frame(*_runs("gcn", 4, [0.9, 0.9]), *_runs("sign", 4, [0.9, 0.9], budget=9000))
    assert "no cell" in check(SIGN_VS_GCN, table, THEORY).reason
    thin = check(SIGN_VS_GCN, frame(*_runs("gcn", 4, [0.9]), *_runs("sign", 4, [0.5])), THEORY)
    assert thin.status == INCONCLUSIVE and thin.evidence.loc[0, "status"] == "thin"


def test_richness_pairs_mixhop_by_its_reach_and_ignores_long_range_tasks():
    gcn = _runs("gcn", 4, [0.90, 0.91, 0.90])
    mixhop = [dict(r, **{"model.max_power": 2}) for r in _runs("mixhop", 2, [0.6, 0.61, 0.6])]
    long_range = _runs("sign", 4, [0.1, 0.1, 0.1], task="grid", radius=4) + _runs(
        "gcn", 4, [0.9, 0.9, 0.9], task="grid", radius=4)
    verdict = check(builtin_hypotheses()["richness"], frame(*gcn, *mixhop, *long_range), THEORY)
    assert verdict.status == REFUTED
    mixhop_part = verdict.parts[1]
    assert mixhop_part.status == REFUTED
    assert mixhop_part.evidence["task"].tolist() == ["csbm"]       # radius 4 is not short-range
    assert mixhop_part.evidence.loc[0, "receptive_radius"] == 4.0   # 2 layers x max_power 2
    assert verdict.parts[0].evidence.empty                          # no short-range sign rows


def test_attention_needs_global_rows_to_fit_below_the_radius():
    def rows(train_acc):
        return frame(row(model="graphormer", depth=1, radius=3, train_acc=train_acc, n_train=400),
                     row(model="graphormer", depth=4, radius=3, train_acc=0.1, n_train=400))
    assert check(builtin_hypotheses()["attention"], rows(0.95), THEORY).status == SUPPORTED
    refuted = check(builtin_hypotheses()["attention"], rows(0.3), THEORY)
    assert refuted.status == REFUTED
    assert refuted.parts[0].evidence["depth"].tolist() == [1]      # depth >= radius is not claimed


def test_a_paired_hypothesis_reads_from_toml(tmp_path):
    from depthlab.theory.hypothesis_spec import load_hypotheses

    path = tmp_path / "h.toml"
    path.write_text('''
[[hypothesis]]
name = "sign-matches-gcn"
kind = "paired"
quantity = "test_acc"
match = ["task", "receptive_radius", "model.param_budget"]
tolerance = 0.03
[hypothesis.baseline]
model = "gcn"
[hypothesis.contender]
model = "sign"
''')
    parsed, = load_hypotheses(path)
    assert parsed == SIGN_VS_GCN.__class__(**{**SIGN_VS_GCN.__dict__, "name": "sign-matches-gcn"})
    path.write_text(path.read_text().replace('match = ["task", "receptive_radius", "model.param_budget"]\n', ""))
    with pytest.raises(ValueError, match="match=None is invalid: expected a non-empty list"):
        load_hypotheses(path)


def test_attention_leaves_runs_on_a_train_subset_out_of_the_exact_ceiling_part():
    rows = frame(row(model="graphormer", depth=1, radius=3, train_acc=0.95, n_train=400),
                 row(model="gin", depth=1, radius=3, train_acc=0.9, n_train=40,
                     **{"train.train_examples": 40}))
    verdict = check(builtin_hypotheses()["attention"], rows, THEORY)
    assert verdict.status == SUPPORTED and verdict.parts[1].matched == 0
