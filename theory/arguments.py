"""Argument checks shared by the theory functions."""
from __future__ import annotations

import numpy as np


def require_int(name: str, value, low: int, high: int | None = None) -> int:
    """``value`` as an int if it is an integer in ``[low, high]`` (``high`` None: no upper
    bound); ``ValueError`` naming it otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low or (
            high is not None and value > high):
        allowed = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{name}={value!r} is invalid: expected an int {allowed}")
    return int(value)
