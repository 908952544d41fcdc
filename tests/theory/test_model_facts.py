"""Model facts: declared once (models.facts), used by every verdict, never skipped silently;
the one ceiling of what a model receives, the same from the API, the CLI and `check`."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from depthlab.models.facts import FAMILY_FACTS, ModelFacts, facts_of
from depthlab.tasks import make_task, resolve_params
from depthlab.theory.builtin_hypotheses import builtin_hypotheses
from depthlab.theory.ceiling import mp_ceiling
from depthlab.theory.columns import resolve_column
from depthlab.theory.hypotheses import check
from depthlab.theory.model_ceiling import model_ceiling, with_degrees
from depthlab.theory.predictions import TheoryValues


def test_every_registered_family_declares_its_facts():
    from depthlab.models.registry import list_models

    families = list_models()
    assert set(families) == set(FAMILY_FACTS)
    assert families["mixhop"].facts == ModelFacts(2, True, True, "max_power")
    assert facts_of("mixhop", {"max_power": 4}).hops_per_layer == 4
    assert {name for name, f in FAMILY_FACTS.items() if f.sees_degrees} == {
        "gcn", "sign", "mixhop", "graphormer"}
    assert families["graphormer"].facts == ModelFacts(None, True, False)
    with pytest.raises(ValueError, match="'transformer' declares no facts.*declared: gat, gcn"):
        facts_of("transformer")


def test_theory_imports_without_torch_or_dgl():
    code = ("import sys; import depthlab.theory.hypotheses, depthlab.theory.model_ceiling; "
            "print(sorted(m for m in ('dgl', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def grid_rows(*models_depths, **fields) -> pd.DataFrame:
    params = resolve_params("grid-chain", radius=4, height=1, width=9)
    rows = [{"task": "grid-chain", "task_params": json.dumps(params, sort_keys=True),
             "data_seed": 0, "model": m, "depth": d, "width": 16, "seed": 0, "radius": 4,
             "chance": 0.5, "n_test": 100, "test_acc": 0.5, "test_mse": None,
             "test_by_radius": json.dumps([{"radius": 4, "n": 100, "acc": 0.5}]), **fields}
            for m, d in models_depths]
    return pd.DataFrame(rows)


def test_receptive_radius_counts_hops_per_layer():
    table = grid_rows(("gin", 3), ("mixhop", 3), ("sign", 3), ("gcn", 0))
    radius = resolve_column(table, "receptive_radius", TheoryValues())
    assert radius.tolist() == [3.0, 6.0, 3.0, 0.0]
    assert resolve_column(table, "sees_degrees", TheoryValues()).tolist() == [False, True, True, True]


def test_a_mixhop_row_reaches_max_power_hops_per_layer():
    table = grid_rows(("mixhop", 2), ("mixhop", 2), ("gin", 2))
    table["model.max_power"] = [4, None, None]
    assert resolve_column(table, "receptive_radius", TheoryValues()).tolist() == [8.0, 4.0, 2.0]
    ceilings = resolve_column(table, "ceiling", TheoryValues())
    assert ceilings[0] == pytest.approx(1.0) and ceilings[2] < 1.0   # 8 rounds reach radius 4


def test_an_undeclared_family_is_an_error_not_a_skip():
    table = grid_rows(("gin", 2), ("transformer", 2))
    with pytest.raises(ValueError, match="'transformer' declares no facts"):
        check(builtin_hypotheses()["radius"], table, TheoryValues())


def test_mixhop_is_judged_with_two_hops_per_layer():
    """MixHop at depth 1 reaches 2 hops: below radius 4, judged against 2 rounds of 1-WL on
    degree-augmented colours (before, mixhop was in no family list and silently skipped)."""
    table = grid_rows(("mixhop", 1), ("mixhop", 2), ("gin", 3))
    part = check(builtin_hypotheses()["radius"], table, TheoryValues()).parts[0]
    assert part.evidence["model"].tolist() == ["mixhop", "gin"]
    ds = make_task("grid-chain", seed=0, **json.loads(table["task_params"][0]))
    expected = mp_ceiling(with_degrees(ds), 2)["test"]
    assert part.evidence["theory"][0] == pytest.approx(expected)
    assert part.theory["input"]["mixhop"].startswith("node features + each node's out- and in-degree")
    assert part.theory["input"]["gin"] == "node features"


def test_one_ceiling_from_api_cli_and_check(tmp_path, capsys):
    from depthlab.experiments.cli import main

    ds = make_task("tree-neighbors-match", seed=0, radius=3, max_permutations=20, max_examples=160)
    ds.save(tmp_path / "tnm")
    api = model_ceiling(ds, "gcn", facts_of("gcn"), 2)
    assert main(["theory", "ceiling", str(tmp_path / "tnm"), "--depth", "2", "--model", "gcn",
                 "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    table = pd.DataFrame([{"task": "tree-neighbors-match", "task_params": json.dumps(ds.params, sort_keys=True),
                           "data_seed": 0, "model": "gcn", "depth": 2}])
    checked = resolve_column(table, "ceiling", TheoryValues())[0]
    assert cli["splits"]["test"] == api.splits["test"] == checked
    assert cli["input"] == api.input and api.rounds == 2
    assert np.isfinite(checked)
