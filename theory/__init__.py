"""depthlab.theory: pure functions of graphs, trained models and result tables.

Names are exported lazily (imported on first use), so that ``import theory.wl`` does not
pay for scipy.stats, pandas or torch.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    # sensitivity, over-smoothing, statistics, hypotheses
    "model_sensitivity": "theory.sensitivity", "jacobian_blocks": "theory.sensitivity",
    "dirichlet_energy": "theory.smoothing", "dirichlet_energy_unnormalised": "theory.smoothing",
    "mean_average_distance": "theory.smoothing", "invariant_distance": "theory.smoothing",
    "oono_suzuki_lambda": "theory.smoothing", "oono_suzuki_bound": "theory.smoothing",
    "smoothing_profile": "theory.smoothing",
    "normalised_adjacency": "theory.spectrum", "augmented_adjacency": "theory.spectrum",
    "wilson_interval": "theory.statistics", "mean_interval": "theory.statistics",
    "check": "theory.hypotheses", "builtin_hypotheses": "theory.hypotheses",
    "resolve_hypotheses": "theory.hypotheses", "Verdict": "theory.hypotheses",
    "load_hypotheses": "theory.hypothesis_spec",
    # expressivity, receptive fields, bottleneck, curvature, resistance
    "wl_colours": "theory.wl", "wl_graph_colours": "theory.wl",
    "mp_ceiling": "theory.ceiling", "example_colours": "theory.ceiling",
    "mp_countability": "theory.countability", "Countability": "theory.countability",
    "receptive_field_sizes": "theory.receptive_field",
    "ball_size_formula": "theory.receptive_field", "ball_size": "theory.receptive_field",
    "min_width": "theory.bottleneck", "tree_arrangements": "theory.bottleneck",
    "log2_tree_arrangements": "theory.bottleneck",
    "balanced_forman_curvature": "theory.curvature",
    "effective_resistance": "theory.resistance",
    "total_effective_resistance": "theory.resistance",
    "read_edge_list": "theory.graph_input",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'theory' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
