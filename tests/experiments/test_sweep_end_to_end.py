"""Real runs through the CLI and the API: local pool, Ray, resume, report, plots."""
import json

import pytest

from depthlab.experiments.api import sweep
from depthlab.experiments.cli import main
from depthlab.experiments.results import results_frame

SPEC = """
seeds = [0]
[[task]]
name = "tree-neighbors-match"
params = { radius = 2 }
[[task]]
name = "grid-chain"
params = { radius = 2, num_examples = 40 }
[[model]]
family = "gin"
depth = ["r-1", "r+1"]
width = 8
[train]
epochs = 2
batch_size = 32
"""
METRICS = ["task", "depth", "radius", "chance", "train_acc", "test_acc", "num_params", "epochs"]


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "tiny.toml"
    path.write_text(SPEC)
    return path


@pytest.fixture(scope="module")
def local_db(spec_path, tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "local.db"
    assert main(["sweep", str(spec_path), "--db", str(db), "--workers", "2", "--json"]) == 0
    return db


def _table(db):
    return results_frame(db).sort_values(["task", "depth"])[METRICS].reset_index(drop=True)


def test_sweep_stores_real_runs_with_energies(local_db):
    frame = results_frame(local_db)
    assert sorted(zip(frame["task"], frame["depth"])) == [
        ("grid-chain", 1), ("grid-chain", 3), ("tree-neighbors-match", 1), ("tree-neighbors-match", 3)]
    assert (frame["radius"] == 2).all() and (frame["epochs"] == 2).all()
    assert frame["test_acc"].between(0, 1).all()
    for depth, energy in zip(frame["depth"], frame["energy"]):
        assert energy is not None and len(json.loads(energy)) == depth + 1


def test_rerun_skips_finished_runs(local_db, spec_path, capsys):
    capsys.readouterr()
    before = _table(local_db)
    assert main(["sweep", str(spec_path), "--db", str(local_db), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["runs"], summary["finished"], summary["failed"]) == (4, 4, 0)
    assert summary["seconds"] < 30
    assert _table(local_db).equals(before)


def test_runs_and_report_commands(local_db, tmp_path, capsys):
    capsys.readouterr()
    assert main(["runs", "--db", str(local_db), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 4 and {r["status"] for r in listed} == {"finished"}
    assert main(["report", "--db", str(local_db), "--format", "csv", "--y", "train_acc,test_acc",
                 "--plot", str(tmp_path / "c.png"), "--heatmap", str(tmp_path / "h.svg")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("task,model,radius,depth,chance,test_ceiling,train_acc_mean,train_acc_std,"
                        "test_acc_mean,test_acc_std,n")
    assert len(lines) == 5
    assert (tmp_path / "c.png").stat().st_size > 0 and (tmp_path / "h.svg").stat().st_size > 0


def test_cli_errors_are_one_line(tmp_path, capsys):
    text = tmp_path / "notes.txt"
    text.write_text("hello\n" * 50)
    assert main(["report", "--db", str(text)]) == 2
    assert "not a depthlab result database" in capsys.readouterr().err
    assert main(["sweep", "no-such-spec", "--db", str(tmp_path / "x.db")]) == 2
    assert "shipped specs" in capsys.readouterr().err


def test_ray_executor_gives_the_same_table(local_db, spec_path, tmp_path):
    pytest.importorskip("ray")
    frame = sweep(spec_path, tmp_path / "ray.db", workers=2, executor="ray")
    assert set(frame["status"]) == {"finished"}
    assert _table(tmp_path / "ray.db").equals(_table(local_db))


def test_train_command_runs_one_config_and_can_store_it(tmp_path, capsys):
    capsys.readouterr()
    db = tmp_path / "one.db"
    assert main(["train", "--task", "tree-neighbors-match", "--param", "radius=2", "--model", "gin",
                 "--depth", "r+1", "--width", "8", "--train", "epochs=1", "--db", str(db),
                 "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert (row["task"], row["model"], row["depth"], row["radius"], row["epochs"]) == (
        "tree-neighbors-match", "gin", 3, 2, 1)
    assert results_frame(db)["key"].tolist() == [row["key"]]
    assert main(["train", "--task", "tree-neighbors-match", "--model", "gin",
                 "--option", "bogus"]) == 2
    assert "--option 'bogus' is invalid: expected KEY=VALUE" in capsys.readouterr().err
