"""Batched inference and split metrics for a trained DepthModel."""
from __future__ import annotations

from typing import Iterator

import numpy as np
import torch
from torch import nn

from depthlab.tasks.dataset import TaskDataset
from depthlab.tasks.dgl_view import ExampleBatch, example_batch


def batches(ds: TaskDataset, examples: np.ndarray, batch_size: int) -> Iterator[ExampleBatch]:
    """``examples`` in order, as consecutive ExampleBatches of at most ``batch_size``."""
    for start in range(0, len(examples), batch_size):
        yield example_batch(ds, examples[start:start + batch_size])


def predict(model: nn.Module, ds: TaskDataset, examples: np.ndarray,
            batch_size: int = 1024) -> torch.Tensor:
    """(M, num_outputs) model outputs for ``examples`` (M,), in eval mode without gradients,
    on the CPU. Batches are moved once to the model's device.

    The model's train/eval mode is restored afterwards."""
    was_training = model.training
    device = next(model.parameters()).device
    model.eval()
    try:
        with torch.no_grad():
            outs = [model(batch.to(device)).cpu() for batch in batches(ds, examples, batch_size)]
    finally:
        model.train(was_training)
    if not outs:
        return torch.zeros((0, model.info.num_outputs))
    return torch.cat(outs)


def evaluate(model: nn.Module, ds: TaskDataset, examples: np.ndarray,
             batch_size: int = 1024) -> float | None:
    """Accuracy (classification) or mean squared error (regression) on ``examples``;
    None when ``examples`` is empty."""
    if len(examples) == 0:
        return None
    out = predict(model, ds, examples, batch_size)
    labels = torch.from_numpy(ds.y[examples])
    if ds.is_regression:
        return float(((out[:, 0] - labels.float()) ** 2).mean())
    return float((out.argmax(dim=1) == labels).double().mean())
