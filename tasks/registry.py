"""The task registry: `make_task`, `list_tasks`, and the `TaskSpec` each task registers."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from depthlab.tasks.dataset import TaskDataset
from depthlab.tasks.params import Param, check_number, validate
from depthlab.tasks.storage import DEFAULT_MEMORY_BUDGET, package_version


class TaskTooLarge(ValueError):
    """A request whose estimated memory exceeds the budget; the message has the estimate."""


@dataclass(frozen=True)
class Generated:
    """What a generator returns: the level, class count (None: regression), the arrays, and
    optional extra arrays and dataset-level facts (``TaskDataset.extras`` and ``info``)."""

    level: str
    num_classes: int | None
    arrays: dict[str, np.ndarray]
    extras: dict[str, np.ndarray] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TaskSpec:
    """A registered task.

    ``check(params)`` raises ``ValueError`` for combinations the per-parameter ranges cannot
    express (e.g. a grid too small for the radius); ``estimate_bytes(params)`` bounds the
    memory the generator will hold; ``generate(params, rng)`` builds the arrays. ``radius``
    says in words which parameter sets the required radius (`depthlab tasks` shows it).
    """

    name: str
    summary: str
    params: tuple[Param, ...]
    generate: Callable[[dict[str, Any], np.random.Generator], Generated]
    estimate_bytes: Callable[[dict[str, Any]], int]
    check: Callable[[dict[str, Any]], None] = field(default=lambda params: None)
    radius: str = ""


_REGISTRY: dict[str, TaskSpec] = {}


def register(spec: TaskSpec) -> TaskSpec:
    """Add ``spec`` to the registry (called by each task module at import)."""
    _REGISTRY[spec.name] = spec
    return spec


def get_task_spec(name: str) -> TaskSpec:
    """The spec registered as ``name``; ``ValueError`` listing the choices otherwise."""
    _load_builtin_tasks()
    if name not in _REGISTRY:
        raise ValueError(f"unknown task {name!r}; choose one of: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def list_tasks() -> dict[str, TaskSpec]:
    """All registered tasks by name (each spec lists its parameters, defaults and ranges)."""
    _load_builtin_tasks()
    return dict(sorted(_REGISTRY.items()))


def resolve_params(name: str, **params: Any) -> dict[str, Any]:
    """Validate ``params`` for task ``name``: defaults filled, types coerced, ranges and
    cross-parameter constraints checked. Raises ``ValueError`` naming the bad parameter."""
    spec = get_task_spec(name)
    resolved = validate(name, spec.params, params)
    spec.check(resolved)
    return resolved


def make_task(name: str, seed: int = 0, memory_budget: int = DEFAULT_MEMORY_BUDGET,
              **params: Any) -> TaskDataset:
    """Generate task ``name`` with ``params`` from ``seed``.

    Parameters are validated and the memory estimated before anything is allocated:
    ``ValueError`` for a bad parameter or seed, :class:`TaskTooLarge` when the estimate
    exceeds ``memory_budget`` bytes. The same name, seed and params give identical arrays.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed={seed!r} is invalid: expected an int >= 0")
    memory_budget = check_number("memory_budget", memory_budget, "float", low=0, low_open=True)
    spec = get_task_spec(name)
    resolved = resolve_params(name, **params)
    estimate = int(spec.estimate_bytes(resolved))
    if estimate > memory_budget:
        raise TaskTooLarge(
            f"task {name!r} with {resolved} needs about {estimate / 2**30:.2f} GiB, over the "
            f"memory budget of {memory_budget / 2**30:.2f} GiB; shrink the task or raise "
            "memory_budget (--memory-budget on the CLI)"
        )
    made = spec.generate(resolved, np.random.default_rng(int(seed)))
    return TaskDataset(name=name, params=resolved, seed=int(seed), level=made.level,
                       num_classes=made.num_classes, version=package_version(),
                       extras=made.extras, info=made.info, **made.arrays)


def memory_budget_bytes(gib: Any, flag: str = "--memory-budget") -> int:
    """A memory budget given in GiB (the CLI's unit) as bytes; ``ValueError`` unless it is a
    finite number > 0."""
    return int(check_number(flag, gib, "float", low=0, low_open=True) * 2**30)


def _load_builtin_tasks() -> None:
    import depthlab.tasks.builtin  # noqa: F401  (registers the built-in tasks)
