"""``depthlab tasks``, ``generate`` and ``describe``: the task generators from the shell."""
from __future__ import annotations

import argparse
import time

from depthlab.experiments.console import print_json, print_mapping, print_table
from depthlab.tasks import list_tasks, load_task, make_task
from depthlab.tasks.params import Param
from depthlab.tasks.atomic_files import output_path
from depthlab.tasks.registry import DEFAULT_MEMORY_BUDGET, get_task_spec, memory_budget_bytes
from depthlab.tasks.storage import is_dataset_directory


def add_commands(subparsers) -> None:
    listing = subparsers.add_parser("tasks", help="list the tasks with their parameters",
                                    description="List every task, how its required radius follows from its "
                                    "parameters, and its parameters, defaults and allowed values.")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(func=_tasks)

    names = ", ".join(list_tasks())
    generate = subparsers.add_parser(
        "generate", help="generate a task dataset and print its summary",
        description="Generate task NAME from a seed, print its summary (examples, nodes, edges, "
        "classes, radius range, class balance, chance accuracy, seconds) and optionally save it.",
        epilog=f"tasks: {names}. Task parameters use dashes (--num-examples); "
        "`depthlab generate NAME --help` lists NAME's parameters.",
    )
    generate.add_argument("name", help="task name (see `depthlab tasks`)")
    generate.add_argument("task_args", nargs=argparse.REMAINDER,
                          help="--seed S, --out DIR, --json, --memory-budget GIB and the task's parameters")
    generate.set_defaults(func=_generate)

    describe = subparsers.add_parser("describe", help="summarise a saved dataset",
                                     description="Load a dataset saved by `generate --out` (checking its "
                                     "sha256) and print its summary.")
    describe.add_argument("directory", help="directory holding meta.json and arrays.npz")
    describe.add_argument("--json", action="store_true", help="print JSON instead of a table")
    describe.set_defaults(func=_describe)


def task_parser(name: str) -> argparse.ArgumentParser:
    """The argument parser of ``depthlab generate NAME``: common options + NAME's params."""
    spec = get_task_spec(name)
    parser = argparse.ArgumentParser(prog=f"depthlab generate {name}", description=spec.summary)
    parser.add_argument("--seed", type=int, default=0, help="random seed (int >= 0, default 0)")
    parser.add_argument("--out", help="save the dataset to this directory (meta.json + arrays.npz), "
                        "atomically; an existing dataset there is refused unless --force")
    parser.add_argument("--force", action="store_true", help="replace an existing dataset at --out")
    parser.add_argument("--memory-budget", default=DEFAULT_MEMORY_BUDGET / 2**30,
                        metavar="GIB", help="refuse to generate above this estimate (default 4 GiB)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    for param in spec.params:
        flag = "--" + param.name.replace("_", "-")
        help_text = f"{param.help} ({param.allowed()}; default {param.default})"
        if param.kind == "bool":
            parser.add_argument(flag, dest=param.name, action=argparse.BooleanOptionalAction,
                                default=argparse.SUPPRESS, help=help_text)
        else:
            parser.add_argument(flag, dest=param.name, default=argparse.SUPPRESS, help=help_text,
                                metavar=param.kind.upper())
    return parser


def _tasks(args) -> int:
    rows = [
        {"task": name if i == 0 else "", "radius": spec.radius if i == 0 else "",
         "parameter": p.name.replace("_", "-"), "default": p.default,
         "allowed": p.allowed(), "help": p.help}
        for name, spec in list_tasks().items() for i, p in enumerate(spec.params)
    ]
    if args.json:
        print_json({name: {"summary": spec.summary, "radius": spec.radius,
                           "params": [_param_json(p) for p in spec.params]}
                    for name, spec in list_tasks().items()})
    else:
        print_table(rows, title="depthlab tasks")
    return 0


def _param_json(param: Param) -> dict:
    return {"name": param.name, "kind": param.kind, "default": param.default, "allowed": param.allowed(),
            "low": param.low, "high": param.high, "choices": param.choices, "help": param.help}


def _generate(args) -> int:
    options = vars(task_parser(args.name).parse_args(args.task_args))
    seed, out, as_json = options.pop("seed"), options.pop("out"), options.pop("json")
    force = options.pop("force")
    budget = memory_budget_bytes(options.pop("memory_budget"))
    if out is not None:
        output_path(out, "--out dataset", force, replaceable=is_dataset_directory)
    start = time.perf_counter()
    dataset = make_task(args.name, seed=seed, memory_budget=budget, **options)
    summary = dataset.summary()
    summary["seconds"] = round(time.perf_counter() - start, 3)
    if out is not None:
        dataset.save(out, force=force)
        summary["saved_to"] = out
    _show(summary, as_json, title=f"{args.name} (seed {seed})")
    return 0


def _describe(args) -> int:
    _show(load_task(args.directory).summary(), args.json, title=str(args.directory))
    return 0


def _show(summary: dict, as_json: bool, title: str) -> None:
    if as_json:
        print_json(summary)
    else:
        print_mapping(summary, title=title)
