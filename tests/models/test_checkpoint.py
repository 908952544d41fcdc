"""models.train with a checkpoint: a run killed between epochs (blocks) and started again
gives the record of the uninterrupted run; a file that is not this run's checkpoint is
refused with a clear error, never unpickled as code."""
from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
import torch

from depthlab.models import train
from depthlab.models.checkpoint import LoopState, TrainingCheckpoint
from depthlab.models.protocol import AlonYahavSchedule

# Every epoch (block) is saved: the interval has always passed.
ALWAYS = 1e-9
BLOCKS = {"protocol": "alon-yahav", "eval_every": 2, "epochs": 16, "patience": 100,
          "lr_patience": 2, "batch_size": 4, "lr": 0.01}
EPOCHS = {"protocol": "reference", "epochs": 8, "patience": 6, "batch_size": 4, "lr": 0.01}
MODEL = {"name": "gat", "depth": 2, "width": 8, "dropout": 0.3}


class Killed(Exception):
    """Stands for the process dying in the middle of an epoch (block)."""


def _kill_at(point_number: int):
    seen = []

    def on_point(point):
        seen.append(point)
        if len(seen) == point_number:
            raise Killed

    return on_point


def _without_wall(record) -> dict:
    out = record.to_dict()
    del out["wall_seconds"]
    return out


@pytest.mark.parametrize("kind, train_config", [("node-cls", BLOCKS), ("graph-cls", EPOCHS),
                                                ("node-reg", BLOCKS)])
def test_killed_and_resumed_run_gives_the_uninterrupted_record(toy, tmp_path, kind, train_config):
    ds = toy(kind, graphs=12)
    whole = train(ds, MODEL, train_config, seed=5)
    assert len(whole.record.curve) > 4
    path = tmp_path / "run.pt"
    with pytest.raises(Killed):
        train(ds, MODEL, train_config, seed=5, on_point=_kill_at(4), checkpoint=path,
              checkpoint_every=ALWAYS)
    assert path.exists()
    resumed_points = []
    resumed = train(ds, MODEL, train_config, seed=5, on_point=resumed_points.append,
                    checkpoint=path, checkpoint_every=ALWAYS)
    assert _without_wall(resumed.record) == _without_wall(whole.record)
    # it restarted at the interrupted epoch (block), not from the beginning
    assert len(resumed_points) == len(whole.record.curve) - 3
    assert resumed.record.curve[3] == resumed_points[0]


def test_resume_carries_halved_learning_rate_and_schedule_counters(toy, tmp_path):
    ds = toy("node-cls", graphs=12)
    config = {**BLOCKS, "lr_patience": 0, "lr": 0.05}
    whole = train(ds, MODEL, config, seed=1)
    lrs = [point["lr"] for point in whole.record.curve]
    assert len(set(lrs)) > 2                # the schedule acted during the run
    path = tmp_path / "run.pt"
    with pytest.raises(Killed):
        train(ds, MODEL, config, seed=1, on_point=_kill_at(5), checkpoint=path,
              checkpoint_every=ALWAYS)
    resumed = train(ds, MODEL, config, seed=1, checkpoint=path, checkpoint_every=ALWAYS)
    assert [point["lr"] for point in resumed.record.curve] == lrs


def test_wall_seconds_add_up_over_attempts(toy, tmp_path):
    ds = toy("node-cls", graphs=12)
    path = tmp_path / "run.pt"
    with pytest.raises(Killed):
        train(ds, MODEL, BLOCKS, seed=0, on_point=_kill_at(3), checkpoint=path,
              checkpoint_every=ALWAYS)
    saved = torch.load(path, weights_only=True)
    before = json.loads(saved["meta"])["elapsed"]
    resumed = train(ds, MODEL, BLOCKS, seed=0, checkpoint=path, checkpoint_every=ALWAYS)
    assert resumed.record.wall_seconds > before > 0


def test_no_save_before_the_interval(toy, tmp_path):
    ds = toy("node-cls")
    path = tmp_path / "run.pt"
    train(ds, MODEL, BLOCKS, seed=0, checkpoint=path, checkpoint_every=3600)
    assert not path.exists()


def test_a_checkpoint_that_cannot_be_written_warns_and_training_goes_on(toy, tmp_path):
    ds = toy("node-cls", graphs=12)
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way of the checkpoint directory")
    with pytest.warns(RuntimeWarning, match="checkpoint not written"):
        run = train(ds, MODEL, BLOCKS, seed=0, checkpoint=blocker / "run.pt",
                    checkpoint_every=ALWAYS)
    assert _without_wall(run.record) == _without_wall(train(ds, MODEL, BLOCKS, seed=0).record)


def test_checkpoint_of_another_run_is_refused(toy, tmp_path):
    ds = toy("node-cls", graphs=12)
    path = tmp_path / "run.pt"
    with pytest.raises(Killed):
        train(ds, MODEL, BLOCKS, seed=0, on_point=_kill_at(3), checkpoint=path,
              checkpoint_every=ALWAYS)
    for other in ({"seed": 1}, {"train_config": {**BLOCKS, "lr": 0.02}},
                  {"model_config": {**MODEL, "width": 16}}):
        args = {"model_config": MODEL, "train_config": BLOCKS, "seed": 0, **other}
        with pytest.raises(ValueError, match="belongs to another run"):
            train(ds, checkpoint=path, **args)


class _Exploit:
    def __reduce__(self):
        return (print, ("code ran while loading",))


@pytest.mark.parametrize("content, message", [
    (b"", "not readable"),
    (b"not a checkpoint at all", "not readable"),
    (pickle.dumps(_Exploit()), "not readable"),
])
def test_unreadable_or_malicious_files_are_refused(toy, tmp_path, capsys, content, message):
    path = tmp_path / "run.pt"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        train(toy("node-cls"), MODEL, BLOCKS, seed=0, checkpoint=path)
    assert "code ran" not in capsys.readouterr().out


def _saved(path, **changes) -> None:
    state = {"format": "depthlab-training-checkpoint", "version": 1, "meta": "{}",
             "model": {}, "optimizer": {}, "best_state": {}, "torch_rng": torch.get_rng_state()}
    state.update(changes)
    torch.save(state, path)


@pytest.mark.parametrize("changes, message", [
    ({"format": "something else"}, "not a depthlab training checkpoint"),
    ({"version": 99}, "version 99"),
    ({"model": [1, 2]}, "'model' is not a state dict"),
    ({"torch_rng": 3}, "'torch_rng' is not a tensor"),
    ({"meta": "{oops"}, "'meta' is not JSON"),
    ({"meta": "{}"}, "meta lacks identity"),
])
def test_malformed_checkpoints_are_refused_naming_the_fault(tmp_path, changes, message):
    path = tmp_path / "run.pt"
    _saved(path, **changes)
    checkpoint = TrainingCheckpoint(path, {"run": 1})
    loop = LoopState(np.random.default_rng(0), {"blocks": AlonYahavSchedule()}, {})
    model = torch.nn.Linear(2, 2)
    with pytest.raises(ValueError, match=message):
        checkpoint.resume(model, torch.optim.Adam(model.parameters()), loop)


def test_inconsistent_progress_and_foreign_state_are_refused(toy, tmp_path):
    ds = toy("node-cls", graphs=12)
    path = tmp_path / "run.pt"
    with pytest.raises(Killed):
        train(ds, MODEL, BLOCKS, seed=0, on_point=_kill_at(3), checkpoint=path,
              checkpoint_every=ALWAYS)
    saved = torch.load(path, weights_only=True)
    meta = json.loads(saved["meta"])
    torch.save({**saved, "meta": json.dumps({**meta, "done": 7})}, path)
    with pytest.raises(ValueError, match="inconsistent progress"):
        train(ds, MODEL, BLOCKS, seed=0, checkpoint=path)
    torch.save({**saved, "model": {"nonsense": torch.zeros(1)}}, path)
    with pytest.raises(ValueError, match="does not fit this run"):
        train(ds, MODEL, BLOCKS, seed=0, checkpoint=path)


def test_interval_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="every_seconds=0"):
        TrainingCheckpoint(tmp_path / "run.pt", {}, every_seconds=0)
