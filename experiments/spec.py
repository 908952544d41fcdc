"""Sweep specs: a TOML file naming a task grid, a model grid, training settings and seeds.

::

    description = "what the sweep asks"
    seeds = [0, 1, 2]            # training seeds (default [0])
    data_seeds = [0]             # task generation seeds (default [0])
    device = "cpu"               # where runs compute: cpu, cuda or auto (default cpu; not
                                 # part of the run keys; `sweep --device` overrides it)

    [[task]]                     # one table per task; list values expand (Cartesian product)
    name = "tree-neighbors-match"
    params = { radius = [2, 3, 4] }
    transform = { name = "sdrf", iterations = 10 }   # optional: rewire every dataset
                                 # (tasks.rewiring; a list of tables expands; "r" in depths is
                                 # then the rewired dataset's required radius)

    [[model]]                    # one table per model group; list values expand
    family = ["gcn", "gin"]
    depth = [1, "r", "r+1"]      # ints, or expressions in the task's required radius r:
                                 # "r", "r+1", "r-1", "2r", "2*r+1"
    width = 32                   # or param_budget = 20000 (width then chosen by models)
    options = { residual = [false, true] }

    [train]                      # passed to models.train; list values expand
    epochs = 50

A spec expands to :class:`Run` s, each keyed by :func:`config_key`, a hash of its full
config. Unknown keys, task names, task parameters, model families and model options raise
``ValueError`` listing the choices, before anything runs.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from depthlab.experiments.run_cost import run_seconds, sweep_seconds
from depthlab.models.facts import facts_of

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

SPEC_DIR = Path(__file__).parent / "specs"
TOP_KEYS = ("description", "seeds", "data_seeds", "device", "task", "model", "train")
TASK_KEYS = ("name", "params", "transform")
MODEL_KEYS = ("family", "depth", "width", "param_budget", "options")
MODEL_FIELDS = ("name", "depth", "width")
# Memory model of one run (estimate_run_bytes), and the default budget a run must fit in.
PARAMETER_BYTES = 16
ACTIVATIONS_PER_NODE_LAYER = 4
RUN_MEMORY_BUDGET = 16 * 2**30
# A global-attention layer (models.facts: no hops limit) keeps about this many float32
# (graphs, n, n, heads) tensors per layer for backward (spatial bias, scores, softmax,
# their gradients; models.graphormer).
ATTENTION_BUFFERS_PER_LAYER = 6
_DEPTH_RE = re.compile(r"^\s*(?:(\d+)\s*\*?\s*)?r\s*(?:([+-])\s*(\d+))?\s*$")


@dataclass(frozen=True)
class SweepSpec:
    """A parsed spec before expansion (list values still unexpanded)."""

    name: str
    description: str
    tasks: tuple[dict[str, Any], ...]
    models: tuple[dict[str, Any], ...]
    train: dict[str, Any]
    seeds: tuple[int, ...]
    data_seeds: tuple[int, ...]
    device: str = "cpu"


@dataclass(frozen=True)
class Run:
    """One run: ``config`` = ``{"task": {"name", "params", "data_seed"}, "model":
    {"name", "depth", "width", **options}, "train": {...}, "seed"}``, with task params,
    model options and train settings resolved (defaults filled; ``threads`` left out);
    ``key`` = :func:`config_key` (config); ``estimate_seconds`` is a rough cost where runs
    typically stop, ``budget_seconds`` (None: not estimated) the same for a run that trains
    to its budget of passes (``experiments.run_cost``)."""

    key: str
    config: dict[str, Any]
    estimate_seconds: float
    budget_seconds: float | None = None


def config_key(config: dict[str, Any]) -> str:
    """A 16-hex-digit hash of ``config``'s canonical JSON (sorted keys)."""
    canonical = json.dumps(config, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def shipped_specs() -> dict[str, Path]:
    """The specs that ship with depthlab, by name (file stem)."""
    return {path.stem: path for path in sorted(SPEC_DIR.glob("*.toml"))}


def find_spec(spec: str | Path) -> Path:
    """The file ``spec`` names: a path, or the name of a shipped spec (``quick``).
    Raises ``FileNotFoundError`` listing the shipped specs."""
    path = Path(spec)
    if path.is_file():
        return path
    shipped = shipped_specs()
    if str(spec) in shipped:
        return shipped[str(spec)]
    raise FileNotFoundError(f"no spec file {spec!r}; give a path or one of the shipped specs: "
                            f"{', '.join(shipped)}")


def load_spec(spec: str | Path) -> SweepSpec:
    """Parse and structurally check the spec file (or shipped spec name) ``spec``."""
    path = find_spec(spec)
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"spec {path} is not valid TOML: {error}") from None
    where = f"spec {path}"
    _check_keys(data, TOP_KEYS, where)
    tasks = _tables(data.get("task"), "task", where)
    models = _tables(data.get("model"), "model", where)
    for i, task in enumerate(tasks):
        _check_keys(task, TASK_KEYS, f"{where} [[task]] #{i + 1}")
        if not isinstance(task.get("name"), str):
            raise ValueError(f"{where} [[task]] #{i + 1}: name must be a task name string")
        if not isinstance(task.get("params", {}), dict):
            raise ValueError(f"{where} [[task]] #{i + 1}: params must be a table")
        transforms = task.get("transform", [])
        if not all(isinstance(t, dict) for t in (transforms if isinstance(transforms, list) else [transforms])):
            raise ValueError(f"{where} [[task]] #{i + 1}: transform must be a table such as "
                             "{ name = \"sdrf\", iterations = 10 } or a list of them")
    for i, model in enumerate(models):
        here = f"{where} [[model]] #{i + 1}"
        _check_keys(model, MODEL_KEYS, here)
        for required in ("family", "depth"):
            if required not in model:
                raise ValueError(f"{here}: {required} is required")
        if ("width" in model) == ("param_budget" in model):
            raise ValueError(f"{here}: give exactly one of width or param_budget")
        if not isinstance(model.get("options", {}), dict):
            raise ValueError(f"{here}: options must be a table")
    train = data.get("train", {})
    if not isinstance(train, dict):
        raise ValueError(f"{where}: [train] must be a table")
    from depthlab.models.device import DEVICES

    device = data.get("device", "cpu")
    if device not in DEVICES:
        raise ValueError(f"{where}: device={device!r} is invalid: expected one of "
                         f"{', '.join(DEVICES)}")
    return SweepSpec(
        name=path.stem, description=str(data.get("description", "")),
        tasks=tuple(tasks), models=tuple(models), train=dict(train),
        seeds=_seed_list(data.get("seeds", [0]), "seeds", where),
        data_seeds=_seed_list(data.get("data_seeds", [0]), "data_seeds", where),
        device=device,
    )


def expand(spec: SweepSpec, memory_budget: float = RUN_MEMORY_BUDGET) -> list[Run]:
    """All runs of ``spec`` in a fixed order (tasks, data seeds, models, train, seeds).

    Task parameters are resolved (defaults filled), each distinct task is generated to read
    its required radius, relative depths are resolved against it, and every model config is
    checked without being built (``models.model_size``: options, ranges, exact parameter
    count); a run whose :func:`estimate_run_bytes` exceeds ``memory_budget`` bytes is
    refused with the estimate. The generated datasets are dropped afterwards. Raises
    ``ValueError`` before any run starts.
    """
    from depthlab import models
    from depthlab.experiments.run import clear_task_cache, task_dataset

    task_configs = [
        {"name": task["name"], "params": params, "data_seed": data_seed, **transform}
        for task in spec.tasks
        for params in _resolved_task_grid(task)
        for transform in _resolved_transforms(task)
        for data_seed in spec.data_seeds
    ]
    train_grid = list(_product(spec.train))
    runs: list[Run] = []
    sizes: dict[str, tuple[int, int]] = {}
    for task_config in task_configs:
        dataset = task_dataset(task_config)
        info = models.TaskInfo.from_dataset(dataset)
        for model_config in _model_grid(spec.models, dataset.required_radius, models):
            signature = config_key({"info": repr(info), "model": model_config})
            if signature not in sizes:
                options = {k: v for k, v in model_config.items() if k not in MODEL_FIELDS}
                sizes[signature] = models.model_size(model_config["name"], info,
                                                     model_config["depth"],
                                                     model_config["width"], **options)
            width, parameters = sizes[signature]
            for train in train_grid:
                planned = [resolve_run(dataset, task_config, model_config, train, seed)
                           for seed in spec.seeds]
                check_run_memory(dataset, planned[0].config, width, parameters, memory_budget)
                runs.extend(planned)
    clear_task_cache()
    return runs


def resolve_run(dataset, task_config: dict[str, Any], model: dict[str, Any],
                train: dict[str, Any], seed: int) -> Run:
    """The :class:`Run` of one config, resolved and keyed exactly as a sweep does it, so
    ``depthlab train --db`` and ``depthlab sweep`` give one config one key.

    ``dataset`` is the task of ``task_config`` (``{"name", "params" (resolved),
    "data_seed"}``); ``model`` holds "name", "depth" (an int or an expression in r),
    "width" or "param_budget", and options; ``train`` any training settings. Defaults are
    filled in (``models.resolve_model_config``, ``models.resolve_train_config``). Raises
    ``ValueError`` naming a bad value.
    """
    from depthlab import models

    radius = dataset.required_radius
    model_config = models.resolve_model_config({**model, "depth": parse_depth(model["depth"], radius)})
    train_config = _resolved_train(train, models, model_config["name"], radius)
    _check_train_examples(dataset, task_config, train_config)
    config = {"task": task_config, "model": model_config, "train": train_config, "seed": seed}
    return Run(config_key(config), config, run_seconds(dataset, model_config, train_config),
               run_seconds(dataset, model_config, train_config, passes=train_config["epochs"]))


def estimate_run_bytes(dataset, model_config: dict[str, Any], train_config: dict[str, Any],
                       width: int, parameters: int) -> tuple[int, int, int]:
    """``(total, activation bytes, batch nodes)``: a run's peak memory, estimated from its
    config. Parameters cost ``PARAMETER_BYTES`` each (float32 weights, gradients and Adam's
    two moments); a training batch of ``batch_size`` examples touches at most that many of
    the largest graphs (or every node), and keeps ``ACTIVATIONS_PER_NODE_LAYER`` float32
    vectors of ``width`` per node and layer for the backward pass; evaluation batches keep
    one per layer. Global attention (graphormer) adds ``ATTENTION_BUFFERS_PER_LAYER``
    float32 (graphs, n, n, heads) tensors per layer of a training batch (evaluation runs in
    chunks of at most models.dense_layout.PAIR_BUDGET pairs). A bound in the sense of a
    planning figure (within a small factor)."""
    sizes = np.diff(dataset.node_ptr)
    largest = int(sizes.max()) if len(sizes) else 0
    def batch_nodes(examples: int) -> int:
        return min(dataset.num_nodes, examples * largest)
    layers = model_config["depth"] + 1
    train_nodes = batch_nodes(train_config["batch_size"])
    eval_nodes = batch_nodes(train_config.get("eval_batch_size", train_config["batch_size"]))
    activations = 4 * width * layers * max(ACTIVATIONS_PER_NODE_LAYER * train_nodes, eval_nodes)
    if facts_of(model_config["name"]).hops_per_layer is None:
        pairs = min(train_config["batch_size"], dataset.num_graphs) * largest * largest
        activations += (4 * ATTENTION_BUFFERS_PER_LAYER * model_config.get("heads", 1)
                        * model_config["depth"] * pairs)
    return PARAMETER_BYTES * parameters + activations, activations, train_nodes


def check_run_memory(dataset, config: dict[str, Any], width: int, parameters: int,
                     memory_budget: float) -> None:
    """``ValueError`` with the estimate when :func:`estimate_run_bytes` of the run
    ``config`` exceeds ``memory_budget`` bytes."""
    model, train = config["model"], config["train"]
    total, activations, nodes = estimate_run_bytes(dataset, model, train, width, parameters)
    if total > memory_budget:
        task = config["task"]
        raise ValueError(
            f"model {model['name']} depth={model['depth']} width={width} on {task['name']} "
            f"{json.dumps(task['params'], sort_keys=True)} needs about {total / 2**30:.1f} GiB "
            f"({parameters:,} parameters: {PARAMETER_BYTES * parameters / 2**30:.1f} GiB; "
            f"activations of a {nodes:,}-node batch: {activations / 2**30:.1f} GiB), over the "
            f"memory budget of {memory_budget / 2**30:.1f} GiB per run; lower width, depth or "
            "batch_size, or raise --memory-budget")


def count_runs(spec: SweepSpec) -> int:
    """Runs ``spec`` expands to, counted from its grids without resolving anything (an
    upper bound: model configs that coincide at a radius, e.g. depth 3 and "r" at r = 3,
    run once)."""
    tasks = sum(_grid_size(task.get("params", {})) * _list_length(task.get("transform"))
                for task in spec.tasks)
    model_grid = 0
    for table in spec.models:
        size_key = "width" if "width" in table else "param_budget"
        model_grid += _grid_size({"family": table["family"], "depth": table["depth"],
                                  size_key: table[size_key], **table.get("options", {})})
    return (tasks * len(spec.data_seeds) * model_grid * _grid_size(spec.train)
            * len(spec.seeds))


def first_runs(spec: SweepSpec) -> SweepSpec:
    """``spec`` cut to its first grid point of every table, one seed and one data seed (a
    sample for estimates)."""
    def first(table: dict[str, Any]) -> dict[str, Any]:
        return {k: (first(v) if isinstance(v, dict) else v[0] if isinstance(v, list) and v else v)
                for k, v in table.items()}

    return replace(spec, tasks=(first(spec.tasks[0]),), models=(first(spec.models[0]),),
                   train=first(spec.train), seeds=spec.seeds[:1], data_seeds=spec.data_seeds[:1])


def _list_length(value: Any) -> int:
    return len(value) if isinstance(value, list) else 1


def _grid_size(axes: dict[str, Any]) -> int:
    return int(np.prod([len(v) if isinstance(v, list) else 1 for v in axes.values()], dtype=object))


def describe_estimate(runs: Iterable[Run], workers: int) -> str:
    """One line: number of runs and the estimated wall time on ``workers`` processes
    (``experiments.run_cost``: runs stopping where they typically do), and the time if
    every run trained to its budget of passes where that is more than twice as long."""
    runs = list(runs)
    estimates = [run.estimate_seconds for run in runs]
    each = sum(estimates) / max(1, len(estimates))
    typical = sweep_seconds(estimates, workers)
    line = (f"{len(estimates)} runs to do, about {each:.0f} s each (stopping where runs "
            f"typically stop): estimated {describe_duration(typical)} on {workers} worker(s)")
    budgets = [run.budget_seconds for run in runs]
    if runs and None not in budgets and sweep_seconds(budgets, workers) > 2 * typical:
        line += (f"; up to {describe_duration(sweep_seconds(budgets, workers))} if every run "
                 "trains to its budget of passes")
    return line


def parse_depth(depth: Any, radius: int) -> int:
    """``depth`` (an int, or an expression such as ``"r+1"`` or ``"2r"``) at ``radius``.
    Raises ``ValueError`` for an unreadable expression or a negative result."""
    if isinstance(depth, bool):
        raise ValueError(f"depth={depth!r} is invalid: expected an int or an expression in r")
    if isinstance(depth, int):
        value = depth
    else:
        match = _DEPTH_RE.match(str(depth))
        if match is None:
            raise ValueError(f"depth={depth!r} is invalid: expected an int or an expression "
                             "in the radius r such as 'r', 'r+1', 'r-1', '2r', '2*r+1'")
        factor, sign, offset = match.groups()
        value = int(factor or 1) * radius + (int(offset) if sign == "+" else -int(offset or 0))
    if value < 0:
        raise ValueError(f"depth={depth!r} at radius {radius} is {value}: expected >= 0")
    return value


def _resolved_task_grid(task: dict[str, Any]) -> list[dict[str, Any]]:
    from depthlab.tasks import resolve_params

    return [resolve_params(task["name"], **params) for params in _product(task.get("params", {}))]


def _resolved_transforms(task: dict[str, Any]) -> list[dict[str, Any]]:
    """``[{}]`` without a transform, else one ``{"transform": resolved}`` per table (checked
    by ``tasks.rewiring.resolve_transform``; the task must be rewirable)."""
    from depthlab.tasks.rewiring import REWIRABLE, resolve_transform

    given = task.get("transform")
    if given is None:
        return [{}]
    if task["name"] not in REWIRABLE:
        raise ValueError(f"task {task['name']!r} cannot take a transform: rewiring is defined "
                         f"for {', '.join(REWIRABLE)}")
    return [{"transform": resolve_transform(t)} for t in (given if isinstance(given, list) else [given])]


def _model_grid(model_tables: Iterable[dict[str, Any]], radius: int, models) -> list[dict[str, Any]]:
    """Every model config of the spec at ``radius``, resolved by
    ``models.resolve_model_config`` (all options filled); duplicates (e.g. depth 3 and "r"
    at radius 3) kept once, in first-seen order."""
    configs: dict[str, dict[str, Any]] = {}
    for table in model_tables:
        size_key = "width" if "width" in table else "param_budget"
        axes = {"name": table["family"], "depth": table["depth"], size_key: table[size_key],
                **table.get("options", {})}
        for combo in _product(axes):
            combo["depth"] = parse_depth(combo["depth"], radius)
            resolved = models.resolve_model_config(combo)
            configs.setdefault(config_key(resolved), resolved)
    return list(configs.values())


def stored_train_config(train: dict[str, Any], family: str, radius: int) -> dict[str, Any]:
    """The train settings a sweep stores for the ``[train]`` table ``train`` of a run of
    model ``family`` at task radius ``radius`` (:func:`_resolved_train`)."""
    from depthlab import models

    return _resolved_train(train, models, family, radius)


def _resolved_train(train: dict[str, Any], models, family: str, radius: int) -> dict[str, Any]:
    """``train`` with every setting filled by ``models.resolve_train_config`` for model
    ``family`` at task radius ``radius`` (a protocol's defaults may depend on both), except
    ``threads``, which the run sets (``experiments.run.THREADS_PER_RUN``), and ``device``
    (the spec's top-level ``device`` or ``--device``): where a run computes is not part of
    its config."""
    if "threads" in train:
        raise ValueError("[train] threads is set by depthlab (one per run; parallelism "
                         "comes from --workers): remove it from the spec")
    if "device" in train:
        raise ValueError("[train] device is not a run setting: put device = \"cuda\" at "
                         "the top of the spec, or pass --device")
    resolved = models.resolve_train_config(train, family, radius)
    return {k: v for k, v in resolved.items() if k not in ("threads", "device")}


def _check_train_examples(dataset, task_config: dict[str, Any], train_config: dict[str, Any]) -> None:
    """``ValueError`` when ``train_examples`` exceeds the task's train split."""
    wanted, available = train_config.get("train_examples"), len(dataset.split_indices("train"))
    if wanted is not None and wanted > available:
        raise ValueError(f"[train] train_examples={wanted} is invalid for task "
                         f"{task_config['name']} {json.dumps(task_config['params'], sort_keys=True)}: "
                         f"its train split has {available} examples; expected 1..{available}")


def _product(axes: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """The Cartesian product of ``axes`` (list values expand, scalars stay), in key order."""
    names = list(axes)
    values = [v if isinstance(v, list) else [v] for v in axes.values()]
    for combo in itertools.product(*values):
        yield dict(zip(names, combo))


def _tables(value: Any, name: str, where: str) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise ValueError(f"{where}: needs at least one [[{name}]] table")
    return value


def _check_keys(table: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}; "
                         f"allowed: {', '.join(allowed)}")


def _seed_list(value: Any, name: str, where: str) -> tuple[int, ...]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                             for v in values):
        raise ValueError(f"{where}: {name}={value!r} is invalid: expected a list of ints >= 0")
    return tuple(values)


def describe_duration(seconds: float) -> str:
    """``seconds`` as '42 s', '3.5 min' or '2.1 h'."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"
