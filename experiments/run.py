"""One run, as a pure function: run config in, record dict out.

``run_config(config)`` generates the task (cached per process, keyed by the full task config
and data seed), trains the model with ``models.train``, and returns the training record
extended with the task's required radius, its test chance accuracy, and the Dirichlet energy
of each layer's node states on the test graphs.
"""
from __future__ import annotations

import functools
import json
import os
from typing import Any

TASK_CACHE_SIZE = 4


def task_dataset(task_config: dict[str, Any]):
    """The dataset of ``{"name", "params", "data_seed"}``, generated once per process."""
    return _cached_task(json.dumps(task_config, sort_keys=True))


@functools.lru_cache(maxsize=TASK_CACHE_SIZE)
def _cached_task(task_json: str):
    from tasks import make_task

    task = json.loads(task_json)
    return make_task(task["name"], seed=task["data_seed"], **task["params"])


def run_config(config: dict[str, Any]) -> dict[str, Any]:
    """Train the run ``config`` (see :class:`experiments.spec.Run`); return its record:
    ``models.RunRecord.to_dict()`` plus ``radius`` (required radius), ``chance`` (test
    chance accuracy, None for regression) and ``energy`` (list of floats, one per state
    h^(0)..h^(L), or None when ``theory.smoothing`` is unavailable)."""
    import models

    dataset = task_dataset(config["task"])
    train_config = {**config["train"], "threads": _threads()}
    trained = models.train(dataset, dict(config["model"]), train_config, int(config["seed"]))
    record = trained.record.to_dict()
    record["radius"] = dataset.required_radius
    record["chance"] = dataset.chance_accuracy("test")
    record["energy"] = layer_energies(trained.model, dataset)
    return record


def _threads() -> int:
    """Threads for this run: ``OMP_NUM_THREADS`` as set by the executor, else every core."""
    from experiments.executors import available_cores

    return int(os.environ.get("OMP_NUM_THREADS") or available_cores())


def layer_energies(model, dataset) -> list[float] | None:
    """Dirichlet energy of h^(0)..h^(L) (``model.propagate``) over the test examples'
    graphs, by ``theory.smoothing.dirichlet_energy``; None if that is not available."""
    try:
        from theory.smoothing import dirichlet_energy
    except ImportError:
        return None
    import numpy as np
    import torch

    from tasks.dgl_view import graphs_to_dgl

    test = dataset.split_indices("test")
    if len(test) == 0:
        return None
    graph_ids = np.unique(dataset.graph_id[test])
    graph = graphs_to_dgl(dataset, graph_ids)
    src, dst = (t.numpy() for t in graph.edges())
    with torch.no_grad():
        states = model.propagate(graph, model.encode(graph))
    return [float(dirichlet_energy(h, src, dst)) for h in states]
