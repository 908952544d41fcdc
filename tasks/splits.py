"""Train/validation/test splits stratified by label."""
from __future__ import annotations

import numpy as np

from depthlab.tasks.params import Param

TRAIN, VAL, TEST = 0, 1, 2
SPLIT_NAMES = {TRAIN: "train", VAL: "val", TEST: "test"}


def stratified_split(
    labels: np.ndarray, train: float, val: float, rng: np.random.Generator
) -> np.ndarray:
    """Assign each example to train (0), val (1) or test (2), stratified by label.

    Within each label class the examples are shuffled and the first ``round(train * n_c)``
    go to train, the next ``round(val * n_c)`` to val and the rest to test, so every split
    keeps the label proportions. For float labels (regression) the split is a plain shuffle.
    Returns an ``int8`` array of the labels' length.
    """
    n = len(labels)
    split = np.full(n, TEST, dtype=np.int8)
    order = rng.permutation(n)
    if labels.dtype.kind == "f":
        groups = [order]
    else:
        ordered = labels[order]
        by_label = np.argsort(ordered, kind="stable")
        bounds = np.flatnonzero(np.diff(ordered[by_label])) + 1
        groups = [order[g] for g in np.split(by_label, bounds)]
    for members in groups:
        n_train = int(round(train * len(members)))
        n_val = int(round(val * len(members)))
        split[members[:n_train]] = TRAIN
        split[members[n_train : n_train + n_val]] = VAL
    return split


def check_fractions(train: float, val: float, examples: int | None = None) -> None:
    """Raise ``ValueError`` unless ``0 < train`` and ``train + val < 1`` (test takes the
    rest, which must not be empty), and, given the number of ``examples``, at least one
    example is left for test."""
    if not 0 < train or train + val >= 1:
        raise ValueError(f"train_fraction={train!r}, val_fraction={val!r} are invalid: "
                         "expected train_fraction > 0 and train_fraction + val_fraction < 1 "
                         "(the rest is the test split, which must not be empty)")
    if examples is not None and examples - round(train * examples) - round(val * examples) < 1:
        raise ValueError(f"train_fraction={train!r}, val_fraction={val!r} leave no test example "
                         f"of {examples}: lower the fractions or raise the number of examples")


def fraction_params(train: float, val: float, share_of: str) -> tuple[Param, Param]:
    """The ``train_fraction`` and ``val_fraction`` parameters (defaults ``train``, ``val``) of
    a task with a validation split; ``share_of`` says what is split, e.g. "each label's
    examples". Pair with :func:`check_fractions` in the task's cross-parameter check."""
    return (
        Param("train_fraction", "float", train, f"share of {share_of} in train", low=0, high=1),
        Param("val_fraction", "float", val, f"share of {share_of} in val; the rest is test",
              low=0, high=1),
    )
