"""`TaskInfo`: what a model needs to know about a task to size its input and output."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from depthlab.tasks.dataset import LEVELS, TaskDataset


@dataclass(frozen=True)
class TaskInfo:
    """The task-facing shape of a model.

    ``level``: "node" (one prediction per target node) or "graph" (one per graph).
    ``num_outputs``: number of classes, or 1 for regression.
    ``regression``: True when the labels are real numbers (MSE loss, no accuracy).
    ``categorical``: True when node features are int64 codes, embedded column by column;
    then ``cardinalities[f]`` is the number of codes of column f (max code + 1) and
    ``feature_dim`` is None. Otherwise features are float, ``feature_dim`` is their width
    and ``cardinalities`` is empty.
    """

    level: str
    num_outputs: int
    regression: bool
    categorical: bool
    cardinalities: tuple[int, ...] = ()
    feature_dim: int | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"level={self.level!r} is invalid: expected one of {LEVELS}")
        if self.num_outputs < 1:
            raise ValueError(f"num_outputs={self.num_outputs} is invalid: expected >= 1")
        if self.regression and self.num_outputs != 1:
            raise ValueError(f"num_outputs={self.num_outputs} is invalid for regression: expected 1")
        if self.categorical and (not self.cardinalities or min(self.cardinalities) < 1):
            raise ValueError(f"cardinalities={self.cardinalities!r} is invalid: categorical "
                             "features need one count >= 1 per column")
        if not self.categorical and (self.feature_dim is None or self.feature_dim < 1):
            raise ValueError(f"feature_dim={self.feature_dim!r} is invalid: float features "
                             "need a width >= 1")

    @classmethod
    def from_dataset(cls, ds: TaskDataset) -> "TaskInfo":
        """The info of ``ds``; cardinalities are taken over all its nodes (every split)."""
        categorical = ds.x.dtype.kind in "iu"
        regression = ds.is_regression
        num_outputs = 1 if regression else int(ds.num_classes)
        if categorical:
            if len(ds.x) and ds.x.min() < 0:
                raise ValueError(f"dataset {ds.name!r} has negative categorical feature codes "
                                 f"(min {int(ds.x.min())}); codes must be >= 0")
            highest = ds.x.max(axis=0) if len(ds.x) else np.zeros(ds.x.shape[1], dtype=np.int64)
            return cls(ds.level, num_outputs, regression, True,
                       cardinalities=tuple(int(c) + 1 for c in highest))
        return cls(ds.level, num_outputs, regression, False, feature_dim=int(ds.x.shape[1]))
