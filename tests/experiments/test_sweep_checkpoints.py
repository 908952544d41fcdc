"""A sweep killed in the middle of a run resumes that run from its training checkpoint and
stores the record of the uninterrupted run; checkpoints of stored runs are removed."""
from __future__ import annotations

import json

import pytest

from depthlab import models
from depthlab.experiments.api import sweep_runs
from depthlab.experiments.cli import main
from depthlab.experiments.run import checkpoint_dir, checkpoint_path, task_dataset
from depthlab.experiments.spec import Run, config_key
from depthlab.experiments.store import Store
from depthlab.experiments.training_curves import curves
from depthlab.tasks import resolve_params


class Killed(Exception):
    pass


def _run() -> Run:
    config = {"task": {"name": "tree-neighbors-match", "data_seed": 0,
                       "params": resolve_params("tree-neighbors-match", radius=2)},
              "model": {"name": "gcn", "depth": 3, "width": 16, "preset": "alon-yahav"},
              "train": {"protocol": "alon-yahav", "eval_every": 2, "epochs": 12,
                        "patience": 50, "batch_size": 16},
              "seed": 0}
    return Run(config_key(config), config, 1.0)


def _kill_after_three_blocks(config, directory) -> None:
    """What a killed sweep leaves: the checkpoint written after block 2 of a run that died
    in block 3 (made in this process, as the sweep's worker would)."""
    points = []

    def on_point(point):
        points.append(point)
        if len(points) == 3:
            raise Killed

    with pytest.raises(Killed):
        models.train(task_dataset(config["task"]), config["model"],
                     {**config["train"], "threads": 1}, config["seed"], on_point=on_point,
                     checkpoint=checkpoint_path(directory, config), checkpoint_every=1e-9)


def _stored_record(db, key) -> dict:
    with Store(db) as store:
        return next(r for r in store.rows() if r["key"] == key)["record"]


def test_killed_run_resumes_from_its_checkpoint_with_the_uninterrupted_record(tmp_path):
    run = _run()
    sweep_runs([run], tmp_path / "whole.db", workers=1)
    whole = _stored_record(tmp_path / "whole.db", run.key)

    db = tmp_path / "killed.db"
    directory = checkpoint_dir(db)
    _kill_after_three_blocks(run.config, directory)
    saved = checkpoint_path(directory, run.config)
    assert saved.exists() and saved.parent == tmp_path / "killed.db.checkpoints"
    sweep_runs([run], db, workers=1, checkpoints=directory)
    resumed = _stored_record(db, run.key)
    assert resumed["curve"] == whole["curve"]
    assert (resumed["train_acc"], resumed["test_acc"]) == (whole["train_acc"], whole["test_acc"])
    assert not directory.exists()           # the stored run's checkpoint is gone, and the dir


def test_a_foreign_checkpoint_fails_the_run_with_its_path_and_keeps_the_file(tmp_path):
    run, other = _run(), _run()
    other.config["seed"] = 1
    db = tmp_path / "r.db"
    directory = checkpoint_dir(db)
    _kill_after_three_blocks(other.config, directory)
    checkpoint_path(directory, other.config).rename(checkpoint_path(directory, run.config))
    sweep_runs([run], db, workers=1, checkpoints=directory)
    with Store(db) as store:
        row = next(iter(store.rows()))
    assert row["status"] == "failed" and "belongs to another run" in row["error"]
    assert checkpoint_path(directory, run.config).exists()


def test_curves_of_unfinished_runs_come_from_their_checkpoints(tmp_path, capsys):
    run = _run()
    db = tmp_path / "live.db"
    Store(db, create=True).close()
    _kill_after_three_blocks(run.config, checkpoint_dir(db))
    assert curves(db) == []
    [live] = curves(db, unfinished=True, model="gcn", radius=2)
    assert (live["key"], live["stop_reason"], live["depth"], live["seed"]) == (
        run.key, "unfinished", 3, 0)
    assert [p["block"] for p in live["points"]] == [1, 2]
    assert curves(db, unfinished=True, model="gin") == []
    assert main(["curves", "--db", str(db), "--unfinished", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["points"][1]["epoch"] == 4


def test_a_file_in_place_of_the_checkpoint_directory_stops_the_sweep_before_any_run(tmp_path):
    db = tmp_path / "r.db"
    checkpoint_dir(db).write_text("in the way")
    with pytest.raises(ValueError, match="must be a directory"):
        sweep_runs([_run()], db, workers=1, checkpoints=checkpoint_dir(db))
    with Store(db, create=True) as store:
        assert store.statuses() == {}


def test_a_leftover_checkpoint_of_a_stored_run_is_removed_by_the_next_sweep(tmp_path):
    from sweep_fakes import fake_run, fake_runs

    db = tmp_path / "fake.db"
    [run] = fake_runs(1)
    sweep_runs([run], db, workers=1, run_fn=fake_run)
    leftover = checkpoint_path(checkpoint_dir(db), run.config)
    leftover.parent.mkdir()
    leftover.write_bytes(b"left by a sweep killed between storing and removing")
    sweep_runs([run], db, workers=1, run_fn=fake_run, checkpoints=checkpoint_dir(db))
    assert not checkpoint_dir(db).exists()


def test_temporaries_of_killed_checkpoint_writes_are_removed_once_stale(tmp_path):
    import os
    import time

    from sweep_fakes import fake_run, fake_runs

    db = tmp_path / "fake.db"
    [run] = fake_runs(1)
    directory = checkpoint_dir(db)
    directory.mkdir()
    stale, fresh = directory / ".abc.pt.x1.tmp", directory / ".def.pt.x2.tmp"
    for temporary in (stale, fresh):
        temporary.write_bytes(b"half a checkpoint")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    sweep_runs([run], db, workers=1, run_fn=fake_run, checkpoints=directory)
    assert not stale.exists() and fresh.exists()  # a fresh one may be a live write


def test_curves_skip_an_unreadable_checkpoint_with_a_warning(tmp_path):
    run = _run()
    db = tmp_path / "live.db"
    Store(db, create=True).close()
    _kill_after_three_blocks(run.config, checkpoint_dir(db))
    (checkpoint_dir(db) / "0123456789abcdef.pt").write_bytes(b"garbage")
    with pytest.warns(RuntimeWarning, match="skipped: checkpoint .*0123456789abcdef.pt"):
        [live] = curves(db, unfinished=True)
    assert live["key"] == run.key
