"""Measures of a trained run that theory and reports read, each a few numbers per run.

- :func:`layer_weights`: per layer, the largest singular value of the layer's weight and
  the norm of its bias (the inputs of Cai & Wang's energy bound), for layers with one
  weight matrix;
- :func:`accuracy_by_radius`: the test metric per example radius (small-world shortcuts
  give each example its own radius);
- :func:`label_variance`: per split, the variance of the regression labels (the nMSE
  denominator);
- :func:`stored_ceiling`: the model's 1-WL ceiling per split (``theory.model_ceiling``, the
  one definition ``check`` and ``theory ceiling`` use);
- :func:`test_example_means`: the mean example radius of the test split and, where the
  dataset carries them (transfer, rewired datasets), the mean source-target resistance and
  commute time.
"""
from __future__ import annotations

from typing import Any

import numpy as np

SPLITS = ("train", "val", "test")


def layer_weights(model) -> list[dict[str, float] | None]:
    """Per block of ``model`` (a DepthModel): ``{"top_singular_value": s, "bias_norm": b}``
    of its conv's single weight matrix (``b`` 0 without a bias), or None where the conv has
    no weight matrix or several (an MLP, attention, a GRU)."""
    import torch

    out = []
    for block in model.blocks:
        matrices = [p for name, p in block.conv.named_parameters() if p.dim() == 2]
        biases = [p for name, p in block.conv.named_parameters() if p.dim() == 1]
        if len(matrices) != 1 or len(biases) > 1:
            out.append(None)
            continue
        with torch.no_grad():
            top = float(torch.linalg.matrix_norm(matrices[0].double(), ord=2))
            bias = float(biases[0].double().norm()) if biases else 0.0
        out.append({"top_singular_value": top, "bias_norm": bias})
    return out


def accuracy_by_radius(model, dataset, batch_size: int = 1024) -> list[dict[str, Any]] | None:
    """Test examples grouped by their required radius: ``[{"radius", "n", "acc"}]``
    (``"mse"`` for regression), ascending radius; None without test examples."""
    import torch

    from depthlab.models.evaluate import predict

    test = dataset.split_indices("test")
    if len(test) == 0:
        return None
    out = predict(model, dataset, test, batch_size)
    labels = torch.from_numpy(dataset.y[test])
    if dataset.is_regression:
        score, metric = ((out[:, 0] - labels.float()) ** 2).double().numpy(), "mse"
    else:
        score, metric = (out.argmax(dim=1) == labels).double().numpy(), "acc"
    radius = dataset.radius[test]
    values, inverse, counts = np.unique(radius, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=score)
    return [{"radius": int(r), "n": int(n), metric: float(s / n)}
            for r, n, s in zip(values, counts, sums)]


def label_variance(dataset) -> dict[str, float] | None:
    """``{split: variance of its labels}`` for the non-empty splits of a regression
    dataset; None for classification."""
    if not dataset.is_regression:
        return None
    return {s: float(np.var(dataset.y[idx].astype(np.float64)))
            for s in SPLITS if len(idx := dataset.split_indices(s))}


def stored_ceiling(model_config: dict[str, Any], dataset) -> dict[str, float] | None:
    """The 1-WL ceiling per split of the run's model (accuracy, or MSE for regression);
    None for a model that is not message passing or has a fully-adjacent layer."""
    from depthlab.models.facts import facts_of
    from depthlab.theory.model_ceiling import model_ceiling

    facts = facts_of(model_config["name"])
    if (not facts.message_passing or model_config.get("fully_adjacent_last")
            or model_config.get("fully_adjacent_all")):
        return None
    return model_ceiling(dataset, model_config["name"], facts, int(model_config["depth"])).splits


TRANSPORT_EXTRAS = ("resistance", "commute_time")


def test_example_means(dataset) -> dict[str, float | None]:
    """``radius_mean``, ``resistance`` and ``commute_time``: means over the test examples
    (None without test examples, or for an extra the dataset does not carry)."""
    idx = dataset.split_indices("test")
    means: dict[str, float | None] = {"radius_mean": float(dataset.radius[idx].mean()) if len(idx) else None}
    for name in TRANSPORT_EXTRAS:
        values = dataset.extras.get(name)
        usable = values is not None and values.ndim == 1 and len(values) == len(dataset) and len(idx)
        means[name] = float(values[idx].mean()) if usable else None
    return means
