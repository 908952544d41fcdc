"""``depthlab check``: verdicts of hypotheses on the runs stored in a result database."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from depthlab.experiments.cli_runs import DEFAULT_DB
from depthlab.experiments.console import console, print_json, print_mapping, print_table
from depthlab.theory.builtin_hypotheses import builtin_names

BUILTIN_NAMES = ", ".join(builtin_names())
TABLE_HIDDEN = ("limit",)  # theory +/- tolerance: in --json; the table shows both parts


def add_commands(subparsers) -> None:
    check = subparsers.add_parser(
        "check", help="check hypotheses against stored results",
        description="Judge each hypothesis on the finished runs of --db: supported, refuted or "
        "inconclusive, with the evidence rows, the theory value and the statistics used. A "
        "refuted hypothesis is a finding, not an error: the exit code is 0 unless the input "
        "is bad (2).",
        epilog=f"built-in hypotheses: {BUILTIN_NAMES}. The TOML schema of your own is in "
        "theory/hypothesis_spec.py (python -c 'import depthlab.theory.hypothesis_spec as h; help(h)').")
    check.add_argument("hypothesis", metavar="HYPOTHESIS_OR_FILE",
                       help=f"a built-in name ({BUILTIN_NAMES}), 'all', or a TOML file")
    check.add_argument("--db", type=Path, default=Path(DEFAULT_DB),
                       help=f"result database (default {DEFAULT_DB})")
    check.add_argument("--max-rows", type=int, default=20, metavar="N",
                       help="evidence rows printed per hypothesis (default 20; --json prints all)")
    check.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    check.set_defaults(func=_check)


def _check(args: argparse.Namespace) -> int:
    from depthlab.experiments.api import check
    from depthlab.experiments.results import results_frame
    from depthlab.theory.hypotheses import resolve_hypotheses

    if args.max_rows < 0:
        raise ValueError(f"--max-rows {args.max_rows} is invalid: expected an int >= 0")
    hypotheses = resolve_hypotheses(args.hypothesis)
    frame = results_frame(args.db)
    verdicts = check(hypotheses, frame)
    if args.json:
        print_json([v.to_dict() for v in verdicts])
        return 0
    for verdict in verdicts:
        _print_verdict(verdict.to_dict(), args.max_rows)
    print_table(({"hypothesis": v.name, "status": v.status, "reason": v.reason} for v in verdicts),
                title=f"verdicts on {len(frame)} runs in {args.db}")
    return 0


def _print_verdict(verdict: dict[str, Any], max_rows: int) -> None:
    title = f"{verdict['name']}: {verdict['status'].upper()}"
    fields = {"claim": verdict["claim"], "statement": verdict["statement"],
              "reason": verdict["reason"], "matched rows": verdict["matched"],
              **{f"theory {k}": v for k, v in verdict["theory"].items()},
              **{k: v for k, v in verdict["statistics"].items() if k != "by_config"}}
    print_mapping({k: v for k, v in fields.items() if v not in ("", None)}, title=title)
    _print_rows(verdict["evidence"], max_rows, f"{verdict['name']}: evidence")
    _print_rows(verdict["statistics"].get("by_config", []), max_rows,
                f"{verdict['name']}: spread over seeds per config")
    for part in verdict["parts"]:
        _print_verdict(part, max_rows)


def _print_rows(rows: list[dict[str, Any]], max_rows: int, title: str) -> None:
    """The first ``max_rows`` of ``rows`` as a table, violations first. Columns equal in
    every row (all of them, not only those shown) are printed once above the table, a
    single row as a field/value table, and ``TABLE_HIDDEN`` columns not at all, so that
    the table fits a terminal."""
    if not rows or max_rows == 0:
        return
    if len(rows) == 1:
        print_mapping(rows[0], title=title)
        return
    common = [k for k in rows[0] if all(r.get(k) == rows[0][k] for r in rows)]
    if common:
        console.print("in every row: " + ", ".join(f"{k}={_short(rows[0][k])}" for k in common),
                      highlight=False, markup=False)
    ranked = sorted(rows, key=lambda r: r.get("status") != "violates")
    hidden = set(common) | set(TABLE_HIDDEN)
    print_table(({k: v for k, v in r.items() if k not in hidden} for r in ranked[:max_rows]),
                title=title)
    if len(rows) > max_rows:
        console.print(f"... {len(rows) - max_rows} more rows (use --max-rows or --json)")


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
