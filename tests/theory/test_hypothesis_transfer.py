"""The built-in ``transfer`` hypothesis on hand-made results tables: it can be supported,
refuted and inconclusive, and it compares topologies only at equal distance."""
from __future__ import annotations

import pandas as pd
import pytest

from depthlab.theory.builtin_hypotheses import builtin_hypotheses
from depthlab.theory.hypotheses import check
from depthlab.theory.predictions import TheoryValues
from depthlab.theory.verdict import INCONCLUSIVE, REFUTED, SUPPORTED

COMMUTE = {3: {"ring": 18.0, "crossed-ring": 20.0, "clique-path": 27.0, "barbell": 33.3},
           4: {"ring": 32.0, "crossed-ring": 36.0, "clique-path": 44.0, "barbell": 53.3}}


def table(accuracy, distances=(3, 4), seeds=(0, 1, 2), depth=None, model="gcn"):
    """Rows of a transfer sweep; ``accuracy(distance, topology, seed)`` gives test_acc."""
    rows = []
    for d in distances:
        for topology, commute in COMMUTE[d].items():
            for seed in seeds:
                rows.append({"key": f"{d}{topology}{seed}", "status": "finished", "task": "transfer",
                             "task_params": f'{{"distance": {d}, "topology": "{topology}"}}',
                             "data_seed": 0, "task.distance": d, "task.topology": topology,
                             "model": model, "depth": d if depth is None else depth, "width": 32,
                             "model_options": "{}", "seed": seed, "radius": d, "chance": 0.2,
                             "n_test": 50, "test_acc": accuracy(d, topology, seed),
                             "commute_time": commute, "resistance": commute / 10})
    return pd.DataFrame(rows)


def verdict(frame):
    def no_datasets(*args):
        raise AssertionError("the transfer hypothesis must not regenerate datasets")
    return check(builtin_hypotheses()["transfer"], frame, TheoryValues(no_datasets))


RANK = {"ring": 0, "crossed-ring": 1, "clique-path": 2, "barbell": 3}


def test_supported_when_accuracy_falls_with_commute_time_at_each_distance():
    result = verdict(table(lambda d, t, s: 1.0 - 0.2 * RANK[t] - 0.01 * s))
    assert result.status == SUPPORTED
    trend = result.parts[0]
    assert trend.statistics["tested_groups"] == 2 and (trend.evidence["rho"] < -0.9).all()
    measured = result.parts[1].evidence
    assert set(measured["task.topology"]) == set(RANK)


def test_refuted_when_accuracy_rises_with_commute_time():
    assert verdict(table(lambda d, t, s: 0.2 + 0.2 * RANK[t] + 0.01 * s)).status == REFUTED


def test_inconclusive_when_every_topology_is_solved():
    assert verdict(table(lambda d, t, s: 1.0)).status == INCONCLUSIVE


def test_distance_alone_is_not_evidence():
    # accuracy falls with distance but not with commute time at a fixed distance
    result = verdict(table(lambda d, t, s: 1.0 if d == 3 else 0.2 + 0.1 * (s % 2)))
    assert result.status == INCONCLUSIVE
    assert (result.parts[0].evidence["task.distance"].tolist() == [3, 4])


def test_runs_that_cannot_reach_the_source_are_left_out():
    result = verdict(table(lambda d, t, s: 1.0 - 0.2 * RANK[t], depth=1))
    assert result.status == INCONCLUSIVE and result.parts[0].matched == 0
