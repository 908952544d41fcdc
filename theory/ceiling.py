"""The message-passing ceiling: the best score any L-layer message-passing network can reach.

An L-layer message-passing network (messages along ``src -> dst``) computes at a node a
function of that node's 1-WL colour after L rounds (Xu et al. 2019; Morris et al. 2019);
a graph-level readout is at most a function of the graph's multiset of such colours. So
every prediction it makes is a function of the example's colour, and on a set S of examples

    accuracy <= (1/|S|) * sum over colours c of max_y #{i in S : colour(i) = c, y_i = y}
    MSE      >= (1/|S|) * sum over i in S of (y_i - mean{y_j : j in S, colour(j) = colour(i)})^2

with equality for the best function of the colour (majority label, or mean target, per
colour class). The split is used on its own: the ceiling on split S is computed from S's
examples alone, i.e. it is what a network could reach on S if it fitted S perfectly up to
what its colours can separate (an upper bound on its test score, not an estimate of it).
"""
from __future__ import annotations

import numpy as np

from depthlab.theory.arguments import require_int
from depthlab.theory.wl import refine_until_stable, wl_colours, wl_graph_colours


def example_colours(ds, depth: int) -> np.ndarray:
    """(M,) colour of each example of TaskDataset ``ds`` after ``depth`` rounds.

    Node-level: the target node's colour. Graph-level: the id of the graph's multiset of
    node colours. Ids are comparable across the examples of ``ds``.
    """
    depth = require_int("depth", depth, 0)
    if ds.level == "node":
        return wl_colours(ds, depth, nodes=ds.target)
    return wl_graph_colours(ds.node_ptr, wl_colours(ds, depth))[ds.graph_id]


def mp_ceiling(ds, depth: int) -> dict[str, float]:
    """Best accuracy (classification) or least MSE (regression) of any ``depth``-layer
    message-passing network on each split of ``ds`` with at least one example.

    Returns ``{split name: value}`` in the order train, val, test. Raises ``ValueError``
    for ``depth < 0``.
    """
    return mp_ceiling_until_stable(ds, depth)[0]


def mp_ceiling_until_stable(ds, depth: int) -> tuple[dict[str, float], int]:
    """``(mp_ceiling(ds, depth), rounds)``, refining only until the colouring is stable.

    ``rounds <= depth`` is the number of refinement rounds done: when it is below
    ``depth``, the partition was stable after ``rounds`` rounds, so deeper networks
    separate nothing more and the ceiling is that of ``rounds`` layers. Costs at most
    ``rounds + 1`` rounds of refinement over every node, whatever ``depth``.
    """
    colours, rounds = refine_until_stable(ds, require_int("depth", depth, 0))
    if ds.level == "node":
        colours = colours[ds.target]
    else:
        colours = wl_graph_colours(ds.node_ptr, colours)[ds.graph_id]
    splits = {split: ds.split_indices(split) for split in ("train", "val", "test")}
    return {split: best_score(ds, colours, idx) for split, idx in splits.items() if len(idx)}, rounds


def best_score(ds, colours: np.ndarray, examples: np.ndarray) -> float:
    """Best accuracy (least MSE) of a function of ``colours`` (M,) on the non-empty index
    array ``examples`` of ``ds``."""
    if ds.is_regression:
        return least_mse(colours[examples], ds.y[examples].astype(np.float64))
    return best_accuracy(colours[examples], ds.y[examples])


def best_accuracy(groups: np.ndarray, labels: np.ndarray) -> float:
    """Accuracy of predicting, in each group, its most frequent label (non-empty input)."""
    pairs, counts = np.unique(np.column_stack([groups, labels]), axis=0, return_counts=True)
    starts = np.flatnonzero(np.concatenate([[True], pairs[1:, 0] != pairs[:-1, 0]]))
    return float(np.maximum.reduceat(counts, starts).sum() / len(labels))


def least_mse(groups: np.ndarray, targets: np.ndarray) -> float:
    """Mean squared error of predicting, in each group, its mean target (non-empty input)."""
    _, inverse = np.unique(groups, return_inverse=True)
    means = np.bincount(inverse, weights=targets) / np.bincount(inverse)
    return float(np.mean((targets - means[inverse]) ** 2))
