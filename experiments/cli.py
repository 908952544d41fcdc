"""The ``depthlab`` command line: one sub-command module per area, one entry point.

Each module in ``COMMAND_MODULES`` exposes ``add_commands(subparsers)``, which adds its
sub-commands and sets ``func(args) -> int`` on each. Expected failures (bad parameters,
missing files, budgets) print one ``error:`` line and exit 2, with no traceback.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from depthlab.experiments.console import print_error

COMMAND_MODULES = (
    "depthlab.experiments.cli_tasks",
    "depthlab.experiments.cli_runs",
    "depthlab.experiments.cli_theory",
    "depthlab.experiments.cli_check",
    "depthlab.experiments.cli_rewire",
    "depthlab.experiments.cli_evaluate",
    "depthlab.experiments.cli_reproduce",
)
# OSError covers the environment's refusals (a file in the way, no permission, a full
# disk); depthlab's own OSErrors name the path (tasks.atomic_files).
EXPECTED_ERRORS = (ValueError, OSError)
INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="depthlab",
        description="Generate graph tasks with a known required radius, train GNNs at "
        "varying depth on them, and check depth-limit hypotheses against theory.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI on ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except EXPECTED_ERRORS as error:
        print_error(str(error))
        return 2
    except KeyboardInterrupt:
        print_error("interrupted; nothing half-written was left behind")
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
