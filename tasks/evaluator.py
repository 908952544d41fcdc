"""`Evaluator`: OGB's evaluation contract for a depthlab task.

>>> ev = Evaluator(ds)                                   # doctest: +SKIP
>>> ev.eval({"y_true": ds.y[test], "y_pred": logits})   # doctest: +SKIP
{'acc': 0.93}

Classification tasks report ``acc`` (share of exact class matches); regression tasks
(counts) report ``nmse`` = MSE / variance of ``y_true`` (1 for predicting the mean, 0 for
exact; scale-free across patterns and sizes) and ``mse``. Inputs are numpy arrays or
torch tensors; anything else, or a wrong shape, dtype, class id or non-finite value, is a
``ValueError`` that says what was expected.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from depthlab.tasks.dataset import TaskDataset


def as_array(value: Any, name: str) -> np.ndarray:
    """``value`` (numpy array or torch tensor, any device) as a numpy array."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu().numpy()
    if not isinstance(value, np.ndarray):
        raise ValueError(f"{name} must be a numpy array or torch tensor, got "
                         f"{type(value).__name__}")
    return value


def column(values: np.ndarray, n: int | None, name: str, what: str) -> np.ndarray:
    """``values`` of shape (n,) or (n, 1) as (n,); ``n`` None accepts any length >= 1."""
    shape = values.shape
    if not (values.ndim == 1 or (values.ndim == 2 and shape[1] == 1)) or \
            (n is not None and shape[0] != n) or shape[0] == 0:
        length = "n >= 1" if n is None else str(n)
        raise ValueError(f"{name} has shape {shape}: expected ({length},) or ({length}, 1) {what}")
    return values.reshape(-1)


def class_predictions(y_pred: np.ndarray, n: int | None, num_classes: int,
                      name: str = "y_pred") -> np.ndarray:
    """(n,) int64 class ids from ``y_pred``: int class ids (n,) or (n, 1) in
    ``[0, num_classes)``, or float scores (n, num_classes) (the argmax is taken).
    Raises ``ValueError`` naming the shape, dtype or value expected."""
    if y_pred.ndim == 2 and y_pred.shape[1] == num_classes and num_classes > 1:
        if y_pred.dtype.kind != "f" or (n is not None and len(y_pred) != n) or not len(y_pred):
            raise ValueError(f"{name} has shape {y_pred.shape} and dtype {y_pred.dtype}: "
                             f"expected float scores ({n or 'n'}, {num_classes})")
        if not np.isfinite(y_pred).all():
            raise ValueError(f"{name} holds NaN or infinite scores")
        return y_pred.argmax(axis=1).astype(np.int64)
    return class_ids(y_pred, n, num_classes, name,
                     f"int class ids in [0, {num_classes}), or float scores ({n or 'n'}, "
                     f"{num_classes})")


def class_ids(values: np.ndarray, n: int | None, num_classes: int, name: str,
              what: str | None = None) -> np.ndarray:
    """(n,) int64 from int class ids of shape (n,) or (n, 1) in ``[0, num_classes)``."""
    what = what or f"int class ids in [0, {num_classes})"
    ids = column(values, n, name, what)
    if ids.dtype.kind not in "iu":
        raise ValueError(f"{name} has dtype {ids.dtype}: expected {what}")
    if ids.min() < 0 or ids.max() >= num_classes:
        raise ValueError(f"{name} holds class ids from {ids.min()} to {ids.max()}: expected "
                         f"ids in [0, {num_classes})")
    return ids.astype(np.int64)


def real_values(values: np.ndarray, n: int | None, name: str) -> np.ndarray:
    """(n,) float64 from real numbers of shape (n,) or (n, 1), all finite."""
    flat = column(values, n, name, "real numbers")
    if flat.dtype.kind not in "iuf":
        raise ValueError(f"{name} has dtype {flat.dtype}: expected real numbers")
    if not np.isfinite(flat).all():
        raise ValueError(f"{name} holds NaN or infinite values: expected finite numbers")
    return flat.astype(np.float64)


def nmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """MSE / variance of ``y_true`` (both (n,)); ``ValueError`` when ``y_true`` is constant."""
    variance = float(np.var(y_true))
    if variance == 0:
        raise ValueError("y_true is constant (variance 0): nMSE is undefined")
    return float(np.mean((y_true - y_pred) ** 2) / variance)


class Evaluator:
    """Scores predictions for examples of ``ds`` (any subset, e.g. its test split).

    ``metric``: "acc" or "nmse"; ``expected_input_format`` and ``expected_output_format``
    describe ``eval``'s contract in words.
    """

    def __init__(self, ds: TaskDataset) -> None:
        if not isinstance(ds, TaskDataset):
            raise ValueError(f"Evaluator needs a TaskDataset, got {type(ds).__name__}")
        self.name = ds.name
        self.num_classes = ds.num_classes
        self.metric = "nmse" if ds.is_regression else "acc"

    @property
    def expected_input_format(self) -> str:
        head = (f"==== Expected input format of Evaluator for {self.name}\n"
                "{'y_true': y_true, 'y_pred': y_pred}: numpy arrays or torch tensors, one row "
                "per example, in the same order (e.g. ds.get_idx_split()['test']).\n")
        if self.metric == "acc":
            return head + (f"- y_true: (n,) or (n, 1) int class ids in [0, {self.num_classes})\n"
                           f"- y_pred: (n,) or (n, 1) int class ids in [0, {self.num_classes}), "
                           f"or (n, {self.num_classes}) float scores (argmax taken)\n")
        return head + ("- y_true: (n,) or (n, 1) real targets, not all equal\n"
                       "- y_pred: (n,) or (n, 1) finite real predictions\n")

    @property
    def expected_output_format(self) -> str:
        if self.metric == "acc":
            return "{'acc': acc}: the share of examples whose predicted class is y_true, in [0, 1]"
        return ("{'nmse': nmse, 'mse': mse}: mse = mean (y_pred - y_true)^2, nmse = mse / "
                "variance of y_true (1.0 = predicting the mean)")

    def eval(self, input_dict: dict[str, Any]) -> dict[str, float]:
        """The metric of ``input_dict["y_pred"]`` against ``input_dict["y_true"]``."""
        if not isinstance(input_dict, dict) or not {"y_true", "y_pred"} <= set(input_dict):
            raise ValueError("Evaluator.eval takes a dict with keys 'y_true' and 'y_pred'")
        y_true = as_array(input_dict["y_true"], "y_true")
        y_pred = as_array(input_dict["y_pred"], "y_pred")
        if self.metric == "acc":
            labels = class_ids(y_true, None, int(self.num_classes), "y_true")
            predicted = class_predictions(y_pred, len(labels), int(self.num_classes))
            return {"acc": float(np.mean(predicted == labels))}
        truth = real_values(y_true, None, "y_true")
        predicted = real_values(y_pred, len(truth), "y_pred")
        return {"nmse": nmse(truth, predicted), "mse": float(np.mean((truth - predicted) ** 2))}
