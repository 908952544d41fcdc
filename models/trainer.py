"""`train(dataset, model_config, train_config, seed) -> TrainedRun`.

Train config keys (all optional; defaults in brackets):
    epochs [100]          maximum number of epochs
    lr [1e-3]             Adam learning rate
    batch_size [64]       training examples per step (each epoch reshuffles)
    eval_batch_size [1024] examples per batch when measuring metrics
    weight_decay [0.0]    Adam weight decay
    protocol ["plain"]    "plain": run to ``epochs``; "reference": Alon & Yahav's rule on
                          train accuracy (or -MSE): halve lr after ``patience`` epochs
                          without gain, stop after 2 x ``patience``, stop at 100% train
                          accuracy (models.protocol.ReferenceSchedule)
    patience [20]         P above, and the early-stopping patience on validation
    threads [1]           torch/DGL threads for this run (workers x threads <= cores)

Every epoch, after the training steps, train accuracy (or MSE) is measured in eval mode on
the whole train split, and on the validation split if there is one. The selected model is
the one of the epoch with the best validation score where the split has one (and training
stops once it has not improved for ``patience`` epochs), else the best train score;
``best_epoch`` names it, and the returned model and record's metrics are that epoch's
(``best_epoch`` 0, the initial weights, if no epoch scored better than -inf, e.g. all NaN).
Same dataset, configs and seed give the same record (CPU; up to float tolerance):
torch draws come from a generator seeded with ``seed`` inside models.run_scope, and the
shuffling from ``numpy.random.default_rng(seed)``.
"""
from __future__ import annotations

import copy
import time
from typing import Any

import numpy as np
import torch
from torch.nn import functional as F

from depthlab.models.budget import count_parameters
from depthlab.models.evaluate import evaluate
from depthlab.models.protocol import HALVE, STOP, Plateau, ReferenceSchedule
from depthlab.models.record import RunRecord, TrainedRun, versions
from depthlab.models.registry import make_model, resolve_model_options
from depthlab.models.run_scope import run_scope
from depthlab.models.task_info import TaskInfo
from depthlab.tasks.dataset import TaskDataset
from depthlab.tasks.dgl_view import example_batch
from depthlab.tasks.params import Param

TRAIN_OPTIONS = (
    Param("epochs", "int", 100, "maximum number of epochs", low=1),
    Param("lr", "float", 1e-3, "Adam learning rate", low=1e-12),
    Param("batch_size", "int", 64, "training examples per step", low=1),
    Param("eval_batch_size", "int", 1024, "examples per batch when measuring", low=1),
    Param("weight_decay", "float", 0.0, "Adam weight decay", low=0.0),
    Param("protocol", "str", "plain", "stopping rule", choices=("plain", "reference")),
    Param("patience", "int", 20, "epochs without gain before halving / stopping", low=1),
    Param("threads", "int", 1, "torch and DGL threads for the run", low=1),
)
MODEL_KEYS = ("name", "depth", "width")


def resolve_train_config(config: dict[str, Any]) -> dict[str, Any]:
    """Every train option, checked, defaults filled; ``ValueError`` names a bad key or value."""
    known = {p.name: p for p in TRAIN_OPTIONS}
    unknown = sorted(set(config) - set(known))
    if unknown:
        raise ValueError(f"unknown train option(s) {', '.join(unknown)}; the options are: "
                         f"{', '.join(known)}")
    return {p.name: p.check(config.get(p.name, p.default)) for p in TRAIN_OPTIONS}


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
          seed: int) -> TrainedRun:
    """Train a model on ``dataset``'s train split; see the module docstring.

    Raises ``ValueError`` for bad configs or a dataset without training examples.
    """
    started = time.perf_counter()
    tc = resolve_train_config(train_config)
    mc = resolve_model_config(model_config)
    splits = {s: dataset.split_indices(s) for s in ("train", "val", "test")}
    if len(splits["train"]) == 0:
        raise ValueError(f"dataset {dataset.name!r} has no training examples")
    regression = dataset.is_regression
    has_val = len(splits["val"]) > 0
    metric = "mse" if regression else "acc"
    with run_scope(int(seed), tc["threads"]):
        options = {k: v for k, v in mc.items() if k not in MODEL_KEYS}
        model = make_model(mc["name"], TaskInfo.from_dataset(dataset), mc["depth"], mc["width"],
                           **options)
        optimizer = torch.optim.Adam(model.parameters(), lr=tc["lr"],
                                     weight_decay=tc["weight_decay"])
        shuffler = np.random.default_rng(int(seed))
        schedule = ReferenceSchedule(tc["patience"], None if regression else 1.0)
        selection = Plateau()
        best_epoch, best_state, curve = 0, copy.deepcopy(model.state_dict()), []
        for epoch in range(1, tc["epochs"] + 1):
            loss = _train_epoch(model, optimizer, dataset, shuffler.permutation(splits["train"]),
                                tc["batch_size"], regression)
            row = {"epoch": epoch, "loss": loss, "lr": optimizer.param_groups[0]["lr"],
                   f"train_{metric}": evaluate(model, dataset, splits["train"], tc["eval_batch_size"])}
            if has_val:
                row[f"val_{metric}"] = evaluate(model, dataset, splits["val"], tc["eval_batch_size"])
            curve.append(row)
            train_score = _score(row[f"train_{metric}"], regression)
            chosen = _score(row[f"val_{metric}"], regression) if has_val else train_score
            if selection.update(chosen):
                best_epoch, best_state = epoch, copy.deepcopy(model.state_dict())
            if has_val and selection.stale >= tc["patience"]:
                break
            if tc["protocol"] == "reference":
                action = schedule.update(train_score)
                if action == STOP:
                    break
                if action == HALVE:
                    for group in optimizer.param_groups:
                        group["lr"] /= 2
        model.load_state_dict(best_state)
        model.eval()
        results = {s: evaluate(model, dataset, idx, tc["eval_batch_size"]) for s, idx in splits.items()}
    record = RunRecord(
        **{f"{s}_acc": (None if regression else results[s]) for s in splits},
        **{f"{s}_mse": (results[s] if regression else None) for s in splits},
        n_train=len(splits["train"]), n_val=len(splits["val"]), n_test=len(splits["test"]),
        best_epoch=best_epoch, epochs=len(curve), curve=curve,
        wall_seconds=time.perf_counter() - started, num_params=count_parameters(model),
        width=model.width, seed=int(seed), model_config=mc, train_config=tc, versions=versions(),
    )
    return TrainedRun(record, model)


def _train_epoch(model, optimizer, dataset: TaskDataset, order: np.ndarray, batch_size: int,
                 regression: bool) -> float:
    """One pass over ``order`` in steps of ``batch_size``; the mean training loss."""
    model.train()
    total = 0.0
    for start in range(0, len(order), batch_size):
        batch = example_batch(dataset, order[start:start + batch_size])
        out = model(batch)
        if regression:
            loss = F.mse_loss(out[:, 0], batch.labels.float())
        else:
            loss = F.cross_entropy(out, batch.labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += float(loss) * len(batch.labels)
    return total / len(order)
