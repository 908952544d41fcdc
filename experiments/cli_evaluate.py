"""``depthlab evaluate``: score outside test-split predictions against the metric and theory.

``--json`` prints ``theory.prediction_audit.audit_predictions``' dict (stable contract).
"""
from __future__ import annotations

import argparse

from depthlab.experiments.console import print_json, print_mapping, print_table


def add_commands(subparsers) -> None:
    evaluate = subparsers.add_parser(
        "evaluate", help="score a model's test predictions: metric, 1-WL ceiling, radius verdicts",
        description="Score predictions for DATASET's test split (from any model, in the order "
        "of ds.get_idx_split()['test']) with the task's metric, and judge them against the "
        "1-WL ceiling of --depth rounds and the task's radius claim, per example radius. "
        "P.npy holds (n_test,) int class ids, (n_test, C) float scores, or (n_test,) floats "
        "for regression; it is read without unpickling.")
    evaluate.add_argument("dataset", metavar="DATASET",
                          help="dataset directory (saved by `depthlab generate --out`)")
    evaluate.add_argument("--predictions", required=True, metavar="P.npy",
                          help="NumPy .npy file of test-split predictions")
    evaluate.add_argument("--depth", type=int, required=True,
                          help="message-passing rounds L of the model: its layers times the "
                          "hops each layer reaches (>= 0)")
    evaluate.add_argument("--sees-degrees", action="store_true",
                          help="the model weights messages by node degrees (GCN-style) or "
                          "takes degrees as input: its ceiling starts from features + degrees")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.set_defaults(func=_evaluate)


def _evaluate(args: argparse.Namespace) -> int:
    from depthlab.experiments.api import evaluate

    report = evaluate(args.dataset, args.predictions, args.depth, args.sees_degrees)
    if args.json:
        print_json(report)
        return 0
    print_mapping({k: report[k] for k in ("dataset", "depth", "input", "metric", "n", "score",
                                          "ceiling", "chance")}, title="predictions")
    rows = [{k: v for k, v in g.items() if k not in ("mse", "least_mse")}
            for g in report["by_radius"]]
    print_table(rows, title="by example radius")
    for name in ("ceiling_check", "radius_check"):
        check = report[name]
        print(f"{name.replace('_check', '')}: {check['status']} — {check['reason']}")
    return 0
