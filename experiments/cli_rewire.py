"""``depthlab rewire``: a saved dataset rewired by SDRF, FoSR or GTR, saved as a new dataset."""
from __future__ import annotations

import argparse
import time

import numpy as np

from depthlab.experiments.console import print_json, print_mapping
from depthlab.tasks import load_task
from depthlab.tasks.atomic_files import output_path
from depthlab.tasks.storage import is_dataset_directory
from depthlab.tasks.rewiring import METHOD_PARAMS, METHODS, rewire


def add_commands(subparsers) -> None:
    parser = subparsers.add_parser(
        "rewire", help="rewire a saved dataset (sdrf, fosr, gtr) into a new dataset",
        description="Load DATASET (a directory written by `depthlab generate --out`), rewire "
        "every graph with METHOD, recompute each example's required radius on the new edges, "
        "and save the result to --out in the same format. Prints edges added/removed, least "
        "curvature, target-source resistance and the radii before and after: a shorter radius "
        "means the task got easier, not that a model got better.",
        epilog="Methods: sdrf (Topping et al. 2022, Balanced Forman curvature), fosr (Karhadkar "
        "et al. 2023, first-order spectral gap), gtr (Black et al. 2023, total effective "
        "resistance). Rewiring applies to tree-neighbors-match, grid-chain and transfer.")
    parser.add_argument("dataset", help="directory holding meta.json and arrays.npz")
    parser.add_argument("--method", required=True, choices=METHODS, help="rewiring method")
    parser.add_argument("--out", required=True, help="directory to write the rewired dataset to")
    parser.add_argument("--force", action="store_true",
                        help="replace --out if it holds a previous dataset (written atomically)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    seen = {}
    for params in METHOD_PARAMS.values():
        for param in params:
            seen.setdefault(param.name, param)
    for param in seen.values():
        users = [m for m, ps in METHOD_PARAMS.items() if param in ps]
        parser.add_argument("--" + param.name.replace("_", "-"), dest=param.name,
                            default=argparse.SUPPRESS, metavar=param.kind.upper(),
                            help=f"{param.help} ({', '.join(users)}; {param.allowed()}; "
                                 f"default {param.default})")
    parser.set_defaults(func=_rewire)


def _rewire(args) -> int:
    out = output_path(args.out, "dataset", args.force, is_dataset_directory)
    options = {name: value for name, value in vars(args).items() if name in
               {p.name for ps in METHOD_PARAMS.values() for p in ps}}
    unused = sorted(set(options) - {p.name for p in METHOD_PARAMS[args.method]})
    if unused:
        raise ValueError(f"--{unused[0].replace('_', '-')} does not apply to --method {args.method}")
    start = time.perf_counter()
    dataset = load_task(args.dataset)
    rewired = rewire(dataset, args.method, **options)
    rewired.save(out, force=args.force)
    summary = {**rewired.info["transforms"][-1], "seconds": round(time.perf_counter() - start, 3),
               "radius_counts_before": _counts(rewired.extras["radius_before"]),
               "radius_counts_after": _counts(rewired.radius), "saved_to": str(out)}
    if args.json:
        print_json(summary)
    else:
        print_mapping(summary, title=f"{dataset.name} rewired by {args.method}")
    return 0


def _counts(radius: np.ndarray) -> dict[str, int]:
    values, counts = np.unique(radius, return_counts=True)
    return {str(v): int(c) for v, c in zip(values, counts)}
