"""Run measures (weights' norms, metric by example radius, label variance, ceiling), the
columns they give (nMSE, stop reason, ceilings), and `runs` / `report` showing them."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from depthlab.experiments.cli import main
from depthlab.experiments.results import results_frame, run_row
from depthlab.experiments.run import run_config, task_dataset
from depthlab.experiments.store import FINISHED, Store
from depthlab.models.facts import facts_of
from depthlab.tasks import resolve_params
from depthlab.theory.columns import resolve_column
from depthlab.theory.model_ceiling import model_ceiling
from depthlab.theory.predictions import TheoryValues

CSBM = {"n": 80, "classes": 2, "p_in": 0.2, "p_out": 0.02, "mu": 1.0, "features": 4}
SMALL_WORLD = {"radius": 4, "height": 3, "width": 9, "shortcut_p": 0.3, "num_examples": 60}
REGULAR = {"family": "regular", "num_graphs": 30, "n": 10, "degree": 3}


def config(task: str, params: dict, model: str, depth: int, **options) -> dict:
    return {"task": {"name": task, "params": resolve_params(task, **params), "data_seed": 0},
            "model": {"name": model, "depth": depth, "width": 8, **options},
            "train": {"epochs": 2}, "seed": 0}


@pytest.fixture(scope="module")
def gcn_run():
    c = config("csbm", CSBM, "gcn", 3)
    return c, run_config(c)


def test_layer_weights_are_the_trained_weights_norms(gcn_run):
    c, record = gcn_run
    assert len(record["layer_weights"]) == 3
    for layer in record["layer_weights"]:
        assert layer["top_singular_value"] > 0 and layer["bias_norm"] >= 0


def test_cai_wang_bound_holds_for_a_trained_dgl_gcn(gcn_run):
    """DGL's GraphConv with self-loops is the augmented P of the theorem: the measured
    energy rate never exceeds the bound from the measured weights."""
    c, record = gcn_run
    row = run_row("k", FINISHED, c, record)
    import pandas as pd

    frame = pd.DataFrame([row])
    theory = TheoryValues()
    rate = resolve_column(frame, "energy_rate", theory)[0]
    bound = resolve_column(frame, "energy_rate_bound", theory)[0]
    assert np.isfinite(bound) and 0 < rate <= bound * (1 + 1e-5)


def test_ceiling_and_metric_by_radius_are_stored(gcn_run):
    c, record = gcn_run
    ds = task_dataset(c["task"])
    assert record["ceiling"] == model_ceiling(ds, "gcn", facts_of("gcn"), 3).splits
    (bucket,) = record["test_by_radius"]
    assert bucket == {"radius": 1, "n": record["n_test"], "acc": pytest.approx(record["test_acc"])}
    assert record["label_variance"] is None


def test_small_world_examples_are_grouped_by_their_own_radius():
    c = config("grid-chain", SMALL_WORLD, "gin", 2)
    record = run_config(c)
    buckets = record["test_by_radius"]
    ds = task_dataset(c["task"])
    radii = ds.radius[ds.split_indices("test")]
    assert [b["radius"] for b in buckets] == sorted(set(radii.tolist()))
    assert sum(b["n"] for b in buckets) == record["n_test"]
    mean = sum(b["n"] * b["acc"] for b in buckets) / record["n_test"]
    assert mean == pytest.approx(record["test_acc"])


def test_regular_graph_counts_have_ceiling_nmse_one():
    c = config("motif-count", REGULAR, "gin", 2)
    record = run_config(c)
    row = run_row("k", FINISHED, c, record)
    ds = task_dataset(c["task"])
    variance = float(np.var(ds.y[ds.split_indices("test")].astype(float)))
    assert row["test_nmse"] == pytest.approx(record["test_mse"] / variance)
    assert row["test_ceiling_nmse"] == pytest.approx(1.0)
    assert record["layer_weights"] == [None, None]                 # GIN's MLP: two matrices


@pytest.fixture
def db(tmp_path, gcn_run):
    path = tmp_path / "runs.db"
    c, record = gcn_run
    with Store(path, create=True) as store:
        store.put_finished("gcn", c, record)
        buckets = [{"radius": 2, "n": 30, "acc": 1.0}, {"radius": 4, "n": 10, "acc": 0.25}]
        grid = config("grid-chain", SMALL_WORLD, "gin", 2)
        store.put_finished("grid", grid, {**record, "test_by_radius": buckets, "radius": 4})
    return path


def test_runs_shows_every_split_epochs_stop_reason_and_time(db, capsys, monkeypatch):
    from depthlab.experiments import console

    monkeypatch.setattr(console.console, "width", 200)
    assert main(["runs", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    for header in ("train", "val", "test", "ceiling", "epochs", "stopped", "seconds"):
        assert header in out
    assert main(["runs", "--db", str(db), "--json"]) == 0
    (gcn, _) = json.loads(capsys.readouterr().out)
    assert gcn["stop_reason"] is not None and gcn["epochs"] == 2 and gcn["wall_seconds"] > 0
    assert gcn["test_ceiling"] is not None and "val_acc" in gcn


def test_report_by_example_radius(db, capsys, tmp_path):
    assert main(["report", "--db", str(db), "--x", "example_radius", "--json",
                 "--plot", str(tmp_path / "r.png")]) == 0
    table = json.loads(capsys.readouterr().out)
    grid = [r for r in table if r["task"] == "grid-chain"]
    assert [(r["example_radius"], r["test_acc_mean"]) for r in grid] == [(2, 1.0), (4, 0.25)]
    assert (tmp_path / "r.png").stat().st_size > 0
