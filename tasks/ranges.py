"""Index ranges of concatenated arrays (CSR-style gathers) without Python loops."""
from __future__ import annotations

import numpy as np


def concatenated_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s, s + c) for s, c in zip(starts, counts)])`` as int64, vectorised.

    ``starts``, ``counts``: (K,) integer arrays, counts >= 0. Returns (sum(counts),) int64.
    """
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    return np.repeat(np.asarray(starts, dtype=np.int64) - np.cumsum(counts) + counts, counts) + np.arange(total)
