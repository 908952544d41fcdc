"""Parameter counts, and the width that holds a model at a parameter budget."""
from __future__ import annotations

import math
from typing import Callable

from torch import nn


def count_parameters(model: nn.Module) -> int:
    """Number of trainable scalars in ``model`` (buffers such as BatchNorm statistics excluded)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def width_for_budget(count_at: Callable[[int], int], budget: int, step: int = 1,
                     min_width: int = 1) -> int:
    """The width (a multiple of ``step``, at least ``min_width``) whose parameter count is
    closest to ``budget``; the smaller width on a tie.

    ``count_at(width)`` returns the parameter count of the model at ``width``. Every
    depthlab family's count is a quadratic in width, so counts at three widths locate the
    root, and the widths around it are then counted exactly. Raises ``ValueError`` if the
    smallest allowed width already exceeds the budget.
    """
    if budget < 1:
        raise ValueError(f"param_budget={budget} is invalid: expected an int >= 1")
    k0 = -(-min_width // step)
    f0, f1, f2 = (count_at(step * k) for k in (k0, k0 + 1, k0 + 2))
    if f0 > budget:
        raise ValueError(f"param_budget={budget} is too small: the model has {f0} "
                         f"parameters at its smallest width {step * k0}")
    a = (f2 - 2 * f1 + f0) / 2
    b = (f1 - f0) - a * (2 * k0 + 1)
    c = f0 - a * k0 * k0 - b * k0 - budget
    if a > 0:
        root = (-b + math.sqrt(max(b * b - 4 * a * c, 0.0))) / (2 * a)
    elif b > 0:
        root = -c / b
    else:
        root = float(k0)
    centre = max(k0, int(root))
    candidates = range(max(k0, centre - 1), centre + 3)
    return step * min(candidates, key=lambda k: (abs(count_at(step * k) - budget), k))
