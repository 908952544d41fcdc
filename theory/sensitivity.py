"""Jacobian sensitivity of a trained model's node states, against the propagation matrix
and Topping et al.'s Lipschitz bound.

For a target node t and layer L the sensitivity to node u is the Jacobian block
``J_u = d h_t^(L) / d h_u^(0)`` (width x width); we report its spectral norm (largest
singular value, the norm the bound is stated in) and its Frobenius norm, for every u.

Bound (Topping et al. 2022, "Understanding over-squashing and bottlenecks on graphs via
curvature", Lemma 1): for GCN layers ``h^(l+1) = sigma(A_hat h^(l) W_l + b_l)`` with
``sigma`` alpha-Lipschitz, ``||J_u||_2 <= prod_{l<L} (alpha ||W_l||_2) * (A_hat^L)_{t,u}``.
The lemma states it for u at distance L with scalar features; the induction of its proof
gives it for every u and for the operator norm of the blocks, since
``J^(l+1)_{vu} = D_v W_l^T sum_w A_hat[v, w] J^(l)_{wu}`` with ``||D_v||_2 <= alpha``.
``A_hat`` is GCN's normalisation with the graph's edge direction
(``theory.spectrum.normalised_adjacency``).

Torch is imported lazily: only the functions taking a model or a function need it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import stats

from depthlab.theory.spectrum import normalised_adjacency, power_rows

_SQRT2 = float(np.sqrt(2.0))
# Largest slope of each activation of models.block.ACTIVATIONS (GELU: x Phi(x) has slope
# Phi(x) + x phi(x), largest at x = sqrt 2).
ACTIVATION_LIPSCHITZ = {
    "relu": 1.0,
    "identity": 1.0,
    "tanh": 1.0,
    "elu": 1.0,
    "gelu": float(stats.norm.cdf(_SQRT2) + _SQRT2 * stats.norm.pdf(_SQRT2)),
}


def jacobian_blocks(fn: Callable, h0, target: int):
    """Jacobian of row ``target`` of ``fn(h0)`` with respect to all of ``h0``.

    ``fn`` maps a (N, d_in) tensor to a (N, d_out) tensor. Returns a (d_out, N, d_in) tensor
    ``J[i, u, j] = d fn(h0)[target, i] / d h0[u, j]``, computed with one forward pass and
    one backward pass per output coordinate (d_out passes per target, not per node pair;
    DGL's message-passing kernels are not vmap-able, which rules out ``torch.func``).
    Raises ``ValueError`` for a target outside ``[0, N)``.
    """
    import torch

    n = h0.shape[0]
    if not 0 <= target < n:
        raise ValueError(f"target={target} is invalid: expected a node id in [0, {n})")
    leaf = h0.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        row = fn(leaf)[target]
        grads = [torch.autograd.grad(row[i], leaf, retain_graph=i + 1 < len(row),
                                     allow_unused=True)[0]
                 for i in range(len(row))]
    return torch.stack([torch.zeros_like(leaf) if g is None else g for g in grads])


def block_norms(blocks) -> tuple[np.ndarray, np.ndarray]:
    """Spectral and Frobenius norms (each (N,), float64) of the per-node blocks
    ``blocks[:, u, :]`` of a (d_out, N, d_in) Jacobian."""
    import torch

    per_node = blocks.detach().permute(1, 0, 2).double()
    spectral = torch.linalg.matrix_norm(per_node, ord=2).numpy()
    frobenius = torch.linalg.matrix_norm(per_node, ord="fro").numpy()
    return spectral, frobenius


@dataclass
class Sensitivity:
    """Sensitivity of ``h_target^(layer)`` to every node's ``h^(0)``, all arrays (N,).

    ``spectral``/``frobenius``: norms of the Jacobian blocks; ``propagation``:
    ``(A_hat^layer)_{target, u}``; ``bound``: the Lipschitz bound (None unless the model is
    a plain GCN, see :func:`gcn_lipschitz_factor`); ``factor``: the bound's constant
    ``prod (alpha ||W_l||_2)``.
    """

    target: int
    layer: int
    spectral: np.ndarray
    frobenius: np.ndarray
    propagation: np.ndarray
    factor: float | None = None

    @property
    def bound(self) -> np.ndarray | None:
        return None if self.factor is None else self.factor * self.propagation

    @property
    def slack(self) -> np.ndarray | None:
        """``bound - spectral`` per node (>= 0 wherever the bound holds)."""
        return None if self.factor is None else self.bound - self.spectral

    def summary(self) -> dict:
        """JSON-able figures: total sensitivity inside and outside the support of
        ``A_hat^layer``, Spearman correlation of sensitivity with ``(A_hat^L)_{t,u}``,
        and for GCN the bound factor, whether the bound holds everywhere (relative
        tolerance 1e-6), the least slack and the largest ratio sensitivity / bound."""
        reached = self.propagation > 0
        out = {
            "target": self.target,
            "layer": self.layer,
            "sensitivity_total": float(self.spectral.sum()),
            "sensitivity_outside_support": float(self.spectral[~reached].sum()),
            "spearman_with_propagation": _spearman(self.spectral[reached], self.propagation[reached]),
        }
        if self.factor is not None:
            ratio = np.divide(self.spectral, self.bound, out=np.zeros_like(self.spectral),
                              where=reached)
            out.update(
                bound_factor=self.factor,
                bound_holds=bool(np.all(self.spectral <= self.bound * (1 + 1e-6) + 1e-12)),
                min_slack=float(self.slack.min()),
                max_ratio=float(ratio.max()),
            )
        return out


def _spearman(a: np.ndarray, b: np.ndarray) -> float | None:
    if len(a) < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return None
    return float(stats.spearmanr(a, b).statistic)


def gcn_lipschitz_factor(model, layers: int | None = None) -> float | None:
    """``prod_{l < layers} alpha * ||W_l||_2`` over the first ``layers`` (default all)
    layers of a ``models`` GCN (``family == "gcn"``): W_l the GraphConv weights, alpha the
    activation's Lipschitz constant (``ACTIVATION_LIPSCHITZ``).

    Returns None when the bound does not apply: another family, or a GCN with a residual,
    a normalisation, a fully-adjacent layer, or dropout while in training mode.
    """
    import torch

    options = getattr(model, "options", {})
    if (getattr(model, "family", None) != "gcn" or options.get("residual")
            or options.get("norm", "none") != "none" or options.get("fully_adjacent_last")
            or options.get("fully_adjacent_all")
            or (model.training and options.get("dropout", 0.0) > 0)):
        return None
    alpha = ACTIVATION_LIPSCHITZ[options.get("activation", "relu")]
    norms = [float(torch.linalg.matrix_norm(block.conv.conv.weight.detach().double(), ord=2))
             for block in list(model.blocks)[:layers]]
    return float(np.prod([alpha * s for s in norms]))


def model_sensitivity(model, batch, target: int, layer: int | None = None) -> Sensitivity:
    """:class:`Sensitivity` of a ``models.DepthModel`` on ``batch.graph`` (an
    ``ExampleBatch``): ``h^(0) = model.encode(graph)``, ``h^(layer)`` from
    ``model.propagate`` (``layer`` defaults to ``model.depth``), ``target`` a node id of
    the batched graph (e.g. ``int(batch.readout[0])`` for a node-level example).

    Pass the model in eval mode (dropout makes the Jacobian random; no bound is given for a
    training-mode model with dropout). ``A_hat`` is built from ``graph``'s edges and follows the model's ``self_loops``
    option (with ``fully_adjacent_last`` or ``fully_adjacent_all`` a layer's graph differs
    from it and no bound is given). Raises ``ValueError`` for a layer
    outside ``[0, depth]`` or a bad target.
    """
    graph = batch.graph
    layer = model.depth if layer is None else layer
    if not 0 <= layer <= model.depth:
        raise ValueError(f"layer={layer} is invalid: expected an int in [0, {model.depth}]")
    with graph.local_scope():
        if batch.level == "node":
            import torch

            mask = torch.zeros(graph.num_nodes(), dtype=torch.bool)
            mask[batch.readout] = True
            graph.ndata["target"] = mask
        h0 = model.encode(graph)
        blocks = jacobian_blocks(lambda h: model.propagate(graph, h)[layer], h0, target)
    src, dst = (e.numpy() for e in graph.edges())
    a_hat = normalised_adjacency(src, dst, graph.num_nodes(),
                                 self_loops=model.options.get("self_loops", False))
    spectral, frobenius = block_norms(blocks)
    factor = gcn_lipschitz_factor(model, layer)
    return Sensitivity(target, layer, spectral, frobenius, power_rows(a_hat, target, layer)[layer],
                       factor)
