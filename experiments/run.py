"""One run, as a pure function: run config in, record dict out.

``run_config(config)`` generates the task (cached per process, keyed by the full task config
and data seed), trains the model with ``models.train``, and returns the training record
extended with the task's required radius, its test chance accuracy, the Dirichlet energy
of each layer's node states on the test graphs, and a few measures for theory and reports
(``experiments.run_measures``).
"""
from __future__ import annotations

import functools
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

TASK_CACHE_SIZE = 4
# One torch/DGL thread per run: on these small graphs parallel runs beat threads within a
# run (benchmarks/bench_sweep.py, 8 runs on 1 worker on a busy 2-core machine: 446 s with
# 2 threads, 18 s with 1), and results stay bit-identical whatever the executor or
# worker count.
THREADS_PER_RUN = 1
ENERGY_CHUNK_NODES = 100_000
# Sweeps whose progress goes to a log: a run still training prints a line this often.
HEARTBEAT_SECONDS = 300.0


def task_dataset(task_config: dict[str, Any]):
    """The dataset of ``{"name", "params", "data_seed"}`` (rewired by ``tasks.rewiring`` when
    the config has a ``"transform"``), generated once per process."""
    return _cached_task(json.dumps(task_config, sort_keys=True))


def clear_task_cache() -> None:
    """Drop the datasets :func:`task_dataset` holds (e.g. in a parent after planning)."""
    _cached_task.cache_clear()


@functools.lru_cache(maxsize=TASK_CACHE_SIZE)
def _cached_task(task_json: str):
    from depthlab.tasks import make_task

    from depthlab.tasks.rewiring import transformed

    task = json.loads(task_json)
    return transformed(make_task(task["name"], seed=task["data_seed"], **task["params"]),
                       task.get("transform"))


def run_config(config: dict[str, Any], device: str = "cpu",
               checkpoints: str | Path | None = None,
               heartbeat: float | None = None, threads: int = THREADS_PER_RUN) -> dict[str, Any]:
    """Train the run ``config`` (see :class:`experiments.spec.Run`) on ``device`` ("cpu",
    "cuda" or "auto") with ``threads`` torch/DGL threads (neither is part of the run's
    config or key; the record's ``device`` says where it ran), keeping a training
    checkpoint in the directory ``checkpoints`` if given (:func:`checkpoint_path`; a run
    killed and started again resumes from it), and with ``heartbeat`` (seconds) writing a
    line to stderr at the first curve point after each ``heartbeat`` seconds of training
    (:func:`heartbeat_lines`; a log of hours-long runs shows they are alive and how far
    they got); return its record:
    ``models.RunRecord.to_dict()`` plus ``threads``, ``radius`` (required radius), ``chance`` (test
    chance accuracy, None for regression), ``energy`` (:func:`layer_energies`) and the
    measures of ``experiments.run_measures``: ``layer_weights``, ``test_by_radius``,
    ``label_variance``, ``ceiling``, ``radius_mean``, ``resistance`` and ``commute_time``."""
    from depthlab import models
    from depthlab.experiments.run_measures import (accuracy_by_radius, label_variance,
                                                   layer_weights, stored_ceiling,
                                                   test_example_means)

    dataset = task_dataset(config["task"])
    train_config = {**config["train"], "threads": threads, "device": device}
    checkpoint = None if checkpoints is None else checkpoint_path(checkpoints, config)
    on_point = None if heartbeat is None else heartbeat_lines(config, heartbeat)
    trained = models.train(dataset, dict(config["model"]), train_config, int(config["seed"]),
                           checkpoint=checkpoint, on_point=on_point)
    record = trained.record.to_dict()
    record["threads"] = threads
    record["radius"] = dataset.required_radius
    record["chance"] = dataset.chance_accuracy("test")
    record["energy"] = layer_energies(trained.model, dataset)
    record["layer_weights"] = layer_weights(trained.model)
    record["test_by_radius"] = accuracy_by_radius(trained.model, dataset)
    record["label_variance"] = label_variance(dataset)
    record["ceiling"] = stored_ceiling(config["model"], dataset)
    record.update(test_example_means(dataset))
    return record


def heartbeat_lines(config: dict[str, Any], every: float) -> Callable[[dict[str, Any]], None]:
    """A ``models.train`` ``on_point`` callback for the run ``config``: at the first curve
    point after every ``every`` seconds it writes one line to stderr: the run, its passes
    (and block), train and val/test accuracy (or MSE), lr and the time since it started."""
    started = last = time.monotonic()

    def beat(point: dict[str, Any]) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < every:
            return
        last = now
        block = f" (block {point['block']})" if "block" in point else ""
        figures = ", ".join(f"{name} {point[name]:.4g}" for name in
                            ("train_acc", "val_acc", "test_acc", "train_mse", "val_mse",
                             "test_mse", "lr") if point.get(name) is not None)
        sys.stderr.write(f"  ... {config['task']['name']} {config['model']['name']} depth "
                         f"{config['model']['depth']} seed {config['seed']}: "
                         f"{point['epoch']} passes{block}, {figures}; "
                         f"{(now - started) / 60:.1f} min\n")
        sys.stderr.flush()

    return beat


def checkpoint_dir(db: str | Path) -> Path:
    """Where the runs of the result database ``db`` keep their training checkpoints while
    they run (``DB.checkpoints`` beside it, absolute): a sweep killed mid-run resumes each
    interrupted run from its last checkpoint, not from the start."""
    return Path(f"{Path(db).resolve()}.checkpoints")


def checkpoint_path(checkpoints: str | Path, config: dict[str, Any]) -> Path:
    """The file in directory ``checkpoints`` where the run ``config`` keeps its training
    checkpoint (models.checkpoint): named by the run's key."""
    from depthlab.experiments.spec import config_key

    return Path(checkpoints) / f"{config_key(config)}.pt"


def layer_energies(model, dataset) -> list[float] | None:
    """Dirichlet energy (``theory.smoothing.dirichlet_energy``) of each state h^(0)..h^(L)
    of ``model.propagate`` over the graphs holding test examples; None without test
    examples. The energy is a sum over edges, so it is computed over chunks of at most
    ``ENERGY_CHUNK_NODES`` nodes (whole graphs) and summed: exact, with bounded memory."""
    import numpy as np
    import torch

    from depthlab.tasks.dgl_view import graphs_to_dgl
    from depthlab.theory.smoothing import dirichlet_energy

    test = dataset.split_indices("test")
    if len(test) == 0:
        return None
    graph_ids = np.unique(dataset.graph_id[test])
    sizes = dataset.node_ptr[graph_ids + 1] - dataset.node_ptr[graph_ids]
    chunk_of = (np.cumsum(sizes) - sizes) // ENERGY_CHUNK_NODES
    device = next(model.parameters()).device
    totals = 0.0
    for chunk in np.unique(chunk_of):
        graph = graphs_to_dgl(dataset, graph_ids[chunk_of == chunk])
        src, dst = (t.numpy() for t in graph.edges())
        with torch.no_grad():
            on_device = graph.to(device)
            states = model.propagate(on_device, model.encode(on_device))
        totals = totals + np.array([dirichlet_energy(h.cpu(), src, dst) for h in states])
    return [float(e) for e in totals]
