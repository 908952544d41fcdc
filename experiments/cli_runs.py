"""``depthlab sweep | runs | report | train | demo``: sweeps, the result store, reports."""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from depthlab.experiments.console import console, print_json, print_line, print_mapping, print_table
from depthlab.experiments.spec import shipped_specs
from depthlab.tasks.atomic_files import write_text_atomic

DEFAULT_DB = "depthlab.db"


def add_commands(subparsers) -> None:
    sweep = subparsers.add_parser(
        "sweep", help="run a sweep spec into a result database (resumable)",
        description="Expand SPEC (a TOML file, or a shipped spec name such as 'quick') into "
        "runs and run those not yet finished in --db, storing each as it completes.")
    sweep.add_argument("spec", help="spec file or shipped spec name: "
                       + ", ".join(sorted(shipped_specs())))
    _db_option(sweep)
    _executor_options(sweep)
    sweep.add_argument("--retry-failed", action="store_true", help="rerun runs that failed before")
    sweep.add_argument("--yes", action="store_true",
                       help="run a spec of more than 10,000 runs (otherwise refused with the "
                            "count and the time estimate)")
    sweep.add_argument("--memory-budget", default=16, metavar="GIB",
                       help="refuse a run whose estimated memory (parameters, optimiser state, "
                            "activations of a batch) exceeds this, per run (default 16 GiB)")
    sweep.add_argument("--json", action="store_true", help="print the summary as JSON")
    sweep.set_defaults(func=_sweep)

    runs = subparsers.add_parser(
        "runs", help="list or export the runs stored in a result database",
        description="Without --format: a compact table of the runs. With --format csv, json or "
        "parquet: every run as one row with every config field flattened (task.params.radius, "
        "model.depth, train.epochs, ...) and every record field (metrics, versions, ...); "
        "with --curves: one row per point of every per-epoch curve the records hold.")
    _db_option(runs)
    runs.add_argument("--status", choices=("finished", "failed"), help="only runs of this status")
    runs.add_argument("--json", action="store_true", help="print the compact table as JSON records")
    runs.add_argument("--format", choices=("csv", "json", "parquet"),
                      help="export every field (parquet needs pyarrow: depthlab[parquet])")
    runs.add_argument("--curves", action="store_true",
                      help="export the curves, one row per point (default format csv)")
    runs.add_argument("--output", type=Path,
                      help="write the export to this file (required for parquet)")
    runs.set_defaults(func=_runs)

    report = subparsers.add_parser(
        "report", help="aggregate stored runs over seeds: tables and plots",
        description="Mean, std and n of --y over seeds, per config, grouped by --by and --x "
        "(and any other config field that varies). Optional plots: --plot (curves of --y "
        "against --x) and --heatmap (depth x radius); the suffix picks PNG or SVG.")
    _db_option(report)
    report.add_argument("--x", default="radius",
                        help="x axis column (default radius; example_radius: each run's test "
                             "examples grouped by their own radius)")
    report.add_argument("--y", default="test_acc",
                        help="metric column(s), comma-separated (default test_acc)")
    report.add_argument("--by", default="model",
                        help="comma-separated columns, one curve per value (default model)")
    report.add_argument("--format", choices=("md", "csv", "json"), default="md")
    report.add_argument("--json", action="store_true", help="same as --format json")
    report.add_argument("--output", type=Path, help="write the table here instead of stdout")
    report.add_argument("--plot", type=Path, help="write the curves figure (.png or .svg)")
    report.add_argument("--heatmap", type=Path, help="write the depth x radius heatmap (.png or .svg)")
    report.add_argument("--log-x", action="store_true",
                        help="logarithmic x axis in --plot (learning curves: --x n_train --by depth)")
    report.set_defaults(func=_report)

    train = subparsers.add_parser(
        "train", help="train one config and print its record",
        description="Train one model on one task in this process. Task parameters, model "
        "options and training settings are KEY=VALUE (values read as JSON, else strings).")
    train.add_argument("--task", required=True, help="task name (see `depthlab tasks`)")
    train.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                       help="task parameter, repeatable (e.g. radius=3)")
    train.add_argument("--model", required=True, help="model family (gcn, gin, gat, ggnn, ...)")
    train.add_argument("--depth", default="r+1", help="layers: an int or 'r', 'r+1', ... (default r+1)")
    train.add_argument("--width", type=int, default=32, help="hidden width (default 32)")
    train.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                       help="model option, repeatable (e.g. residual=true)")
    train.add_argument("--train", action="append", default=[], metavar="KEY=VALUE",
                       help="training setting, repeatable (e.g. epochs=50)")
    train.add_argument("--seed", type=int, default=0, help="training seed (default 0)")
    train.add_argument("--data-seed", type=int, default=0, help="task generation seed (default 0)")
    train.add_argument("--db", type=Path, help="also store the run in this result database")
    _device_option(train, "cpu")
    train.add_argument("--json", action="store_true", help="print the row as JSON")
    train.set_defaults(func=_train)

    demo = subparsers.add_parser(
        "demo", help="run the quick accuracy-vs-radius sweep and write a report and plots",
        description="Run the quick spec into OUT/demo.db and write OUT/report.md, "
        "OUT/report.csv, OUT/accuracy_vs_radius.png and OUT/depth_radius_heatmap.png; "
        "where the spec runs tree-neighbors-match with the Alon & Yahav preset and "
        "protocol, also those runs beside the published figure (in the report and "
        "OUT/against_published.png).")
    demo.add_argument("--out", type=Path, default=Path("out"), help="output directory (default out)")
    demo.add_argument("--spec", default="quick",
                      help="spec file or shipped name (default quick; 'full' follows the published protocol)")
    _executor_options(demo)
    demo.set_defaults(func=_demo)


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=Path(DEFAULT_DB),
                        help=f"result database (default {DEFAULT_DB})")


def _executor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, help="parallel runs (default: one per core)")
    parser.add_argument("--executor", choices=("local", "ray"), default="local",
                        help="local process pool (default) or Ray")
    parser.add_argument("--address", help="join this Ray cluster (default: start a local one)")
    parser.add_argument("--threads", type=int,
                        help="torch/DGL threads per run (default 1: bit-identical results; "
                        "more speed up a few long runs on idle cores only, results equal "
                        "within float tolerance; a run resumed from its checkpoint may "
                        "change it)")
    _device_option(parser, None)


def _device_option(parser: argparse.ArgumentParser, default: str | None) -> None:
    fallback = "the spec's device, else cpu" if default is None else default
    parser.add_argument("--device", metavar="cpu|cuda|auto", default=default,
                        help=f"where runs compute: cpu, cuda, or auto = cuda when torch and "
                        f"DGL can use it (default {fallback})")


def _echo(line: str) -> None:
    print_line(line)


def _sweep(args: argparse.Namespace) -> int:
    from depthlab.experiments.api import sweep
    from depthlab.tasks.registry import memory_budget_bytes

    start = time.perf_counter()
    frame = sweep(args.spec, args.db, workers=args.workers, executor=args.executor,
                  address=args.address, retry_failed=args.retry_failed, yes=args.yes,
                  memory_budget=memory_budget_bytes(args.memory_budget),
                  progress=True, echo=None if args.json else _echo,
                  device=args.device, threads=args.threads)
    counts = frame["status"].value_counts()
    summary = {"spec": str(args.spec), "db": str(args.db), "runs": len(frame),
               "finished": int(counts.get("finished", 0)), "failed": int(counts.get("failed", 0)),
               "seconds": round(time.perf_counter() - start, 1)}
    if args.json:
        print_json(summary)
    else:
        print_mapping(summary, title="sweep")
        if summary["failed"]:
            console.print(f"see the failures with: depthlab runs --db {args.db} --status failed")
    return 0


def _runs(args: argparse.Namespace) -> int:
    from depthlab.experiments.api import export_runs, runs

    if args.format or args.curves or args.output:
        text = export_runs(args.db, args.output, args.format or "csv", curves=args.curves,
                           status=args.status)
        if text is None:
            _echo(f"wrote {args.output}")
        else:
            print(text, end="")
        return 0
    frame = runs(args.db, status=args.status)
    if args.json:
        print_json(frame.to_dict(orient="records"))
    else:
        print_table([_run_line(r) for r in frame.to_dict(orient="records")],
                    title=f"{len(frame)} runs in {args.db}")
    return 0


KEY_CHARS = 8   # enough to tell runs apart in a table; --json has the full key


def _run_line(run: dict) -> dict:
    """One row of the `runs` table: accuracies, or normalised MSEs for regression (1.0 =
    predicting the mean), beside the model's test ceiling; then how training ended."""
    metric = "nmse" if run["test_acc"] is None and run["test_mse"] is not None else "acc"
    line = {k: run[k] for k in ("key", "status", "task", "model", "depth", "seed")}
    line["key"] = run["key"][:KEY_CHARS]
    line["metric"] = metric
    line.update({split: run[f"{split}_{metric}"] for split in ("train", "val", "test")})
    line["ceiling"] = run["test_ceiling_nmse" if metric == "nmse" else "test_ceiling"]
    line.update(epochs=run["epochs"], stopped=run["stop_reason"], seconds=run["wall_seconds"],
                error=run["error"])
    return line


def _report(args: argparse.Namespace) -> int:
    from depthlab.experiments.plots import plot_curves, plot_heatmap
    from depthlab.experiments.results import aggregate, render, report_frame, results_frame

    by, ys = _columns(args.by), _columns(args.y)
    frame = results_frame(args.db)
    if frame.empty:
        raise ValueError(f"{args.db} has no finished runs to report")
    frame = report_frame(frame, args.x, by)
    if not ys:
        raise ValueError("--y is empty: give a metric column such as test_acc")
    table = aggregate(frame, x=args.x, y=ys, by=by)
    text = render(table, "json" if args.json else args.format)
    if args.output is not None:
        write_text_atomic(args.output, text)
        _echo(f"wrote {args.output}")
    else:
        print(text, end="" if text.endswith("\n") else "\n")
    if args.plot is not None:
        _echo(f"wrote {plot_curves(frame, args.plot, x=args.x, y=ys, by=by, log_x=args.log_x)}")
    if args.heatmap is not None:
        _echo(f"wrote {plot_heatmap(frame, args.heatmap, y=ys, by=by)}")
    return 0


def _train(args: argparse.Namespace) -> int:
    from depthlab.experiments.api import train_one

    depth = int(args.depth) if args.depth.lstrip("-").isdigit() else args.depth
    frame = train_one(args.task, args.model, depth, args.width,
                      task_params=_pairs(args.param, "--param"),
                      options=_pairs(args.option, "--option"),
                      train=_pairs(args.train, "--train"), seed=args.seed,
                      data_seed=args.data_seed, db=args.db, device=args.device)
    row = {k: v for k, v in frame.iloc[0].to_dict().items() if v is not None and v == v}
    if args.json:
        print_json(row)
    else:
        print_mapping(row, title="run")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from depthlab.experiments.api import demo

    start = time.perf_counter()
    paths = demo(args.out, spec=args.spec, workers=args.workers, executor=args.executor,
                 progress=True, echo=_echo, device=args.device, threads=args.threads)
    console.print(f"demo finished in {time.perf_counter() - start:.0f} s; outputs:")
    for name, path in paths.items():
        console.print(f"  {name:<11} {path}")
    return 0


def _columns(text: str) -> list[str]:
    return [column.strip() for column in text.split(",") if column.strip()]


def _pairs(items: list[str], flag: str) -> dict[str, object]:
    """``KEY=VALUE`` strings as a dict, values parsed as JSON where they parse."""
    pairs: dict[str, object] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"{flag} {item!r} is invalid: expected KEY=VALUE")
        try:
            pairs[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            pairs[key.strip()] = value
    return pairs
