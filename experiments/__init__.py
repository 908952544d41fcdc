"""depthlab.experiments: sweep specs, runs, the SQLite result store, executors, reports.

The Python API (each function mirrors a ``depthlab`` command and returns DataFrames):
:func:`sweep`, :func:`runs`, :func:`report`, :func:`results_frame`, :func:`train_one`,
:func:`check`, :func:`evaluate`, :func:`export_runs`, :func:`demo`, :func:`reproduce` (a
published experiment beside its published figures), :func:`curves` (per-epoch training
curves); also :func:`sweep_runs` and :func:`aggregate`. They are imported on first use,
so that ``import depthlab.experiments.cli`` stays light.
"""
from __future__ import annotations

from depthlab.lazy import lazy_exports

_EXPORTS = {
    "aggregate": "depthlab.experiments.results", "results_frame": "depthlab.experiments.results",
    "run_table": "depthlab.experiments.export", "curve_table": "depthlab.experiments.export",
    "export_runs": "depthlab.experiments.api",
    "check": "depthlab.experiments.api", "evaluate": "depthlab.experiments.api", "demo": "depthlab.experiments.api", "report": "depthlab.experiments.api", "runs": "depthlab.experiments.api",
    "reproduce": "depthlab.experiments.reproductions",
    "curves": "depthlab.experiments.training_curves",
    "curves_frame": "depthlab.experiments.training_curves",
    "sweep": "depthlab.experiments.api", "sweep_runs": "depthlab.experiments.api", "train_one": "depthlab.experiments.api",
}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
