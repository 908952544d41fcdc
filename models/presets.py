"""Named published setups: model presets (options per family) and protocol defaults (train
settings per family and radius), so that one line of a spec reproduces a paper.

``alon-yahav`` is Alon & Yahav (ICLR 2021), "On the Bottleneck of Graph Neural Networks and
its Practical Implications", as their code runs Tree-NeighborsMatch (tech-srl/bottleneck:
models/graph_model.py, common.py, experiment.py, run-{gcn,gin,gat,ggnn}-2-8.py):

- model: per-column embeddings of the (key, value) features, summed (a linear map of their
  one-hot codes); per layer conv -> [ReLU] -> [x + new] -> [LayerNorm]; a linear output
  layer without bias on the root; one self-loop per node; width 32, depth r + 1 (the spec
  gives depth and width). Brackets per family: gcn and gin all three (gin's MLP is
  Linear-BatchNorm-ReLU twice, gcn normalises by in-degrees at both ends as PyG's GCNConv
  does), gat (4 heads concatenated) residual and LayerNorm only, ggnn (one GRU step per
  layer) none.
- training: Adam lr 1e-3; evaluation blocks of 100 passes (1000 at r = 2); batch 64 at
  r <= 3, 1024 at r = 4-6; effective batch 2048 at r >= 7 (gcn, gat: 2048, then 1024 x 2
  accumulation steps at r = 8; gin, ggnn: 1024 x 2, then 512 x 4); at most 50,000 passes;
  lr halved after 10 blocks without a gain above 1e-4, stop after 20.
"""
from __future__ import annotations

from typing import Any

ALON_YAHAV = "alon-yahav"
MODEL_PRESETS = ("none", ALON_YAHAV)
_COMMON = {"self_loops": True, "norm_position": "after_residual", "output_bias": False,
           "dropout": 0.0, "jk": "none"}
_FULL = {"activation": "relu", "residual": True, "norm": "layer"}
_ALON_YAHAV_MODELS = {
    "gcn": {**_COMMON, **_FULL, "gcn_norm": "in-in"},
    "gin": {**_COMMON, **_FULL, "mlp_batchnorm": True},
    "gat": {**_COMMON, "activation": "identity", "residual": True, "norm": "layer", "heads": 4},
    "ggnn": {**_COMMON, "activation": "identity", "residual": False, "norm": "none"},
}
# (batch_size, accum_steps) at r = 7 and r >= 8, where the published scripts differ by family
_LARGE_BATCHES = {"gcn": ((2048, 1), (1024, 2)), "gat": ((2048, 1), (1024, 2)),
                  "gin": ((1024, 2), (512, 4)), "ggnn": ((1024, 2), (512, 4))}


def preset_options(preset: str, family: str) -> dict[str, Any]:
    """The model options ``preset`` sets for ``family`` ({} for "none").

    Raises ``ValueError`` for an unknown preset or a family the preset does not cover."""
    if preset not in MODEL_PRESETS:
        raise ValueError(f"preset={preset!r} is invalid: expected one of "
                         f"{', '.join(MODEL_PRESETS)}")
    if preset == "none":
        return {}
    if family not in _ALON_YAHAV_MODELS:
        raise ValueError(f"preset={preset!r} is published for {', '.join(_ALON_YAHAV_MODELS)}, "
                         f"not for model {family!r}")
    return dict(_ALON_YAHAV_MODELS[family])


def protocol_defaults(protocol: str, family: str | None, radius: int | None) -> dict[str, Any]:
    """Train settings ``protocol`` implies for ``family`` at task radius ``radius`` ({} for
    protocols without their own defaults). For "alon-yahav" without a radius the settings
    that depend on it (batch_size, accum_steps, eval_every) are left out; at r >= 7 a
    family other than the four published ones (or None) gets gcn's batches."""
    if protocol != ALON_YAHAV:
        return {}
    settings: dict[str, Any] = {"lr": 1e-3, "epochs": 50_000, "patience": 20,
                                "lr_patience": 10, "lr_factor": 0.5, "threshold": 1e-4}
    if radius is None:
        return settings
    settings["eval_every"] = 1000 if radius <= 2 else 100
    if radius <= 3:
        batch = (64, 1)
    elif radius <= 6:
        batch = (1024, 1)
    else:
        large = _LARGE_BATCHES.get(family or "gcn", _LARGE_BATCHES["gcn"])
        batch = large[0] if radius == 7 else large[1]
    settings["batch_size"], settings["accum_steps"] = batch
    return settings
