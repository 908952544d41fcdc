"""Argument checks shared by the theory functions."""
from __future__ import annotations

import numpy as np


def require_int(name: str, value, low: int) -> int:
    """``value`` as an int if it is an integer >= ``low``; ``ValueError`` naming it otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name}={value!r} is invalid: expected an int >= {low}")
    return int(value)
