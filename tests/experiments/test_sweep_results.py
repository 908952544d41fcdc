import json

import numpy as np
import pandas as pd
import pytest

from depthlab.experiments.plots import plot_curves, plot_heatmap
from depthlab.experiments.results import aggregate, frame_of, group_keys, render, results_frame, run_row
from depthlab.experiments.store import Store


def _config(task, radius, model, depth, seed, residual=False):
    params = {"radius": radius} if task == "tree" else {"radius": radius, "height": 1}
    return {"task": {"name": task, "params": params, "data_seed": 0},
            "model": {"name": model, "depth": depth, "width": 8, "residual": residual},
            "train": {"epochs": 3}, "seed": seed}


def _record(acc, radius, depth):
    return {"test_acc": acc, "train_acc": 1.0, "radius": radius, "chance": 1 / 2**radius,
            "n_train": 10, "n_val": 0, "n_test": 4, "width": 8, "energy": [1.0] * (depth + 1),
            "epochs": 3, "best_epoch": 2, "wall_seconds": 0.5, "num_params": 100}


def _frame(rows):
    return frame_of(run_row(f"k{i}", "finished", c, r) for i, (c, r) in enumerate(rows))


def test_results_frame_has_the_contract_columns(tmp_path):
    config = _config("tree", 3, "gin", 4, 0)
    with Store(tmp_path / "r.db", create=True) as store:
        store.put_finished("a", config, _record(0.5, 3, 4))
        store.put_failed("b", _config("tree", 2, "gin", 3, 0), "boom")
    frame = results_frame(tmp_path / "r.db")
    assert len(frame) == 1
    row = frame.iloc[0]
    expected = {"key": "a", "status": "finished", "task": "tree", "data_seed": 0,
                "task.radius": 3, "model": "gin", "depth": 4, "width": 8,
                "model.residual": False, "seed": 0, "radius": 3, "chance": 0.125,
                "test_acc": 0.5, "n_test": 4, "num_params": 100, "train.epochs": 3}
    assert {k: row[k] for k in expected} == expected
    assert json.loads(row["task_params"]) == {"radius": 3}
    assert json.loads(row["model_options"]) == {"residual": False}
    assert json.loads(row["energy"]) == [1.0] * 5
    assert row["test_mse"] is None and row["val_acc"] is None


def test_aggregate_over_seeds_keeps_configs_apart():
    rows = []
    for radius in (2, 3):
        for seed, acc in ((0, 0.5), (1, 1.0)):
            rows.append((_config("tree", radius, "gin", radius + 1, seed), _record(acc, radius, radius + 1)))
            rows.append((_config("tree", radius, "gin", radius + 1, seed, residual=True),
                         _record(acc / 2, radius, radius + 1)))
    frame = _frame(rows)
    keys, splitting = group_keys(frame, "radius", ["model"])
    # residual splits configs; depth (= r+1) follows from the radius: shown, not splitting;
    # task.radius equals the x column and is left out
    assert splitting == ["model.residual"]
    assert keys == ["task", "model", "radius", "model.residual", "depth"]
    table = aggregate(frame, x="radius", y="test_acc", by=["model"])
    assert list(table.columns) == keys + ["chance", "test_ceiling", "test_acc_mean", "test_acc_std", "n"]
    plain = table[~table["model.residual"].astype(bool)]
    assert plain["test_acc_mean"].tolist() == [0.75, 0.75]
    assert np.allclose(plain["test_acc_std"], np.std([0.5, 1.0], ddof=1))
    assert plain["n"].tolist() == [2, 2] and plain["chance"].tolist() == [0.25, 0.125]
    assert aggregate(frame, x="radius", y="test_acc", by="model").equals(table)
    both = aggregate(frame, x="radius", y=["train_acc", "test_acc"], by=["model"])
    assert {"train_acc_mean", "test_acc_std"} <= set(both.columns)


def test_columns_missing_for_one_task_do_not_split_it():
    rows = [(_config(task, 2, "gcn", 3, seed), _record(0.5, 2, 3))
            for task in ("tree", "grid") for seed in (0, 1)]
    table = aggregate(_frame(rows), by=["model"])
    assert list(table["n"]) == [2, 2]
    assert "task.height" not in table.columns


def test_unknown_column_lists_choices():
    frame = _frame([(_config("tree", 2, "gcn", 3, 0), _record(0.5, 2, 3))])
    with pytest.raises(ValueError, match="y='accuracy' is not a results column; choose from:.*test_acc"):
        aggregate(frame, y="accuracy")


def test_render_formats():
    table = pd.DataFrame({"model": ["gin"], "test_acc_mean": [0.123456], "n": [2]})
    assert render(table, "md") == "| model | test_acc_mean | n |\n|---|---|---|\n| gin | 0.1235 | 2 |\n"
    assert render(table, "csv").splitlines() == ["model,test_acc_mean,n", "gin,0.123456,2"]
    assert json.loads(render(table, "json")) == [{"model": "gin", "test_acc_mean": 0.123456, "n": 2}]
    with pytest.raises(ValueError, match="format='xls'"):
        render(table, "xls")


def test_plots_write_png_and_svg(tmp_path):
    rows = [(_config("tree", r, m, d, s), _record(0.25 * s + 0.1 * d, r, d))
            for r in (2, 3) for m in ("gin", "gcn") for d in (r - 1, r + 1) for s in (0, 1)]
    frame = _frame(rows)
    png = plot_curves(frame, tmp_path / "c.png", y=["train_acc", "test_acc"])
    svg = plot_heatmap(frame, tmp_path / "h.svg", y="test_acc")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in svg.read_bytes()[:500]
    learning = plot_curves(frame, tmp_path / "l.svg", x="n_train", by="depth", log_x=True)
    assert b"<svg" in learning.read_bytes()[:500]
    with pytest.raises(ValueError, match="unsupported suffix '.jpg'"):
        plot_curves(frame, tmp_path / "c.jpg")


def test_curves_name_depths_relative_to_the_radius_when_simpler():
    from depthlab.experiments.plots import _relative_depths

    rows = [(_config("tree", r, "gin", r + k, 0), _record(0.5, r, r + k)) for r in (2, 3, 4) for k in (-1, 1)]
    relative = _relative_depths(_frame(rows), ["task", "model"])
    assert sorted(set(relative["depth"])) == ["r+1", "r-1"]
    fixed = [(_config("tree", r, "gin", d, 0), _record(0.5, r, d)) for r in (2, 3, 4) for d in (1, 2)]
    assert sorted(set(_relative_depths(_frame(fixed), ["task", "model"])["depth"])) == [1, 2]
