"""A context in which a training run is reproducible and leaves no global state behind."""
from __future__ import annotations

import contextlib
from typing import Iterator

import torch

from depthlab.tasks.quiet_dgl import dgl


@contextlib.contextmanager
def run_scope(seed: int, threads: int) -> Iterator[None]:
    """Inside: torch's CPU generator seeded with ``seed`` (module initialisation and
    dropout draw from it), torch and DGL limited to ``threads`` threads, and deterministic
    algorithms required. On exit the previous generator state, thread counts and
    determinism flag are restored."""
    if threads < 1:
        raise ValueError(f"threads={threads} is invalid: expected an int >= 1")
    torch_threads = torch.get_num_threads()
    dgl_threads = dgl.utils.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        torch.set_num_threads(threads)
        dgl.utils.set_num_threads(threads)
        torch.use_deterministic_algorithms(True)
        try:
            yield
        finally:
            torch.use_deterministic_algorithms(deterministic)
            dgl.utils.set_num_threads(dgl_threads)
            torch.set_num_threads(torch_threads)
