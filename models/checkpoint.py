"""Resumable training: a run's state saved between epochs (blocks) and restored on restart.

:class:`LoopState` is what a training loop carries from one epoch (evaluation block) to the
next besides the model and optimiser. :class:`TrainingCheckpoint` writes it, with the model,
the optimiser and torch's CPU generator, to one file after an epoch once ``every_seconds``
have passed since the last write, and restores all of it when the run starts again, so the
resumed run continues as if it had never stopped: same shuffles, same schedule counters,
same curve, same result (CPU; on CUDA, dropout draws after a resume may differ).

The file is written atomically (a killed run leaves the previous checkpoint whole) with
``torch.save`` and read with ``torch.load(weights_only=True)``, which runs no code. It
holds ``{"format", "version", "meta", "model", "optimizer", "best_state", "torch_rng"}``;
``meta`` is JSON text: the run's identity (model and train configs, seed, dataset), the
loop's progress, curve, schedule states and shuffler state, and the wall seconds spent so
far. Reading checks that structure and raises ``ValueError`` naming the file for anything
else, including a checkpoint of another run (a different identity).
"""
from __future__ import annotations

import io
import json
import math
import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from depthlab.tasks.atomic_files import atomic_file

FORMAT = "depthlab-training-checkpoint"
VERSION = 1
EVERY_SECONDS = 60.0
_TENSOR_DICTS = ("model", "optimizer", "best_state")
_META_KEYS = ("identity", "done", "curve", "best_epoch", "schedules", "shuffler", "elapsed")


@dataclass
class LoopState:
    """A training loop's state between epochs (blocks): ``done`` epochs (blocks) finished,
    the ``curve`` so far, the selected epoch ``best_epoch`` and its weights ``best_state``,
    the stopping ``schedules`` by name (objects with ``state_dict``/``load_state_dict``),
    the ``shuffler`` drawing the pass orders, and ``elapsed``: wall seconds spent on the run
    before this process took it over."""

    shuffler: np.random.Generator
    schedules: dict[str, Any]
    best_state: dict[str, torch.Tensor]
    curve: list[dict[str, Any]] = field(default_factory=list)
    best_epoch: int = 0
    done: int = 0
    elapsed: float = 0.0


class TrainingCheckpoint:
    """The checkpoint file ``path`` of the run described by ``identity`` (JSON-able).

    ``every_seconds`` (> 0) is the least wall time between two writes; the first write
    comes that long after the object is made. Raises ``ValueError`` for a bad interval.
    """

    def __init__(self, path: str | Path, identity: dict[str, Any],
                 every_seconds: float = EVERY_SECONDS) -> None:
        if (isinstance(every_seconds, bool) or not isinstance(every_seconds, (int, float))
                or not every_seconds > 0):
            raise ValueError(f"every_seconds={every_seconds!r} is invalid: expected a number > 0")
        if not isinstance(path, (str, os.PathLike)) or not str(path):
            raise ValueError(f"checkpoint={path!r} is invalid: expected a file path")
        self.path = Path(path)
        self.identity = json.loads(json.dumps(identity, sort_keys=True, default=str))
        self.every_seconds = float(every_seconds)
        self.started = self.last_write = time.perf_counter()

    def resume(self, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
               loop: LoopState, passes_per_point: int, max_points: int) -> bool:
        """Restore the saved state into ``model``, ``optimizer``, ``loop`` and torch's CPU
        generator; False (nothing changed) when there is no file. The saved curve must be
        that of this run's protocol: point i after ``(i + 1) * passes_per_point`` passes, at
        most ``max_points`` points. Raises ``ValueError`` when the file is not a readable
        checkpoint of this run, or holds a state this run could not have reached (tensors
        shaped unlike the model's, another optimiser setting, counters out of range)."""
        if not self.path.exists():
            return False
        saved, meta = read_checkpoint(self.path)
        differing = sorted(k for k in {*meta["identity"], *self.identity}
                           if meta["identity"].get(k) != self.identity.get(k))
        if differing:
            raise ValueError(f"checkpoint {self.path} belongs to another run: its "
                             f"{', '.join(differing)} differ from this run's; remove it to "
                             "start over")
        settings = _settings(optimizer)
        try:
            _check_progress(meta, passes_per_point, max_points)
            _check_like(saved["best_state"], model.state_dict())
            model.load_state_dict(saved["model"])
            optimizer.load_state_dict(saved["optimizer"])
            _check_optimizer(optimizer, settings)
            for name, schedule in loop.schedules.items():
                schedule.load_state_dict(meta["schedules"][name])
            loop.shuffler.bit_generator.state = _shuffler_state(meta["shuffler"], loop.shuffler)
            torch.set_rng_state(saved["torch_rng"])
        except (KeyError, TypeError, ValueError, RuntimeError, OverflowError) as error:
            raise ValueError(f"checkpoint {self.path} does not fit this run: {error}") from None
        loop.best_state = saved["best_state"]
        loop.curve, loop.best_epoch = meta["curve"], meta["best_epoch"]
        loop.done, loop.elapsed = meta["done"], meta["elapsed"]
        return True

    def save_if_due(self, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                    loop: LoopState) -> bool:
        """:meth:`save` when ``every_seconds`` have passed since the last write; whether it
        wrote. A write that fails (a full disk, no permission) warns and lets training go
        on: the run loses only the ability to resume, and tries again an interval later."""
        if time.perf_counter() - self.last_write < self.every_seconds:
            return False
        try:
            self.save(model, optimizer, loop)
        except OSError as error:
            self.last_write = time.perf_counter()
            warnings.warn(f"training checkpoint not written, the run goes on without it: "
                          f"{error}", RuntimeWarning, stacklevel=2)
            return False
        return True

    def save(self, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
             loop: LoopState) -> None:
        """Write the state after ``loop.done`` epochs (blocks) atomically."""
        meta = {"identity": self.identity, "done": loop.done, "curve": loop.curve,
                "best_epoch": loop.best_epoch,
                "schedules": {name: s.state_dict() for name, s in loop.schedules.items()},
                "shuffler": loop.shuffler.bit_generator.state,
                "elapsed": self.elapsed(loop)}
        state = {"format": FORMAT, "version": VERSION, "meta": json.dumps(meta),
                 "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                 "best_state": loop.best_state, "torch_rng": torch.get_rng_state()}
        buffer = io.BytesIO()
        torch.save(state, buffer)
        with atomic_file(self.path) as temporary:
            temporary.write_bytes(buffer.getbuffer())
        self.last_write = time.perf_counter()

    def elapsed(self, loop: LoopState) -> float:
        """Wall seconds spent on the run: before this process, then in it."""
        return loop.elapsed + time.perf_counter() - self.started


def read_checkpoint(path: str | Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The saved state and the parsed ``meta`` of the checkpoint file ``path``, its
    structure checked (module docstring), whichever run it belongs to. Raises
    ``ValueError`` naming the file and the fault."""
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # unpickling errors have no common base class
        raise ValueError(f"checkpoint {path} is not readable as a depthlab training "
                         f"checkpoint: {type(error).__name__}: {error}") from None
    if not isinstance(saved, dict) or saved.get("format") != FORMAT:
        raise ValueError(f"checkpoint {path} is not a depthlab training checkpoint")
    if saved.get("version") != VERSION:
        raise ValueError(f"checkpoint {path} has version {saved.get('version')!r}; "
                         f"this depthlab reads version {VERSION}")
    for name in _TENSOR_DICTS:
        if not isinstance(saved.get(name), dict):
            raise ValueError(f"checkpoint {path}: {name!r} is not a state dict")
    if not isinstance(saved.get("torch_rng"), torch.Tensor):
        raise ValueError(f"checkpoint {path}: 'torch_rng' is not a tensor")
    try:
        meta = json.loads(saved.get("meta"))
    except (TypeError, ValueError, RecursionError):
        raise ValueError(f"checkpoint {path}: 'meta' is not JSON text of a checkpoint") from None
    missing = [k for k in _META_KEYS if not isinstance(meta, dict) or k not in meta]
    if missing:
        raise ValueError(f"checkpoint {path}: meta lacks {', '.join(missing)}")
    if not (_count(meta["done"]) and _count(meta["best_epoch"])
            and isinstance(meta["curve"], list) and len(meta["curve"]) == meta["done"]
            and all(isinstance(point, dict) and _count(point.get("epoch"))
                    for point in meta["curve"])
            and _number(meta["elapsed"]) and 0 <= meta["elapsed"] < math.inf
            and isinstance(meta["identity"], dict) and isinstance(meta["schedules"], dict)):
        raise ValueError(f"checkpoint {path}: inconsistent progress (done, curve, "
                         "best_epoch, elapsed, identity, schedules)")
    return saved, meta


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_progress(meta: dict[str, Any], passes_per_point: int, max_points: int) -> None:
    epochs = [point["epoch"] for point in meta["curve"]]
    if meta["done"] > max_points or epochs != [passes_per_point * (i + 1) for i in range(len(epochs))]:
        raise ValueError(f"its curve ({meta['done']} points) is not one of this run's "
                         f"protocol ({passes_per_point} passes a point, at most {max_points})")
    if meta["best_epoch"] not in (0, *epochs):
        raise ValueError(f"best_epoch {meta['best_epoch']} is not an epoch of its curve")


def _check_like(state: dict[str, Any], reference: dict[str, torch.Tensor]) -> None:
    if set(state) != set(reference):
        raise ValueError("best_state names other parameters than the model's")
    for name, tensor in reference.items():
        saved = state[name]
        if (not isinstance(saved, torch.Tensor) or saved.shape != tensor.shape
                or saved.dtype != tensor.dtype):
            raise ValueError(f"best_state[{name!r}] is not a tensor shaped like the model's")


def _settings(optimizer: torch.optim.Optimizer) -> list[dict[str, Any]]:
    """The optimiser's settings per parameter group, without the learning rate (which the
    schedules change) and the parameter ids."""
    return [{k: v for k, v in group.items() if k not in ("params", "lr")}
            for group in optimizer.state_dict()["param_groups"]]


def _check_optimizer(optimizer: torch.optim.Optimizer, settings: list[dict[str, Any]]) -> None:
    if _settings(optimizer) != settings:
        raise ValueError("the optimiser's settings differ from this run's")
    for group in optimizer.param_groups:
        if not (_number(group["lr"]) and 0 < group["lr"] < math.inf):
            raise ValueError(f"learning rate {group['lr']!r} is not a positive number")
        for parameter in group["params"]:
            state = optimizer.state.get(parameter, {})
            for name, value in state.items():
                if name != "step" and (not isinstance(value, torch.Tensor)
                                       or value.shape != parameter.shape):
                    raise ValueError(f"optimiser state {name!r} is not shaped like its parameter")
            if state and not {"step", "exp_avg", "exp_avg_sq"} <= set(state):
                raise ValueError("optimiser state lacks step, exp_avg or exp_avg_sq")


def _shuffler_state(state: Any, shuffler: np.random.Generator) -> dict[str, Any]:
    kind = type(shuffler.bit_generator).__name__
    inner = state.get("state") if isinstance(state, dict) else None
    if (not isinstance(inner, dict) or state.get("bit_generator") != kind
            or not all(_count(inner.get(k)) and inner[k] < 2 ** 128 for k in ("state", "inc"))):
        raise ValueError(f"shuffler state is not a {kind} state")
    return state
