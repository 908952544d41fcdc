"""Checks every generated task must pass: same seed, same arrays; save -> load is lossless."""
from __future__ import annotations

import numpy as np

from depthlab.tasks import load_task, make_task


def assert_same_arrays(first, second) -> None:
    """Both datasets hold equal arrays of equal dtypes and equal metadata."""
    assert first.arrays().keys() == second.arrays().keys() and first.info == second.info
    for name, array in first.arrays().items():
        other = second.arrays()[name]
        assert other.dtype == array.dtype and np.array_equal(other, array), name
    assert (first.name, first.params, first.seed, first.level, first.num_classes) == (
        second.name, second.params, second.seed, second.level, second.num_classes)


def assert_deterministic(name: str, **params) -> None:
    """Seed 3 twice gives identical datasets; seed 4 gives a different one."""
    first = make_task(name, seed=3, **params)
    assert_same_arrays(first, make_task(name, seed=3, **params))
    other = make_task(name, seed=4, **params)
    assert any(not np.array_equal(array, other.arrays()[key])
               for key, array in first.arrays().items())


def assert_round_trip(name: str, directory, **params) -> None:
    """``make_task(name, **params)`` saved to ``directory`` loads back unchanged."""
    made = make_task(name, seed=1, **params)
    made.save(directory)
    assert_same_arrays(made, load_task(directory))
