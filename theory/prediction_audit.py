"""Outside predictions for a task's test split, judged against depth theory.

``audit_predictions(ds, y_pred, depth)`` takes test-split predictions in
``ds.get_idx_split()["test"]`` order from any model and reports:

- the task's metric (``tasks.evaluator.Evaluator``: ``acc``, or ``nmse`` for regression);
- the 1-WL ceiling of ``depth`` message-passing rounds on the test split (``theory.ceiling``:
  the best accuracy, or least MSE, of any function of the examples' ``depth``-round
  colours), refined from the node features, plus each node's out- and in-degree with
  ``sees_degrees`` (a model that weights messages by degrees, e.g. GCN, or takes degrees as
  input: ``theory.model_ceiling``'s rule); a layer that reaches h hops counts h rounds;
- per example radius r: n, the metric, chance (the group's majority-label share), the
  ceiling on that group, and whether ``r <= depth`` (the label is within reach);
- ``ceiling``: *consistent* when the score, overall and in every radius group, is no
  better than the ceiling (exact: the ceiling is computed on these very examples);
  otherwise *inconsistent*: the predictions cannot come from a ``depth``-layer
  message-passing network on these inputs, or the ceiling is wrong;
- ``radius`` (classification): for each group with ``r > depth`` the model cannot see the
  label's evidence, so unless it was fitted on these test labels its expected accuracy is
  at most chance (the ceiling itself, fitted on them, can exceed it); *inconsistent* when a
  Wilson interval (Bonferroni over those groups) lies wholly above chance, *consistent*
  when none does, *not tested* without such groups or for regression.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from depthlab.tasks.dataset import TaskDataset
from depthlab.tasks.evaluator import Evaluator, as_array, class_predictions, nmse, real_values
from depthlab.theory.arguments import require_int
from depthlab.theory.ceiling import best_accuracy, example_colours, least_mse
from depthlab.theory.model_ceiling import with_degrees
from depthlab.theory.statistics import bonferroni, wilson_interval

CONSISTENT, INCONSISTENT, NOT_TESTED = "consistent", "inconsistent", "not tested"
TOLERANCE = 1e-9


def check_test_predictions(ds: TaskDataset, y_pred: np.ndarray) -> np.ndarray:
    """``y_pred`` for ``ds``'s test split as (n_test,) class ids or float64 values; raises
    ``ValueError`` naming the shape, dtype or class range expected."""
    n = len(ds.split_indices("test"))
    if n == 0:
        raise ValueError(f"dataset {ds.name!r} has no test examples to score")
    if ds.is_regression:
        return real_values(y_pred, n, "predictions")
    return class_predictions(y_pred, n, int(ds.num_classes), "predictions")


def audit_predictions(ds: TaskDataset, y_pred, depth: int, sees_degrees: bool = False,
                      confidence: float = 0.95) -> dict[str, Any]:
    """The report described in the module docstring, as a JSON-able dict with keys
    dataset, depth, input, metric, n, score, ceiling, chance, by_radius (list of dicts),
    ceiling_check and radius_check ({"status", "reason"}). ``y_pred``: numpy array or
    torch tensor as :func:`check_test_predictions` takes. Raises ``ValueError`` for bad
    predictions or ``depth < 0``."""
    depth = require_int("depth", depth, 0)
    predicted = check_test_predictions(ds, as_array(y_pred, "predictions"))
    test = ds.split_indices("test")
    truth, radius = ds.y[test], ds.radius[test]
    colours = example_colours(with_degrees(ds) if sees_degrees else ds, depth)[test]
    metric = Evaluator(ds).metric
    groups = []
    for r in np.unique(radius).tolist():
        members = radius == r
        groups.append({"radius": int(r), "n": int(members.sum()), "reachable": r <= depth,
                       **_scores(ds, truth[members], predicted[members], colours[members])})
    overall = _scores(ds, truth, predicted, colours)
    report = {"dataset": ds.name, "depth": depth,
              "input": "node features" + (" and degrees" if sees_degrees else ""),
              "metric": metric, "n": len(test),
              "score": overall["score"], "ceiling": overall["ceiling"],
              "chance": overall["chance"], "by_radius": groups}
    report["ceiling_check"] = _ceiling_check(ds, overall, groups, depth)
    report["radius_check"] = _radius_check(ds, groups, depth, confidence)
    return report


def _scores(ds: TaskDataset, truth: np.ndarray, predicted: np.ndarray,
            colours: np.ndarray) -> dict[str, Any]:
    """score, ceiling and chance on one group; for regression the score is nMSE (None for
    a constant group) and the ceiling is the least MSE as an nMSE, plus the raw mse."""
    if not ds.is_regression:
        chance = np.bincount(truth, minlength=int(ds.num_classes)).max() / len(truth)
        return {"score": float(np.mean(predicted == truth)),
                "ceiling": best_accuracy(colours, truth), "chance": float(chance)}
    truth = truth.astype(np.float64)
    mse, least = float(np.mean((truth - predicted) ** 2)), least_mse(colours, truth)
    variance = float(np.var(truth))
    return {"score": nmse(truth, predicted) if variance > 0 else None,
            "ceiling": least / variance if variance > 0 else None, "chance": None,
            "mse": mse, "least_mse": least}


def _ceiling_check(ds: TaskDataset, overall: dict, groups: list[dict], depth: int) -> dict:
    def beats(scores: dict) -> bool:
        if ds.is_regression:
            return scores["mse"] < scores["least_mse"] - TOLERANCE
        return scores["score"] > scores["ceiling"] + TOLERANCE

    above = [g["radius"] for g in groups if beats(g)]
    if beats(overall) or above:
        where = "on the test split" if beats(overall) else f"on radius {above[0]} examples"
        return {"status": INCONSISTENT, "reason": (
            f"the score is better than the 1-WL ceiling of depth {depth} {where}: these "
            f"predictions cannot come from a {depth}-layer message-passing network on these "
            "inputs (it sees more than 1-WL: more layers, global attention, degree or "
            "positional features, or test labels), or the ceiling is wrong")}
    return {"status": CONSISTENT, "reason": (
        f"no better than the 1-WL ceiling of depth {depth}, overall and per radius")}


def _radius_check(ds: TaskDataset, groups: list[dict], depth: int, confidence: float) -> dict:
    if ds.is_regression:
        return {"status": NOT_TESTED, "reason": "the radius claim is about class labels"}
    beyond = [g for g in groups if not g["reachable"]]
    if not beyond:
        return {"status": NOT_TESTED, "reason": (
            f"every test example has radius <= {depth}: nothing is out of reach")}
    level = bonferroni(confidence, len(beyond))
    for g in beyond:
        lower, upper = wilson_interval(round(g["score"] * g["n"]), g["n"], level)
        g["interval"] = [round(float(lower), 4), round(float(upper), 4)]
    above = [g for g in beyond if g["interval"][0] > g["chance"]]
    if above:
        g = above[0]
        return {"status": INCONSISTENT, "reason": (
            f"radius {g['radius']} examples are beyond {depth} hops, yet accuracy "
            f"{g['score']:.3f} (interval {g['interval'][0]:.3f}-{g['interval'][1]:.3f}) is "
            f"above chance {g['chance']:.3f}: the model sees farther than {depth} hops, was "
            "fitted on these test labels, or the task's radius claim is wrong")}
    return {"status": CONSISTENT, "reason": (
        f"examples beyond {depth} hops (radius {', '.join(str(g['radius']) for g in beyond)}) "
        f"are not above chance at family-wise confidence {confidence}")}
