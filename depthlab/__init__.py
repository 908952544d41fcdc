"""depthlab: synthetic graph tasks with a known required radius, GNNs at any depth, and the
theory to check depth-limit hypotheses against.

The subpackages are ``depthlab.tasks`` (generators, datasets), ``depthlab.models`` (DGL
networks, training), ``depthlab.experiments`` (sweeps, result store, reports, CLI) and
``depthlab.theory`` (bounds and verdicts). This module re-exports the public API; names are
imported on first use, so ``import depthlab`` does not import DGL or torch.

>>> import depthlab
>>> ds = depthlab.make_task("tree-neighbors-match", seed=0, radius=2)
>>> ds.required_radius, len(ds)
(2, 96)
"""
from __future__ import annotations

from depthlab.lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "make_task": "depthlab.tasks", "list_tasks": "depthlab.tasks",
    "load_task": "depthlab.tasks", "TaskDataset": "depthlab.tasks", "rewire": "depthlab.tasks",
    "Evaluator": "depthlab.tasks",
    "make_model": "depthlab.models", "list_models": "depthlab.models",
    "train": "depthlab.models", "TaskInfo": "depthlab.models",
    "sweep": "depthlab.experiments", "runs": "depthlab.experiments",
    "report": "depthlab.experiments", "results_frame": "depthlab.experiments",
    "train_one": "depthlab.experiments", "demo": "depthlab.experiments",
    "check": "depthlab.experiments", "reproduce": "depthlab.experiments",
    "curves": "depthlab.experiments", "evaluate": "depthlab.experiments",
    "export_runs": "depthlab.experiments", "run_table": "depthlab.experiments",
    "curve_table": "depthlab.experiments",
}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
