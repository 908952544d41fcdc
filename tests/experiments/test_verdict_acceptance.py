"""The acceptance sweeps of the verdicts (minutes: behind -m slow): csbm over-smoothing,
plain GCNs on grid-chain, and GIN triangle counts on Erdos-Renyi vs random regular graphs."""
from __future__ import annotations

import pytest

from depthlab.experiments.api import check, report, sweep

pytestmark = pytest.mark.slow

CSBM = """
seeds = [0, 1]
[[task]]
name = "csbm"
params = {}
[[model]]
family = "gcn"
depth = [2, 32]
width = 32
options = { norm = ["none", "pair"] }
[train]
epochs = 200
batch_size = 1024
lr = 0.01
patience = 30
"""

GRID = """
seeds = [0, 1]
[[task]]
name = "grid-chain"
params = { radius = 4, shortcut_p = [0.0, 0.2], num_examples = 400 }
[[model]]
family = ["gcn", "gin"]
depth = [2, 5]
width = 32
[train]
epochs = 60
"""

MOTIF = """
seeds = [0, 1]
[[task]]
name = "motif-count"
params = { pattern = "triangle", family = ["er", "regular"] }
[[model]]
family = "gin"
depth = [2, 3]
width = 32
[train]
epochs = 100
"""


def run(tmp_path, name: str, text: str):
    spec = tmp_path / f"{name}.toml"
    spec.write_text(text)
    db = tmp_path / f"{name}.db"
    sweep(spec, db, workers=2)
    return db


def test_csbm_oversmoothing_is_supported_with_both_claims(tmp_path):
    (verdict,) = check("oversmoothing", run(tmp_path, "csbm", CSBM))
    parts = {p.name: p.status for p in verdict.parts}
    assert verdict.status == "supported", verdict.reason
    assert parts == {"oversmoothing/bound": "supported", "oversmoothing/accuracy-loss": "supported",
                     "oversmoothing/energy-loss": "supported",
                     "oversmoothing/pairnorm-keeps-accuracy": "supported",
                     "oversmoothing/bound-scope": "measured", "oversmoothing/variants": "measured"}


def test_grid_chain_is_not_refuted_and_reports_by_example_radius(tmp_path):
    db = run(tmp_path, "grid", GRID)
    (oversmoothing,) = check("oversmoothing", db)
    assert oversmoothing.status != "refuted"
    (radius,) = check("radius", db)
    assert radius.status != "refuted"
    table = report(db, x="example_radius", y="test_acc", by=["model", "depth"])
    assert set(table["example_radius"]) >= {1, 2, 3, 4}


def test_counting_compares_nmse_with_the_ceiling(tmp_path):
    (verdict,) = check("expressivity", run(tmp_path, "motif", MOTIF))
    assert verdict.status == "supported"
    nmse = verdict.parts[1].evidence
    regular = nmse[nmse["task.family"] == "regular"]
    assert (regular["theory"] == 1.0).all() and (regular["test_nmse"] >= 0.999).all()
