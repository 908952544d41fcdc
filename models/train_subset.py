"""The training examples a run uses: the whole train split, or a seeded subset of it.

Learning curves sweep ``train_examples``: for one seed the subsets are nested (the first
n of one seeded permutation of the split), so a larger size only adds examples.
"""
from __future__ import annotations

import numpy as np


def train_subset(train: np.ndarray, size: int | None, seed: int) -> np.ndarray:
    """The first ``size`` examples of ``train`` (int64 ids) in the order of
    ``numpy.random.default_rng(seed).permutation``, sorted; all of ``train`` when ``size``
    is None. Raises ``ValueError`` when ``size`` exceeds ``len(train)``."""
    if size is None:
        return train
    if size > len(train):
        raise ValueError(f"train_examples={size} is invalid: the train split has "
                         f"{len(train)} examples; expected 1..{len(train)}")
    order = np.random.default_rng([int(seed), 0x5EB5E7]).permutation(len(train))
    return np.sort(train[order[:size]])
