"""``depthlab check`` end to end: a real result database, real task regeneration."""
from __future__ import annotations

import json

import pytest

from depthlab.experiments.cli import main
from depthlab.experiments.store import Store
from depthlab.tasks import make_task
from depthlab.theory.smoothing import oono_suzuki_lambda
from depthlab.theory.predictions import split_graph_edges

CSBM = {"n": 60, "classes": 2, "p_in": 0.2, "p_out": 0.02, "mu": 1.0, "features": 4}


def run(key: str, task: str, params: dict, model: str, depth: int, seed: int, **record) -> tuple:
    config = {"task": {"name": task, "params": params, "data_seed": 0},
              "model": {"name": model, "depth": depth, "width": 8}, "train": {}, "seed": seed}
    base = {"width": 8, "radius": 1, "chance": 0.5, "n_train": 36, "n_val": 12, "n_test": 12,
            "train_acc": 1.0, "test_acc": 0.5, "energy": None}
    return key, config, {**base, **record}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "runs.db"
    with Store(path, create=True) as store:
        for seed, energy in enumerate([[4.0, 0.04, 0.0004], [4.0, 0.05, 0.000625]]):
            store.put_finished(*run(f"gcn{seed}", "csbm", CSBM, "gcn", 2, seed, energy=energy))
        store.put_finished(*run("gin0", "csbm", CSBM, "gin", 2, 0, test_acc=1.0, n_test=200))
    return path


HYPOTHESES = """
[[hypothesis]]
name = "gin-at-chance"
quantity = "test_acc"
op = "<="
against = "chance"
tolerance = 0.05
filter = { model = "gin" }

[[hypothesis]]
name = "gcn-at-chance"
quantity = "test_acc"
op = "<="
against = "chance"
tolerance = 0.05
filter = { model = "gcn" }
"""


def test_toml_hypotheses_json(db, tmp_path, capsys):
    path = tmp_path / "h.toml"
    path.write_text(HYPOTHESES)
    assert main(["check", str(path), "--db", str(db), "--json"]) == 0
    gin, gcn = json.loads(capsys.readouterr().out)
    assert (gin["name"], gin["status"]) == ("gin-at-chance", "refuted")     # 200/200 > 0.55
    assert gin["evidence"][0]["status"] == "violates" and gin["theory"]["max"] == 0.5
    assert (gcn["status"], gcn["matched"]) == ("inconclusive", 2)          # 12 test examples: thin
    assert "thin" in gcn["reason"]


def oversmoothing_db(path, top_singular_value: float):
    """csbm runs: plain GCN and PairNorm GCN at depths 2 and 16, two seeds each; the plain
    GCN's energy falls 100x per layer, its layers' weights as given (no bias)."""
    weights = {"top_singular_value": top_singular_value, "bias_norm": 0.0}
    with Store(path, create=True) as store:
        for seed in (0, 1):
            for depth, acc, plain_acc in ((2, 0.95, 0.96), (16, 0.97, 0.5)):
                energy = [4.0 * 0.01 ** k for k in range(depth + 1)]
                store.put_finished(*run(f"gcn{depth}-{seed}", "csbm", CSBM, "gcn", depth, seed,
                                        energy=energy, layer_weights=[weights] * depth,
                                        test_acc=plain_acc, n_test=200))
                key, config, record = run(f"pair{depth}-{seed}", "csbm", CSBM, "gcn", depth, seed,
                                          energy=[4.0] * (depth + 1), layer_weights=[None] * depth,
                                          test_acc=acc, n_test=200)
                config["model"]["norm"] = "pair"
                store.put_finished(key, config, record)
    return path


def test_builtin_oversmoothing_is_supported_with_both_claims(tmp_path, capsys):
    db = oversmoothing_db(tmp_path / "runs.db", top_singular_value=1.0)
    assert main(["check", "oversmoothing", "--db", str(db), "--json"]) == 0
    (verdict,) = json.loads(capsys.readouterr().out)
    ds = make_task("csbm", seed=0, **CSBM)
    lam_squared = oono_suzuki_lambda(*split_graph_edges(ds, "test")) ** 2
    parts = {p["name"].split("/")[1]: p for p in verdict["parts"]}
    assert verdict["status"] == "supported"
    bound = parts["bound"]
    assert bound["status"] == "supported" and len(bound["evidence"]) == 4   # plain GCN rows only
    assert all(row["theory"] == pytest.approx(lam_squared) for row in bound["evidence"])
    assert all(row["energy_rate"] == pytest.approx(0.01) for row in bound["evidence"])
    assert parts["accuracy-loss"]["status"] == "supported"
    assert [row["theory"] for row in parts["accuracy-loss"]["evidence"]] == [0.96, 0.96]
    assert parts["energy-loss"]["status"] == "supported"
    assert parts["pairnorm-keeps-accuracy"]["status"] == "supported"
    scope = parts["bound-scope"]
    assert scope["status"] == "measured"
    assert sorted(row["n"] for row in scope["evidence"]) == [4, 4]   # plain and PairNorm GCNs
    variants = parts["variants"]
    assert variants["status"] == "measured" and len(variants["evidence"]) == 4


def test_builtin_oversmoothing_bound_fails_when_weights_cannot_explain_the_energy(tmp_path, capsys):
    """A rate the measured weights cannot produce (s = 1e-3, so the bound is 1e-6 lambda^2
    per layer, yet the energy falls only 100x per layer) refutes the theorem's part."""
    db = oversmoothing_db(tmp_path / "runs.db", top_singular_value=1e-3)
    assert main(["check", "oversmoothing", "--db", str(db), "--json"]) == 0
    (verdict,) = json.loads(capsys.readouterr().out)
    assert verdict["status"] == "refuted" and "oversmoothing/bound" in verdict["reason"]


def test_table_output_and_exit_code_zero_when_refuted(db, tmp_path, capsys):
    path = tmp_path / "h.toml"
    path.write_text(HYPOTHESES)
    assert main(["check", str(path), "--db", str(db), "--max-rows", "1"]) == 0
    out = capsys.readouterr().out
    assert "gin-at-chance: REFUTED" in out and "gcn-at-chance: INCONCLUSIVE" in out
    assert "verdicts on 3 runs" in out


@pytest.mark.parametrize("argv, message", [
    (["check", "nonsense"], "'nonsense' is invalid: expected 'all', one of radius"),
    (["check", "radius", "--db", "absent.db"], "no result database at absent.db"),
    (["check", "missing.toml"], "hypothesis file missing.toml not found"),
    (["check", "radius", "--max-rows", "-1"], "--max-rows -1 is invalid"),
])
def test_bad_input_exits_2_with_one_error_line(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "error:" in err and message in " ".join(err.split())
