"""Where a run computes: "cpu", "cuda" or "auto" (CUDA when usable, else the CPU).

CUDA is usable when torch sees a CUDA device and the installed DGL is a CUDA build (the
DGL wheels on the package index are CPU builds; DGL's CUDA wheels come from its own index).
"""
from __future__ import annotations

import functools

import torch

DEVICES = ("cpu", "cuda", "auto")


@functools.lru_cache(maxsize=1)
def cuda_problem() -> str | None:
    """Why CUDA cannot be used here, in one sentence; None when it can."""
    if not torch.cuda.is_available():
        return "torch sees no CUDA device (torch.cuda.is_available() is False)"
    from depthlab.tasks.quiet_dgl import dgl

    try:
        dgl.graph(([0], [0])).to("cuda")
    except Exception as error:  # DGLError from a CPU build of DGL
        return (f"the installed DGL cannot use CUDA ({str(error).splitlines()[0]}); "
                "install a CUDA build of dgl")
    return None


def resolve_device(device: str) -> torch.device:
    """The torch device for ``device`` ("cpu", "cuda" or "auto").

    Raises ``ValueError`` for another name, or for "cuda" when CUDA is not usable
    (:func:`cuda_problem` says why)."""
    if device not in DEVICES:
        raise ValueError(f"device={device!r} is invalid: expected one of {', '.join(DEVICES)}")
    if device == "cpu" or (device == "auto" and cuda_problem() is not None):
        return torch.device("cpu")
    if device == "cuda" and cuda_problem() is not None:
        raise ValueError(f"device='cuda' is not available: {cuda_problem()}; use --device "
                         "cpu or auto")
    return torch.device("cuda")
