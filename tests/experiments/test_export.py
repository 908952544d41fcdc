"""Stored runs exported as CSV/JSON/parquet: one row per run, and one row per curve point."""
from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from depthlab.experiments import curve_table, export_runs, run_table
from depthlab.experiments.cli import main
from depthlab.experiments.store import Store


def config(radius: int, residual: bool) -> dict:
    return {"task": {"name": "grid-chain", "params": {"radius": radius, "height": 1},
                     "data_seed": 0},
            "model": {"name": "gin", "depth": radius + 1, "width": 8, "residual": residual},
            "train": {"epochs": 2, "lr": 0.01}, "seed": 3}


def record(acc: float) -> dict:
    return {"train_acc": 1.0, "test_acc": acc, "test_mse": None, "epochs": 2, "seed": 3,
            "versions": {"torch": "2.2.1"}, "energy": [1.5, 0.5],
            "curve": [{"epoch": 1, "loss": 0.9, "train_acc": 0.5},
                      {"epoch": 2, "loss": 0.4, "train_acc": 1.0}],
            "block_curve": [{"block": 1, "passes": 10, "grad_norm": 0.1}],
            "test_by_radius": [{"radius": 2, "n": 4, "acc": acc}]}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "runs.db"
    with Store(path, create=True) as store:
        store.put_finished("a", config(2, False), record(0.75))
        store.put_finished("b", config(3, True), record(0.5))
        store.put_failed("c", config(4, True), "Traceback ...\nRuntimeError: boom")
    return path


def test_run_table_flattens_config_and_record(db):
    table = run_table(db)
    assert list(table["key"]) == ["a", "b", "c"]
    assert list(table["task.params.radius"]) == [2, 3, 4]
    assert list(table["model.residual"]) == [False, True, True]
    assert table.loc[0, "train.lr"] == 0.01 and table.loc[1, "test_acc"] == 0.5
    assert table.loc[0, "versions.torch"] == "2.2.1" and table.loc[0, "energy"] == "[1.5, 0.5]"
    assert "curve" not in table.columns and "block_curve" not in table.columns
    assert json.loads(table.loc[0, "test_by_radius"]) == [{"radius": 2, "n": 4, "acc": 0.75}]
    assert table.loc[2, "status"] == "failed" and "boom" in table.loc[2, "error"]
    assert len(run_table(db, status="finished")) == 2


def test_curve_table_is_generic_over_point_keys(db):
    curves = curve_table(db)
    assert len(curves) == 2 * 3
    assert set(curves["curve"]) == {"curve", "block_curve"}
    blocks = curves[curves["curve"] == "block_curve"]
    assert list(blocks["grad_norm"]) == [0.1, 0.1] and list(blocks["model.depth"]) == [3, 4]


def test_cli_csv_and_json_match_the_api(db, capsys):
    assert main(["runs", "--db", str(db), "--format", "csv"]) == 0
    csv = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(csv.columns) == list(run_table(db).columns) and len(csv) == 3
    assert main(["runs", "--db", str(db), "--curves", "--format", "json"]) == 0
    points = json.loads(capsys.readouterr().out)
    assert len(points) == 6 and points[0]["loss"] == 0.9


def test_parquet_round_trip(db, tmp_path, capsys):
    pytest.importorskip("pyarrow")
    out = tmp_path / "out" / "runs.parquet"
    assert main(["runs", "--db", str(db), "--format", "parquet", "--output", str(out)]) == 0
    back = pd.read_parquet(out)
    assert list(back["key"]) == ["a", "b", "c"] and back.loc[1, "test_acc"] == 0.5
    assert [p.name for p in out.parent.iterdir()] == ["runs.parquet"]
    export_runs(db, tmp_path / "curves.parquet", "parquet", curves=True)
    assert len(pd.read_parquet(tmp_path / "curves.parquet")) == 6


def test_parquet_errors_are_one_line(db, tmp_path, capsys, monkeypatch):
    assert main(["runs", "--db", str(db), "--format", "parquet"]) == 2
    assert "give an output path" in capsys.readouterr().err
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "pyarrow" else real(name, *a))
    code = main(["runs", "--db", str(db), "--format", "parquet", "--output",
                 str(tmp_path / "r.parquet")])
    err = capsys.readouterr().err
    assert code == 2 and "needs pyarrow: pip install 'depthlab[parquet]'" in err
    assert "Traceback" not in err and not (tmp_path / "r.parquet").exists()
