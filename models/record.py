"""What a training run returns: `RunRecord` (JSON-able results) and `TrainedRun`."""
from __future__ import annotations

import platform
from dataclasses import MISSING, asdict, dataclass, fields
from typing import Any

import numpy as np
import torch
from torch import nn

from depthlab.tasks.quiet_dgl import dgl
from depthlab.tasks.storage import package_version


@dataclass
class RunRecord:
    """The results of one run of models.train.

    Metrics are those of the selected model (epoch ``best_epoch``), measured in eval mode
    on whole splits: accuracies in [0, 1] for classification (MSE fields None), mean
    squared errors for regression (accuracy fields None); val fields are None without a
    validation split. ``epochs`` is the number of passes over the train split run;
    ``stop_reason`` why training ended ("fitted", "plateau", "val_plateau", or "cap": the
    budget ran out, the run was cut short); ``curve`` has one dict per epoch (per block for
    the alon-yahav protocol, which adds the key block) with keys epoch (passes so far),
    loss (mean training loss), lr (in use during it), and train_acc / train_mse plus
    val_* and test_* for the non-empty splits (models.trainer says how each is measured). ``wall_seconds`` covers the whole
    call; ``width`` is the actual width (after param_budget); ``model_config`` and
    ``train_config`` are fully resolved (every option, defaults included). ``device`` is
    where the run computed ("cpu" or "cuda"); records stored before it existed read "cpu".
    """

    train_acc: float | None
    val_acc: float | None
    test_acc: float | None
    train_mse: float | None
    val_mse: float | None
    test_mse: float | None
    n_train: int
    n_val: int
    n_test: int
    best_epoch: int
    epochs: int
    stop_reason: str
    curve: list[dict[str, Any]]
    wall_seconds: float
    num_params: int
    width: int
    seed: int
    model_config: dict[str, Any]
    train_config: dict[str, Any]
    versions: dict[str, str]
    device: str = "cpu"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict of every field."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunRecord":
        """Inverse of :meth:`to_dict`; raises ``ValueError`` naming missing fields (fields
        with a default may be missing)."""
        names = [f.name for f in fields(cls)]
        required = [f.name for f in fields(cls) if f.default is MISSING]
        missing = [n for n in required if n not in data]
        if missing:
            raise ValueError(f"run record lacks field(s) {', '.join(missing)}")
        return cls(**{n: data[n] for n in names if n in data})


@dataclass
class TrainedRun:
    """A run's ``record`` and its trained ``model`` (a DepthModel, in eval mode)."""

    record: RunRecord
    model: nn.Module


def versions() -> dict[str, str]:
    """Versions of depthlab and the numeric stack, as stored in every record."""
    return {"depthlab": package_version(), "torch": torch.__version__, "dgl": dgl.__version__,
            "numpy": np.__version__, "python": platform.python_version()}
