"""`train(dataset, model_config, train_config, seed) -> TrainedRun`.

Train config keys (all optional; defaults in brackets, then the "alon-yahav" defaults from
models.presets.protocol_defaults, which depend on the model family and the task radius):
    epochs [100; 50,000]  maximum number of passes over the train split (the budget)
    lr [1e-3]             Adam learning rate
    batch_size [64; 64 at r <= 3, 1024 at r = 4-6, ...] training examples per batch
    accum_steps [1; 2-4 at r >= 7 for some families] batches per optimiser step (gradients
                          of the batch means, divided by accum_steps, are summed)
    eval_batch_size [1024] examples per batch when measuring metrics
    weight_decay [0.0]    Adam weight decay
    protocol ["plain"]    "plain": run to ``epochs``; "reference": halve lr after
                          ``patience`` epochs without gain in train accuracy (or -MSE),
                          stop after 2 x ``patience`` or at 100% (ReferenceSchedule);
                          "alon-yahav": the published rule over evaluation blocks
                          (AlonYahavSchedule), see below
    patience [20]         epochs (blocks for alon-yahav) without gain before stopping; the
                          early-stopping patience on validation for plain and reference
    eval_every [1; 100, 1000 at r = 2] alon-yahav: training passes per evaluation block
    lr_patience [10]      alon-yahav: blocks without gain above threshold before the lr is
                          multiplied by ``lr_factor`` [0.5]
    threshold [1e-4]      alon-yahav: least gain in the train score that counts
    threads [1]           torch/DGL threads for this run (workers x threads <= cores)
    train_examples [None] train on this many examples of the train split (a subset drawn
                          by models.train_subset from ``seed``; nested across sizes); None:
                          all of it. More than the split holds raises ``ValueError``
    device ["cpu"]        "cpu", "cuda" or "auto" (models.device.resolve_device); the model
                          lives there and each batch is moved there once

plain and reference: every epoch is one shuffled pass; after it, train accuracy (or MSE) is
measured in eval mode on the whole train split, and on the val and test splits. The selected
model is that of the epoch with the best validation score where the split has one (training
stops once it has not improved for ``patience`` epochs), else the best train score.

alon-yahav: each block trains on ``eval_every`` copies of the train split shuffled as one
stream; the block's train accuracy (or MSE) is accumulated from those training steps
themselves (train mode, no extra pass); val and test are measured once per block. The
selected model is that of the block whose train score last improved by more than
``threshold``. Blocks run while ``(block * eval_every) <= epochs``.

The record's ``stop_reason`` says why training ended: "fitted" (100% train accuracy),
"plateau" (patience ran out on the train score), "val_plateau" (on validation), or "cap"
(the ``epochs`` budget ran out: the run was cut short). Its ``curve`` has one row per epoch
(block): epoch (passes so far), [block,] loss, lr (in use during it), train/val/test
metrics. ``best_epoch`` names the selected epoch (passes at the end of the selected block;
0, the initial weights, if nothing scored better than -inf), and the record's metrics are
those of the selected model measured in eval mode on whole splits.
Same dataset, configs and seed give the same record (CPU; up to float tolerance):
torch draws come from a generator seeded with ``seed`` inside models.run_scope, and the
shuffling from ``numpy.random.default_rng(seed)``. With a checkpoint file
(models.checkpoint) a run killed between epochs (blocks) resumes where it was saved and
gives that same record.
"""
from __future__ import annotations

import copy
import hashlib
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from torch.nn import functional as F

from depthlab.models.budget import count_parameters
from depthlab.models.checkpoint import EVERY_SECONDS, LoopState, TrainingCheckpoint
from depthlab.models.device import DEVICES, resolve_device
from depthlab.models.evaluate import evaluate
from depthlab.models.presets import ALON_YAHAV, protocol_defaults
from depthlab.models.protocol import HALVE, STOP, AlonYahavSchedule, Plateau, ReferenceSchedule
from depthlab.models.record import RunRecord, TrainedRun, versions
from depthlab.models.registry import make_model, resolve_model_options
from depthlab.models.run_scope import run_scope
from depthlab.models.task_info import TaskInfo
from depthlab.models.train_subset import train_subset
from depthlab.tasks.dataset import TaskDataset
from depthlab.tasks.dgl_view import example_batch
from depthlab.tasks.params import Param

PROTOCOLS = ("plain", "reference", ALON_YAHAV)
TRAIN_OPTIONS = (
    Param("epochs", "int", 100, "maximum number of passes over the train split", low=1),
    Param("lr", "float", 1e-3, "Adam learning rate", low=1e-12),
    Param("batch_size", "int", 64, "training examples per batch", low=1),
    Param("accum_steps", "int", 1, "batches per optimiser step (gradient accumulation)", low=1),
    Param("eval_batch_size", "int", 1024, "examples per batch when measuring", low=1),
    Param("weight_decay", "float", 0.0, "Adam weight decay", low=0.0),
    Param("protocol", "str", "plain", "stopping rule", choices=PROTOCOLS),
    Param("patience", "int", 20, "epochs (blocks) without gain before stopping", low=1),
    Param("eval_every", "int", 1, "alon-yahav: training passes per evaluation block", low=1),
    Param("lr_patience", "int", 10, "alon-yahav: blocks without gain before the lr drops",
          low=0),
    Param("lr_factor", "float", 0.5, "alon-yahav: lr multiplier on a plateau", low=1e-6,
          high=1.0),
    Param("threshold", "float", 1e-4, "alon-yahav: least train-score gain that counts",
          low=0.0),
    Param("threads", "int", 1, "torch and DGL threads for the run", low=1),
    Param("train_examples", "int", None, "train on a seeded subset of this many examples",
          low=1),
    Param("device", "str", "cpu", "where the run computes", choices=DEVICES),
)
MODEL_KEYS = ("name", "depth", "width")
DATASET_ARRAYS = ("node_ptr", "edge_ptr", "src", "dst", "x", "graph_id", "target", "y", "split",
                  "radius")
STOP_REASONS = ("fitted", "plateau", "val_plateau", "cap")


def resolve_train_config(config: dict[str, Any], family: str | None = None,
                         radius: int | None = None) -> dict[str, Any]:
    """Every train option, checked, defaults filled (the protocol's own defaults for model
    ``family`` at task radius ``radius`` where it has them: models.presets); ``ValueError``
    names a bad key or value."""
    known = {p.name: p for p in TRAIN_OPTIONS}
    unknown = sorted(set(config) - set(known))
    if unknown:
        raise ValueError(f"unknown train option(s) {', '.join(unknown)}; the options are: "
                         f"{', '.join(known)}")
    protocol = known["protocol"].check(config.get("protocol", known["protocol"].default))
    defaults = {p.name: p.default for p in TRAIN_OPTIONS}
    defaults.update(protocol_defaults(protocol, family, radius))
    resolved = {p.name: p.check(config.get(p.name, defaults[p.name])) for p in TRAIN_OPTIONS}
    if resolved["eval_every"] > resolved["epochs"]:
        raise ValueError(f"eval_every={resolved['eval_every']} is invalid with "
                         f"epochs={resolved['epochs']}: a block must fit in the budget")
    return resolved


def resolve_model_config(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` with every model option filled in; it needs "name" and "depth", and
    "width" unless it has "param_budget". ``ValueError`` names what is wrong."""
    missing = [k for k in ("name", "depth") if k not in config]
    if missing:
        raise ValueError(f"model_config lacks {', '.join(missing)}: expected keys name, "
                         "depth, and width or param_budget")
    options = {k: v for k, v in config.items() if k not in MODEL_KEYS}
    return {"name": config["name"], "depth": config["depth"], "width": config.get("width"),
            **resolve_model_options(config["name"], **options)}


def _score(metric: float, regression: bool) -> float:
    return -metric if regression else metric


def train(dataset: TaskDataset, model_config: dict[str, Any], train_config: dict[str, Any],
          seed: int, on_point: Callable[[dict[str, Any]], None] | None = None,
          checkpoint: str | Path | None = None,
          checkpoint_every: float = EVERY_SECONDS) -> TrainedRun:
    """Train a model on ``dataset``'s train split; see the module docstring. ``on_point``,
    if given, receives each curve point as soon as it is measured (e.g. to log long runs).
    ``checkpoint``, if given, is a file (models.checkpoint) the run saves its state to after
    an epoch (block) once ``checkpoint_every`` seconds have passed since the last save, and
    resumes from when it exists: a run killed and started again gives the record it would
    have given uninterrupted (CPU), with ``wall_seconds`` summed over its attempts. The file
    is left in place; the caller removes it once the record is safe.

    Raises ``ValueError`` for bad configs, an unavailable device, a dataset without
    training examples, or a checkpoint that is not this run's.
    """
    started = time.perf_counter()
    mc = resolve_model_config(model_config)
    tc = resolve_train_config(train_config, mc["name"], dataset.required_radius)
    device = resolve_device(tc["device"])
    splits = {s: dataset.split_indices(s) for s in ("train", "val", "test")}
    splits["train"] = train_subset(splits["train"], tc["train_examples"], seed)
    if len(splits["train"]) == 0:
        raise ValueError(f"dataset {dataset.name!r} has no training examples")
    regression = dataset.is_regression
    saver = (TrainingCheckpoint(checkpoint, _identity(dataset, mc, tc, seed), checkpoint_every)
             if checkpoint is not None else None)
    with run_scope(int(seed), tc["threads"]):
        options = {k: v for k, v in mc.items() if k not in MODEL_KEYS}
        model = make_model(mc["name"], TaskInfo.from_dataset(dataset), mc["depth"], mc["width"],
                           **options).to(device)
        optimizer = torch.optim.Adam(model.parameters(), lr=tc["lr"],
                                     weight_decay=tc["weight_decay"])
        loop = LoopState(np.random.default_rng(int(seed)), _schedules(tc, regression),
                         copy.deepcopy(model.state_dict()))
        if saver is not None:
            blocks = tc["protocol"] == ALON_YAHAV
            per_point = tc["eval_every"] if blocks else 1
            saver.resume(model, optimizer, loop, per_point, tc["epochs"] // per_point)

        def after_epoch() -> None:
            if saver is not None:
                saver.save_if_due(model, optimizer, loop)

        fit = _fit_blocks if tc["protocol"] == ALON_YAHAV else _fit_epochs
        stop_reason = fit(model, optimizer, dataset, splits, tc, loop, on_point or _ignore,
                          after_epoch)
        model.load_state_dict(loop.best_state)
        model.eval()
        results = {s: evaluate(model, dataset, idx, tc["eval_batch_size"]) for s, idx in splits.items()}
    last = loop.curve[-1]["epoch"] if loop.curve else 0
    record = RunRecord(
        **{f"{s}_acc": (None if regression else results[s]) for s in splits},
        **{f"{s}_mse": (results[s] if regression else None) for s in splits},
        n_train=len(splits["train"]), n_val=len(splits["val"]), n_test=len(splits["test"]),
        best_epoch=loop.best_epoch, epochs=last, stop_reason=stop_reason,
        curve=loop.curve, wall_seconds=loop.elapsed + time.perf_counter() - started,
        num_params=count_parameters(model), width=model.width, seed=int(seed), model_config=mc,
        train_config=tc, versions=versions(), device=device.type,
    )
    return TrainedRun(record, model)


def _identity(dataset: TaskDataset, mc: dict[str, Any], tc: dict[str, Any],
              seed: int) -> dict[str, Any]:
    """What a checkpoint must match to be resumed: everything that shapes the run (the
    dataset down to its arrays' bytes, and the versions of depthlab and its numeric stack),
    not where or with how many threads it computes."""
    return {"model": mc, "train": {k: v for k, v in tc.items() if k not in ("device", "threads")},
            "seed": int(seed), "versions": versions(),
            "dataset": {"name": dataset.name, "params": dataset.params, "seed": dataset.seed,
                        "radius": dataset.required_radius, "sha256": _content_digest(dataset)}}


def _content_digest(dataset: TaskDataset) -> str:
    digest = hashlib.sha256()
    arrays = [getattr(dataset, name) for name in DATASET_ARRAYS]
    arrays += [dataset.extras[name] for name in sorted(dataset.extras)]
    for array in arrays:
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(np.ascontiguousarray(array).data)
    return digest.hexdigest()


def _schedules(tc: dict[str, Any], regression: bool) -> dict[str, Any]:
    """The stopping and selection rules of the protocol, fresh."""
    target = None if regression else 1.0
    if tc["protocol"] == ALON_YAHAV:
        return {"blocks": AlonYahavSchedule(tc["patience"], tc["lr_patience"], tc["threshold"],
                                            target)}
    return {"reference": ReferenceSchedule(tc["patience"], target), "selection": Plateau()}


def _ignore(point: dict[str, Any]) -> None:
    pass


def _fit_epochs(model, optimizer, dataset: TaskDataset, splits: dict[str, np.ndarray],
                tc: dict[str, Any], loop: LoopState,
                on_point: Callable[[dict[str, Any]], None],
                after_epoch: Callable[[], None]) -> str:
    """The plain and reference protocols: one pass per epoch, then metrics measured in eval
    mode on the whole train, val and test splits (module docstring). Returns the stop
    reason."""
    regression = dataset.is_regression
    metric = "mse" if regression else "acc"
    has_val = len(splits["val"]) > 0
    schedule, selection = loop.schedules["reference"], loop.schedules["selection"]
    for epoch in range(loop.done + 1, tc["epochs"] + 1):
        lr = optimizer.param_groups[0]["lr"]
        loss, _ = _train_pass(model, optimizer, dataset, loop.shuffler.permutation(splits["train"]),
                              tc["batch_size"], tc["accum_steps"], regression)
        row = {"epoch": epoch, "loss": loss, "lr": lr}
        row.update(_split_metrics(model, dataset, splits, tc["eval_batch_size"], metric,
                                  ("train", "val", "test")))
        loop.curve.append(row)
        on_point(row)
        train_score = _score(row[f"train_{metric}"], regression)
        chosen = _score(row[f"val_{metric}"], regression) if has_val else train_score
        if selection.update(chosen):
            loop.best_epoch, loop.best_state = epoch, copy.deepcopy(model.state_dict())
        if has_val and selection.stale >= tc["patience"]:
            return "val_plateau"
        if tc["protocol"] == "reference":
            action = schedule.update(train_score)
            if action == STOP:
                fitted = schedule.target is not None and train_score >= schedule.target
                return "fitted" if fitted else "plateau"
            if action == HALVE:
                _scale_lr(optimizer, 0.5)
        loop.done = epoch
        after_epoch()
    return "cap"


def _fit_blocks(model, optimizer, dataset: TaskDataset, splits: dict[str, np.ndarray],
                tc: dict[str, Any], loop: LoopState,
                on_point: Callable[[dict[str, Any]], None],
                after_epoch: Callable[[], None]) -> str:
    """The alon-yahav protocol: evaluation blocks of ``eval_every`` passes shuffled as one
    stream, train score from the training steps, val/test once per block. Returns the stop
    reason."""
    regression = dataset.is_regression
    metric = "mse" if regression else "acc"
    schedule = loop.schedules["blocks"]
    stream = np.tile(splits["train"], tc["eval_every"])
    for block in range(loop.done + 1, tc["epochs"] // tc["eval_every"] + 1):
        epoch = block * tc["eval_every"]
        lr = optimizer.param_groups[0]["lr"]
        loss, train_metric = _train_pass(model, optimizer, dataset, loop.shuffler.permutation(stream),
                                         tc["batch_size"], tc["accum_steps"], regression)
        row = {"epoch": epoch, "block": block, "loss": loss, "lr": lr,
               f"train_{metric}": train_metric}
        row.update(_split_metrics(model, dataset, splits, tc["eval_batch_size"], metric,
                                  ("val", "test")))
        loop.curve.append(row)
        on_point(row)
        decision = schedule.update(_score(train_metric, regression))
        if decision.improved:
            loop.best_epoch, loop.best_state = epoch, copy.deepcopy(model.state_dict())
        if decision.stop is not None:
            return decision.stop
        if decision.halve:
            _scale_lr(optimizer, tc["lr_factor"])
        loop.done = block
        after_epoch()
    return "cap"


def _split_metrics(model, dataset: TaskDataset, splits: dict[str, np.ndarray],
                   batch_size: int, metric: str, names: tuple[str, ...]) -> dict[str, float]:
    """``{"<split>_<metric>": value}`` in eval mode for the non-empty splits of ``names``."""
    return {f"{name}_{metric}": evaluate(model, dataset, splits[name], batch_size)
            for name in names if len(splits[name])}


def _scale_lr(optimizer, factor: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] *= factor


def _train_pass(model, optimizer, dataset: TaskDataset, order: np.ndarray, batch_size: int,
                accum_steps: int, regression: bool) -> tuple[float, float]:
    """Train on ``order`` in batches of ``batch_size``, one optimiser step per
    ``accum_steps`` batches (a trailing incomplete group's gradients are dropped, as in
    the published code), each batch moved once to the model's device. Returns the mean
    training loss and the training metric over the steps (accuracy, or MSE for
    regression), both in train mode."""
    device = next(model.parameters()).device
    model.train()
    optimizer.zero_grad()
    loss_sum, metric_sum = 0.0, 0.0
    for i, start in enumerate(range(0, len(order), batch_size)):
        batch = example_batch(dataset, order[start:start + batch_size]).to(device)
        out = model(batch)
        if regression:
            errors = (out[:, 0] - batch.labels.float()) ** 2
            loss = errors.mean()
            metric_sum += float(errors.detach().sum())
        else:
            loss = F.cross_entropy(out, batch.labels)
            metric_sum += float((out.detach().argmax(dim=1) == batch.labels).sum())
        loss_sum += float(loss) * len(batch.labels)
        (loss / accum_steps).backward()
        if (i + 1) % accum_steps == 0:
            optimizer.step()
            optimizer.zero_grad()
    optimizer.zero_grad()
    return loss_sum / len(order), metric_sum / len(order)
