"""models.train with a checkpoint: a run killed between epochs (blocks) and started again
gives the record of the uninterrupted run; a file that is not this run's checkpoint is
refused with a clear error, never unpickled as code."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

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


def _killed_checkpoint(ds, path) -> dict:
    """The checkpoint of a BLOCKS run of MODEL (seed 0) killed in block 4, as saved."""
    with pytest.raises(Killed):
        train(ds, MODEL, BLOCKS, seed=0, on_point=_kill_at(4), checkpoint=path,
              checkpoint_every=ALWAYS)
    return torch.load(path, weights_only=True)


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
    before = json.loads(_killed_checkpoint(ds, path)["meta"])["elapsed"]
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
    _killed_checkpoint(ds, path)
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
        checkpoint.resume(model, torch.optim.Adam(model.parameters()), loop, 1, 10)


def _with_meta(saved: dict, **changes) -> dict:
    return {**saved, "meta": json.dumps({**json.loads(saved["meta"]), **changes})}


def _with_optimizer_state(saved: dict, change) -> dict:
    optimizer = {"state": {k: dict(v) for k, v in saved["optimizer"]["state"].items()},
                 "param_groups": [dict(g) for g in saved["optimizer"]["param_groups"]]}
    change(optimizer)
    return {**saved, "optimizer": optimizer}


def _curve_with_last(saved: dict, **point) -> dict:
    curve = json.loads(saved["meta"])["curve"]
    return _with_meta(saved, curve=curve[:-1] + [{**curve[-1], **point}])


def _first_state(optimizer: dict) -> dict:
    return next(iter(optimizer["state"].values()))


CRAFTED = {
    "done beyond the budget": (lambda s: _with_meta(
        s, done=50, curve=[{"epoch": 2 * (i + 1)} for i in range(50)]), "not one of this run"),
    "curve epochs out of step": (lambda s: _curve_with_last(s, epoch=99), "not one of this run"),
    "an epoch that is text": (lambda s: _curve_with_last(s, epoch="lots"), "inconsistent progress"),
    "best_epoch not on the curve": (lambda s: _with_meta(s, best_epoch=5), "best_epoch 5"),
    "best_epoch a bool": (lambda s: _with_meta(s, best_epoch=True), "inconsistent progress"),
    "elapsed NaN": (lambda s: _with_meta(s, elapsed=float("nan")), "inconsistent progress"),
    "elapsed negative": (lambda s: _with_meta(s, elapsed=-1e9), "inconsistent progress"),
    "a stale count NaN": (lambda s: _with_meta(
        s, schedules={"blocks": {"lr_best": 0.1, "lr_bad": 0, "best": 0.1,
                                 "stale": float("nan")}}), "a count >= 0 for 'stale'"),
    "a negative count": (lambda s: _with_meta(
        s, schedules={"blocks": {"lr_best": 0.1, "lr_bad": -3, "best": 0.1, "stale": 0}}),
        "a count >= 0 for 'lr_bad'"),
    "a huge shuffler state": (lambda s: _with_meta(
        s, shuffler={**json.loads(s["meta"])["shuffler"],
                     "state": {"state": 2 ** 200, "inc": 1}}), "not a PCG64 state"),
    "best_state of another shape": (lambda s: {**s, "best_state": {
        k: torch.zeros(3) for k in s["best_state"]}}, "best_state"),
    "an optimiser setting": (lambda s: _with_optimizer_state(
        s, lambda o: o["param_groups"][0].update(betas=(0.5, 0.5))), "settings differ"),
    "a learning rate as text": (lambda s: _with_optimizer_state(
        s, lambda o: o["param_groups"][0].update(lr="fast")), "learning rate"),
    "exp_avg of another shape": (lambda s: _with_optimizer_state(
        s, lambda o: _first_state(o).update(exp_avg=torch.zeros(7, 7))), "not shaped like"),
    "exp_avg_sq missing": (lambda s: _with_optimizer_state(
        s, lambda o: _first_state(o).pop("exp_avg_sq")), "lacks step"),
    "deeply nested meta": (lambda s: {**s, "meta": "[" * 200_000}, "not JSON text"),
}


@pytest.mark.parametrize("fault", list(CRAFTED))
def test_crafted_states_of_this_run_are_refused_before_training(toy, tmp_path, fault):
    ds = toy("node-cls", graphs=12)
    path = tmp_path / "run.pt"
    craft, message = CRAFTED[fault]
    torch.save(craft(_killed_checkpoint(ds, path)), path)
    with pytest.raises(ValueError, match=message) as raised:
        train(ds, MODEL, BLOCKS, seed=0, on_point=_kill_at(1), checkpoint=path)
    assert str(path) in str(raised.value)


def test_the_same_dataset_description_with_other_graphs_is_another_run(toy, tmp_path):
    ds = toy("node-cls", graphs=12)
    path = tmp_path / "run.pt"
    _killed_checkpoint(ds, path)
    ds.dst[0] = (ds.dst[0] + 1) % ds.num_nodes      # one edge moved, same name and params
    with pytest.raises(ValueError, match="its dataset differ"):
        train(ds, MODEL, BLOCKS, seed=0, checkpoint=path)


def test_a_full_disk_warns_and_training_goes_on(toy, tmp_path, monkeypatch):
    def full(self, data):
        raise OSError(28, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_bytes", full)
    ds = toy("node-cls", graphs=12)
    with pytest.warns(RuntimeWarning, match="No space left"):
        run = train(ds, MODEL, BLOCKS, seed=0, checkpoint=tmp_path / "run.pt",
                    checkpoint_every=ALWAYS)
    assert run.record.stop_reason and not list(tmp_path.iterdir())


@pytest.mark.parametrize("every", [0, -1, "60", True, float("nan")])
def test_the_interval_must_be_a_positive_number(tmp_path, every):
    with pytest.raises(ValueError, match="every_seconds="):
        TrainingCheckpoint(tmp_path / "run.pt", {}, every_seconds=every)


@pytest.mark.parametrize("path", [5, "", None])
def test_the_checkpoint_must_be_a_path(path):
    with pytest.raises(ValueError, match="checkpoint="):
        TrainingCheckpoint(path, {})
