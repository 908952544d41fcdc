"""The built-in hypotheses, one module per idea (``theory.hypothesis_<name>``), by name.

Each module defines ``NAME`` and ``hypothesis()``; adding an idea is a new module and one
entry in :data:`BUILTIN_MODULES`.
"""
from __future__ import annotations

from depthlab.theory import (hypothesis_attention, hypothesis_bottleneck, hypothesis_expressivity,
                             hypothesis_oversmoothing, hypothesis_radius, hypothesis_richness,
                             hypothesis_transfer)
from depthlab.theory.hypothesis_spec import Hypothesis

BUILTIN_MODULES = (hypothesis_radius, hypothesis_expressivity, hypothesis_bottleneck,
                   hypothesis_oversmoothing, hypothesis_transfer, hypothesis_attention,
                   hypothesis_richness)


def builtin_names() -> tuple[str, ...]:
    """The built-in hypotheses' names, in order."""
    return tuple(module.NAME for module in BUILTIN_MODULES)


def builtin_hypotheses() -> dict[str, Hypothesis]:
    """Every built-in hypothesis by name."""
    return {module.NAME: module.hypothesis() for module in BUILTIN_MODULES}
