"""The successes among many independent Bernoulli trials, without one draw per trial."""
from __future__ import annotations

import numpy as np

CHUNK_TRIALS = 1 << 24


def bernoulli_successes(trials: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Indices of the successes among ``trials`` independent Bernoulli(``p``) trials.

    Returns a sorted (k,) int64 array. Trials are taken in chunks of at most 2**24: a
    chunk draws its success count from Binomial(chunk, p), then that many distinct positions
    uniformly, which is the same distribution as one draw per trial. Memory is O(k) plus
    one chunk's permutation (128 MiB) at most; ``p`` must lie in [0, 1].
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p={p!r} is out of range: expected a float in [0, 1]")
    found = [np.empty(0, dtype=np.int64)]
    for lo in range(0, trials, CHUNK_TRIALS):
        size = min(CHUNK_TRIALS, trials - lo)
        picks = rng.choice(size, rng.binomial(size, p), replace=False, shuffle=False)
        found.append(lo + np.sort(picks).astype(np.int64))
    return np.concatenate(found)
