"""How long a run takes, estimated before it starts: ``run_seconds`` and ``sweep_seconds``.

A run's time is a start-up cost plus, per layer, a cost per training step and per node
state computed: training passes (forward and backward) and evaluation passes (forward only)
over the nodes of every graph a batch touches (a batch of node-level examples on one large
graph computes the whole graph), or, for a model that computes only its targets' receptive
fields (models.target_blocks), the share of those nodes within reach of the batch's targets,
per layer (:func:`computed_share`), plus the building of those blocks per training step.
A family's node cost is scaled by its cost relative to GIN (benchmarks/bench_training.py),
by width / 32, and for global attention by the nodes per graph. The number of passes is
where runs typically stop, not the budget:

- plain and reference with a validation split: ``min(epochs, 1.8 x patience)``; measured
  on the shipped quick specs, runs stopped by the validation plateau after 21-88 epochs at
  patience 20-30 (mean 1.7-1.9 x patience);
- plain without validation: the whole budget; reference without validation:
  ``min(epochs, 3 x patience)`` (it stops after 2 x patience without a gain);
- alon-yahav: ``patience + 10`` blocks for a model that reaches the task's radius, and
  ``patience + 20`` for one that does not (at chance, noise keeps passing the threshold:
  20-56 blocks, mean 28, in the demo at patience 10), within the budget; a model that
  reaches radius <= 2 fits within 3,000 passes (every published family fits
  tree-neighbors-match in 1-3 blocks of 1000 passes).

The constants were fitted by least squares (weights 1 / time) to 56 runs of seven shipped
specs on one quiet core (2 cores, 2026-12-02): per spec, the sum of measured training
times was within 0.75-1.35x of the fitted sum (BENCHMARKS.md, "Sweeps").
"""
from __future__ import annotations

import json
import math
from typing import Any

from depthlab.models.facts import facts_of

STEP_LAYER_SECONDS = 9.3e-4
# Building one layer's receptive-field block for a batch (models.target_blocks): 4.3 ms for
# the 4 layers of 64 trees at r = 3, one thread.
BLOCK_LAYER_SECONDS = 1.1e-3
TRAIN_NODE_LAYER_SECONDS = 1.04e-6
EVAL_NODE_LAYER_SECONDS = 7.5e-7
RUN_OVERHEAD_SECONDS = 0.8  # train set-up plus the run's measures after training
WORKER_START_SECONDS = 4.0  # a pool worker's imports before its first run
# Node cost of one layer relative to GIN's at width 32 (bench_training.py, r = 4-6).
FAMILY_COST = {"gin": 1.0, "gcn": 0.9, "sage": 1.0, "sign": 1.0, "gat": 2.0, "mixhop": 1.9,
               "ggnn": 2.8, "graphormer": 1.0}
# A global-attention layer works on every pair of a graph's nodes: per node it costs about
# this many times a message-passing layer per node of the graph (bench_training.py,
# graphormer vs gin per layer at r = 4-6: 0.19-0.24).
ATTENTION_NODE_FACTOR = 0.22
VAL_PLATEAU_EPOCHS_PER_PATIENCE = 1.8
REFERENCE_EPOCHS_PER_PATIENCE = 3
FITTING_PASSES_SMALL_RADIUS = 3000
BLOCKS_AFTER_PATIENCE = {True: 10, False: 20}  # by whether the model reaches the radius


def run_seconds(dataset, model_config: dict[str, Any], train_config: dict[str, Any],
                passes: int | None = None) -> float:
    """Estimated wall seconds of one run on one core (module docstring); ``dataset`` is the
    run's :class:`tasks.TaskDataset`, the configs are resolved. ``passes``: the training
    passes to cost (default :func:`expected_passes`; ``train_config["epochs"]`` gives the
    cost of a run that trains to its budget)."""
    train = len(dataset.split_indices("train"))
    train = min(train, train_config.get("train_examples") or train)
    evaluated = [len(dataset.split_indices(s)) for s in ("val", "test")]
    batch, eval_batch = train_config["batch_size"], train_config["eval_batch_size"]
    if passes is None:
        passes = expected_passes(train_config, dataset.required_radius, evaluated[0] > 0,
                                 reaches(model_config, dataset.required_radius))
    eval_share = computed_share(dataset, model_config, eval_batch)
    train_share = computed_share(dataset, model_config, batch)
    train_nodes = passes * _pass_nodes(dataset, train, batch) * train_share
    step_seconds = STEP_LAYER_SECONDS + (BLOCK_LAYER_SECONDS if train_share < 1 else 0.0)
    eval_nodes = sum(_pass_nodes(dataset, n, eval_batch) for n in evaluated if n) * eval_share
    if train_config["protocol"] == "alon-yahav":
        eval_nodes *= passes / train_config["eval_every"]
    else:
        eval_nodes = passes * (eval_nodes + _pass_nodes(dataset, train, eval_batch) * eval_share)
    per_layer = (passes * math.ceil(train / batch) * step_seconds
                 + node_cost(dataset, model_config) * (train_nodes * TRAIN_NODE_LAYER_SECONDS
                                                       + eval_nodes * EVAL_NODE_LAYER_SECONDS))
    return RUN_OVERHEAD_SECONDS + model_config["depth"] * per_layer


def sweep_seconds(run_estimates: list[float], workers: int) -> float:
    """Estimated wall seconds of runs taking ``run_estimates`` on ``workers`` processes:
    the workers' start-up, then the total shared among them (never less than the longest)."""
    if not run_estimates:
        return 0.0
    busy = min(workers, len(run_estimates))
    return WORKER_START_SECONDS + max(sum(run_estimates) / busy, max(run_estimates))


def expected_passes(train_config: dict[str, Any], radius: int, has_val: bool,
                    reaches_radius: bool = True) -> int:
    """Training passes a run typically makes before it stops (module docstring)."""
    budget, patience = train_config["epochs"], train_config["patience"]
    protocol = train_config["protocol"]
    if protocol == "alon-yahav":
        passes = (patience + BLOCKS_AFTER_PATIENCE[reaches_radius]) * train_config["eval_every"]
        if reaches_radius and radius <= 2:
            passes = min(passes, FITTING_PASSES_SMALL_RADIUS)
        return min(budget, passes)
    if has_val:
        return min(budget, math.ceil(VAL_PLATEAU_EPOCHS_PER_PATIENCE * patience))
    if protocol == "reference":
        return min(budget, REFERENCE_EPOCHS_PER_PATIENCE * patience)
    return budget


def reaches(model_config: dict[str, Any], radius: int) -> bool:
    """Whether the model's receptive field (depth x hops per layer) covers ``radius``."""
    hops = facts_of(model_config["name"], model_config).hops_per_layer
    return hops is None or model_config["depth"] * hops >= radius


def node_cost(dataset, model_config: dict[str, Any]) -> float:
    """The family's node cost relative to GIN at width 32 (module docstring)."""
    family = model_config["name"]
    cost = FAMILY_COST.get(family, 1.0) * max(1.0, float(model_config["width"] or 32) / 32)
    if facts_of(family).hops_per_layer is None:
        cost *= max(1.0, ATTENTION_NODE_FACTOR * dataset.num_nodes / max(1, dataset.num_graphs))
    return cost


def computed_share(dataset, model_config: dict[str, Any], batch_size: int) -> float:
    """The mean share, over the model's layers, of a batch's node states a layer computes:
    1.0, or for a model that computes only its targets' receptive fields
    (``models.reads_targets_only``) on node-level batches of ``models.target_blocks.MIN_NODES``
    nodes or more, the share within reach of the targets, measured on the batch of the
    first ``batch_size`` training examples (layer l of L updates the nodes within L - l hops
    along the example graph's edges). Cached per family and options, and per dataset, depth
    and batch size."""
    depth = model_config["depth"]
    if dataset.level != "node" or depth == 0 or not len(dataset.split_indices("train")):
        return 1.0
    options = {k: v for k, v in model_config.items() if k not in ("depth", "width")}
    model_key = json.dumps(options, sort_keys=True, default=str)
    if model_key not in _READS_TARGETS:
        _READS_TARGETS[model_key] = _reads_targets_only(dataset, options)
    if not _READS_TARGETS[model_key]:
        return 1.0
    key = (dataset.name, repr(dataset.params), dataset.seed, dataset.num_nodes, depth, batch_size)
    if key not in _SHARES:
        _SHARES[key] = _receptive_share(dataset, depth, batch_size)
    return _SHARES[key]


_READS_TARGETS: dict[str, bool] = {}
_SHARES: dict[tuple, float] = {}


def _reads_targets_only(dataset, options: dict[str, Any]) -> bool:
    from depthlab import models

    rest = {k: v for k, v in options.items() if k != "name"}
    return models.reads_targets_only(options["name"], models.TaskInfo.from_dataset(dataset), **rest)


def _receptive_share(dataset, depth: int, batch_size: int) -> float:
    from depthlab.models.target_blocks import MIN_NODES
    from depthlab.tasks.bfs import hop_distances
    from depthlab.tasks.dgl_view import example_batch

    batch = example_batch(dataset, dataset.split_indices("train")[:batch_size])
    nodes = batch.graph.num_nodes()
    if nodes < MIN_NODES:
        return 1.0
    src, dst = (ids.numpy() for ids in batch.graph.edges())
    # hops from the nearest target against the edges: a node at d hops is updated by depth - d layers
    hops = hop_distances(dst, src, nodes, batch.readout.numpy(), max_hops=depth - 1)
    return float((depth - hops[hops >= 0]).sum()) / (depth * nodes)


def _pass_nodes(dataset, examples: int, batch_size: int) -> float:
    """Node states one pass over ``examples`` examples computes per layer, in batches of
    ``batch_size``: each batch computes the distinct graphs its random examples fall in."""
    if examples == 0:
        return 0.0
    per_graph = len(dataset.y) / max(1, dataset.num_graphs)
    graphs = max(1.0, examples / per_graph)
    touched = graphs * (1 - (1 - 1 / graphs) ** min(batch_size, examples))
    return math.ceil(examples / batch_size) * touched * dataset.num_nodes / max(1, dataset.num_graphs)
