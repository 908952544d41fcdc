"""depthlab.theory: pure functions of graphs, trained models and result tables.

Names are exported lazily (imported on first use), so that ``import depthlab.theory.wl`` does not
pay for scipy.stats, pandas or torch.
"""
from __future__ import annotations

from depthlab.lazy import lazy_exports

_EXPORTS = {
    # sensitivity, over-smoothing, statistics, hypotheses
    "model_sensitivity": "depthlab.theory.sensitivity", "jacobian_blocks": "depthlab.theory.sensitivity",
    "dirichlet_energy": "depthlab.theory.smoothing", "dirichlet_energy_unnormalised": "depthlab.theory.smoothing",
    "mean_average_distance": "depthlab.theory.smoothing", "invariant_distance": "depthlab.theory.smoothing",
    "oono_suzuki_lambda": "depthlab.theory.smoothing", "oono_suzuki_bound": "depthlab.theory.smoothing",
    "smoothing_profile": "depthlab.theory.smoothing", "cai_wang_rate_bound": "depthlab.theory.smoothing",
    "by_example_radius": "depthlab.theory.example_radius",
    "normalised_adjacency": "depthlab.theory.spectrum", "augmented_adjacency": "depthlab.theory.spectrum",
    "wilson_interval": "depthlab.theory.statistics", "mean_interval": "depthlab.theory.statistics",
    "check": "depthlab.theory.hypotheses", "builtin_hypotheses": "depthlab.theory.builtin_hypotheses",
    "resolve_hypotheses": "depthlab.theory.hypotheses", "Verdict": "depthlab.theory.verdict",
    "load_hypotheses": "depthlab.theory.hypothesis_spec",
    # expressivity, receptive fields, bottleneck, curvature, resistance
    "wl_colours": "depthlab.theory.wl", "wl_graph_colours": "depthlab.theory.wl",
    "mp_ceiling": "depthlab.theory.ceiling", "example_colours": "depthlab.theory.ceiling",
    "model_ceiling": "depthlab.theory.model_ceiling",
    "mp_countability": "depthlab.theory.countability", "Countability": "depthlab.theory.countability",
    "receptive_field_sizes": "depthlab.theory.receptive_field",
    "ball_size_formula": "depthlab.theory.receptive_field", "ball_size": "depthlab.theory.receptive_field",
    "min_width": "depthlab.theory.bottleneck", "tree_arrangements": "depthlab.theory.bottleneck",
    "log2_tree_arrangements": "depthlab.theory.bottleneck",
    "balanced_forman_curvature": "depthlab.theory.curvature",
    "effective_resistance": "depthlab.theory.resistance",
    "total_effective_resistance": "depthlab.theory.resistance",
    "read_edge_list": "depthlab.theory.graph_input",
}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
