"""The successes among many independent Bernoulli trials, without one draw per trial."""
from __future__ import annotations

import math

import numpy as np

BATCH_DRAWS = 1 << 22


def bernoulli_successes(trials: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Indices of the successes among ``trials`` independent Bernoulli(``p``) trials.

    Returns a sorted (k,) int64 array. The gaps between successive successes of a
    Bernoulli process are independent Geometric(p) variables, so the successes are the
    cumulative sums of geometric draws (in batches of at most 2**22, each sized to reach
    past the last trial with high probability). Time and memory are O(k), whatever the
    number of trials; ``p`` must lie in [0, 1].
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p={p!r} is out of range: expected a float in [0, 1]")
    found = [np.empty(0, dtype=np.int64)]
    start = 0
    while p > 0 and start < trials:
        expected = (trials - start) * p
        draws = min(BATCH_DRAWS, int(expected + 6 * math.sqrt(expected * (1 - p)) + 16))
        positions = start - 1 + np.cumsum(rng.geometric(p, size=draws), dtype=np.int64)
        found.append(positions[positions < trials])
        start = int(positions[-1]) + 1
    return np.concatenate(found)
