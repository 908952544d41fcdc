"""`depthlab reproduce` (comparison with the published figures) and `depthlab curves`, on
stored runs; the progress lines of sweeps that are not on a terminal."""
from __future__ import annotations

import json

import pytest

from depthlab.experiments.api import demo, sweep_runs
from depthlab.experiments.cli import main
from depthlab.experiments.reproductions import (PUBLISHED_TRAIN_ACC, comparison,
                                               published_config, published_section,
                                               reproduction_spec)
from depthlab.experiments.spec import config_key
from depthlab.experiments.store import Store
from depthlab.experiments.training_curves import curves, curves_frame

from sweep_fakes import fake_run, fake_runs, tiny_spec


def _record(radius, train_accs, stop_reason, test_acc=0.5):
    curve = [{"epoch": 100 * (i + 1), "block": i + 1, "loss": 1.0 - a, "lr": 1e-3,
              "train_acc": a, "test_acc": test_acc} for i, a in enumerate(train_accs)]
    best = max(range(len(curve)), key=lambda i: train_accs[i])
    return {"radius": radius, "train_acc": max(train_accs), "test_acc": test_acc,
            "n_train": 80, "n_val": 0, "n_test": 20,
            "epochs": curve[-1]["epoch"], "best_epoch": curve[best]["epoch"],
            "stop_reason": stop_reason, "wall_seconds": 10.0, "curve": curve}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "repro.db"
    with Store(path, create=True) as store:
        for seed, accs, reason in [(0, [0.6, 0.9, 1.0], "fitted"), (1, [0.5, 0.7, 0.7], "plateau")]:
            config = {**published_config("gin", 3), "seed": seed}
            config["task"] = {**config["task"], "data_seed": 0}
            store.put_finished(config_key(config), config, _record(3, accs, reason))
        # not the published setup (dropout): never compared
        other = published_config("gin", 3)
        other["model"] = {**other["model"], "dropout": 0.5}
        other = {**other, "task": {**other["task"], "data_seed": 0}, "seed": 0}
        store.put_finished(config_key(other), other, _record(3, [0.1], "cap"))
        # another task (ternary trees): compared under no setup
        ternary = published_config("gin", 3)
        ternary["task"] = {**ternary["task"], "data_seed": 0,
                           "params": {**ternary["task"]["params"], "arity": 3}}
        store.put_finished(config_key({**ternary, "seed": 0}), {**ternary, "seed": 0},
                           _record(3, [0.2], "cap"))
    return path


def test_comparison_sets_the_best_blocks_train_accuracy_beside_the_published_one(db):
    table = comparison(db)
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["family"], row["radius"], row["runs"]) == ("gin", 3, 2)
    assert row["train_acc_block"] == pytest.approx((1.0 + 0.7) / 2)
    assert row["published_train_acc"] == PUBLISHED_TRAIN_ACC["gin"][3] == 1.0
    assert row["gap"] == pytest.approx(-0.15)
    assert row["stop_reasons"] == "fitted x1, plateau x1" and row["passes"] == 300
    assert "Alon & Yahav" in row["source"]
    assert (row["trees"], row["published_trees"]) == (100, 8000)


def test_the_preset_setup_takes_any_data_caps_and_options_of_the_preset(db):
    table = comparison(db, setup="preset")
    assert table.iloc[0]["runs"] == 3  # the dropout run too, not the ternary trees
    with pytest.raises(ValueError, match="setup='exact' is invalid"):
        comparison(db, setup="exact")


def test_published_section_names_the_source_the_radii_it_lacks_and_the_command(db):
    section = published_section(comparison(db))
    assert "Alon & Yahav" in section and "| gin | 3 | 2 |" in section
    assert "Not measured here: r = 2, 4, 5, 6, 7, 8" in section
    assert "gcn from r = 4" in section and "ggnn from r = 5" in section
    assert "16,000 trees at r = 4" in section and "--radii 4 --db FILE" in section


def test_demo_sets_tree_neighbors_match_beside_the_published_figure(tmp_path):
    spec = tiny_spec(tmp_path, depth='["r-1", "r+1"]', options='options = { preset = "alon-yahav" }',
                     train='protocol = "alon-yahav"\neval_every = 2\nepochs = 4')
    lines = []
    paths = demo(tmp_path / "out", spec=spec, workers=1, echo=lines.append)
    report = paths["report_md"].read_text()
    assert "## Against the published figure" in report and "| gcn | 2 | 1 |" in report
    assert "Not measured here: r = 3, 4, 5, 6, 7, 8" in report
    assert paths["published"].stat().st_size > 0
    assert any("Against the published figure" in line for line in lines)


def test_reproduction_spec_rejects_what_was_not_published():
    with pytest.raises(ValueError, match="families=sage is invalid"):
        reproduction_spec("alon-yahav", [2], ["sage"], [0])
    with pytest.raises(ValueError, match="radii=9 is invalid"):
        reproduction_spec("alon-yahav", [9], ["gin"], [0])
    with pytest.raises(ValueError, match="reproduction 'x' is unknown"):
        reproduction_spec("x", [2], ["gin"], [0])
    assert main(["reproduce", "alon-yahav", "--radii", "2,x"]) == 2


def test_curves_filter_runs_and_give_every_point(db, tmp_path, capsys):
    runs = curves(db, model="gin", seed=[1])
    assert len(runs) == 1 and runs[0]["stop_reason"] == "plateau"
    assert [p["train_acc"] for p in runs[0]["points"]] == [0.5, 0.7, 0.7]
    assert set(runs[0]["points"][0]) == {"epoch", "block", "loss", "lr", "train_acc", "test_acc"}
    assert len(curves_frame(db)) == 3 + 3 + 1 + 1
    with pytest.raises(ValueError, match="unknown curve filter"):
        curves(db, colour="red")
    capsys.readouterr()
    plot = tmp_path / "curves.png"
    assert main(["curves", "--db", str(db), "--seed", "0", "--json", "--plot", str(plot)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert len(printed) == 3 and all("points" in run for run in printed)
    assert plot.stat().st_size > 0
    assert main(["curves", "--db", str(db), "--model", "gat"]) == 2


def test_sweeps_off_a_terminal_print_a_line_per_finished_run_with_an_eta(tmp_path, capsys):
    sweep_runs(fake_runs(3), tmp_path / "fake.db", workers=1, progress=True, run_fn=fake_run)
    lines = [l for l in capsys.readouterr().err.splitlines() if l.startswith("[")]
    assert [l.split("]")[0] for l in lines] == ["[1/3", "[2/3", "[3/3"]
    assert all("ETA" in l and "fake" in l for l in lines)


@pytest.mark.slow
def test_reproduce_r2_gin_end_to_end(tmp_path, capsys):
    db, plot = tmp_path / "r.db", tmp_path / "r.png"
    assert main(["reproduce", "alon-yahav", "--radii", "2", "--families", "gin", "--seeds", "0",
                 "--db", str(db), "--plot", str(plot), "--workers", "1", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["train_acc_block"] == 1.0 and row["stop_reasons"] == "fitted x1"
    assert plot.exists() and main(["runs", "--db", str(db)]) == 0
