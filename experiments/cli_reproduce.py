"""``depthlab reproduce | curves``: published results beside measured ones, training curves."""
from __future__ import annotations

import argparse
from pathlib import Path

from depthlab.experiments.cli_runs import DEFAULT_DB, _echo, _executor_options
from depthlab.experiments.console import console, print_json, print_table


SHORT_NAMES = {"radius": "r", "train_acc_block": "train", "published_train_acc": "paper",
               "train_acc": "train_eval", "test_acc": "test", "stop_reasons": "stopped",
               "wall_seconds": "wall_s", "published_trees": "paper_trees"}


def add_commands(subparsers) -> None:
    from depthlab.experiments.reproductions import FAMILIES, REPRODUCTIONS

    reproduce = subparsers.add_parser(
        "reproduce", help="rerun a published experiment and compare with the published figures",
        description="Run the published setup of NAME (model preset and training protocol "
        "of that name) through a normal sweep into --db (resumable; `runs`, `report`, "
        "`check` and `curves` read it), print an estimate first, then measured beside "
        "published accuracy per (family, r) with the source, and plot both curves. "
        "alon-yahav: Tree-NeighborsMatch, Alon & Yahav (ICLR 2021) Fig. 3; the paper "
        "publishes train accuracy only. r >= 4 takes hours to days on 2 cores "
        "(REPRODUCTIONS.md).")
    reproduce.add_argument("name", choices=REPRODUCTIONS, help="the reproduction")
    reproduce.add_argument("--radii", default="2,3", help="comma-separated r in 2..8 (default 2,3)")
    reproduce.add_argument("--families", default=",".join(FAMILIES),
                           help=f"comma-separated (default {','.join(FAMILIES)})")
    reproduce.add_argument("--seeds", default="0,1", help="training seeds (default 0,1)")
    reproduce.add_argument("--db", type=Path, default=Path(DEFAULT_DB),
                           help=f"result database (default {DEFAULT_DB})")
    _executor_options(reproduce)
    reproduce.add_argument("--plot", type=Path, default=Path("reproduction.png"),
                           help="figure of measured vs published (default reproduction.png)")
    reproduce.add_argument("--json", action="store_true", help="print the comparison as JSON")
    reproduce.set_defaults(func=_reproduce)

    curves = subparsers.add_parser(
        "curves", help="per-epoch (per-block) training curves of stored runs",
        description="One point per epoch, or per evaluation block under the alon-yahav "
        "protocol: passes so far, loss, lr, train and val/test accuracy (or MSE). Filters "
        "take comma-separated values.")
    curves.add_argument("--db", type=Path, default=Path(DEFAULT_DB),
                        help=f"result database (default {DEFAULT_DB})")
    for name in ("key", "task", "model", "depth", "radius", "seed"):
        curves.add_argument(f"--{name}", help=f"only runs with this {name} (comma-separated)")
    curves.add_argument("--unfinished", action="store_true",
                        help="also runs in progress or interrupted: their points so far, "
                        "from their training checkpoints (DB.checkpoints)")
    curves.add_argument("--plot", type=Path, help="write the curves figure (.png or .svg)")
    curves.add_argument("--json", action="store_true",
                        help="print JSON: per run its fields and a list of points")
    curves.set_defaults(func=_curves)


def _reproduce(args: argparse.Namespace) -> int:
    from depthlab.experiments.reproductions import comparison_records, reproduce

    table = reproduce(args.name, _ints(args.radii, "--radii"), _names(args.families),
                      _ints(args.seeds, "--seeds"), args.db, workers=args.workers,
                      executor=args.executor, address=args.address, progress=True,
                      echo=_echo, plot=args.plot, device=args.device, threads=args.threads)
    _echo(f"wrote {args.plot}")
    if args.json:
        print_json(comparison_records(table))
        return 0
    shown = table.drop(columns=["source"]).rename(columns=SHORT_NAMES)
    print_table(shown.to_dict(orient="records"), title="measured vs published (means over runs)")
    if len(table):
        console.print(f"published: {table['source'].iloc[0]}", highlight=False)
    return 0


def _curves(args: argparse.Namespace) -> int:
    from depthlab.experiments.training_curves import curves as run_curves
    from depthlab.experiments.plots import plot_training_curves

    filters = {name: _values(getattr(args, name), name)
               for name in ("key", "task", "model", "depth", "radius", "seed")
               if getattr(args, name) is not None}
    runs = run_curves(args.db, unfinished=args.unfinished, **filters)
    if not runs:
        which = "runs" if args.unfinished else "finished runs"
        raise ValueError(f"{args.db} has no {which} matching {filters or 'any filter'}")
    if args.plot is not None:
        _echo(f"wrote {plot_training_curves(runs, args.plot)}")
    if args.json:
        print_json(runs)
        return 0
    rows = []
    for run in runs:
        last = run["points"][-1] if run["points"] else {}
        rows.append({k: run[k] for k in ("key", "model", "radius", "depth", "seed",
                                         "stop_reason")}
                    | {"points": len(run["points"]), "passes": last.get("epoch"),
                       "train": last.get("train_acc", last.get("train_mse")),
                       "test": last.get("test_acc", last.get("test_mse")),
                       "lr": last.get("lr")})
    print_table(rows, title=f"{len(runs)} runs' curves (--json for every point)")
    return 0


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _ints(text: str, flag: str) -> list[int]:
    try:
        return [int(part) for part in _names(text)]
    except ValueError:
        raise ValueError(f"{flag} {text!r} is invalid: expected comma-separated ints") from None


def _values(text: str, name: str) -> list:
    """Filter values: ints for depth, radius and seed, strings otherwise."""
    return _ints(text, f"--{name}") if name in ("depth", "radius", "seed") else _names(text)
