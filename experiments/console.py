"""Terminal output shared by the CLI commands: rich tables, JSON, and error lines.

Text is printed verbatim: no rich markup is interpreted in messages, titles or cells (a
path or task name with brackets prints as written), and error lines are never wrapped.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Iterable, Mapping

from rich.console import Console
from rich.table import Table
from rich.text import Text

# Output that is not a terminal (a log, a pipe) gets room for wide tables, unless COLUMNS says
# otherwise; rich would squeeze them to 80 columns.
LOG_WIDTH = 160
console = Console(markup=False, width=None if sys.stdout.isatty() or "COLUMNS" in os.environ
                  else LOG_WIDTH)
error_console = Console(stderr=True, markup=False)


def print_json(obj: Any) -> None:
    """Print ``obj`` as indented JSON on stdout (the stable ``--json`` contract)."""
    sys.stdout.write(json.dumps(obj, indent=2, default=_jsonable) + "\n")


def print_table(rows: Iterable[Mapping[str, Any]], title: str | None = None) -> None:
    """Print ``rows`` (dicts sharing keys) as a table; columns in first-row order."""
    rows = list(rows)
    table = Table(title=None if title is None else Text(title))
    columns = list(rows[0]) if rows else []
    for column in columns:
        table.add_column(Text(str(column)))
    for row in rows:
        table.add_row(*(Text(_cell(row.get(c))) for c in columns))
    console.print(table)


def print_mapping(mapping: Mapping[str, Any], title: str | None = None) -> None:
    """Print a flat mapping as a two-column (field, value) table."""
    print_table(({"field": k, "value": v} for k, v in mapping.items()), title)


def print_error(message: str) -> None:
    """``error: message`` on stderr, verbatim, on one line."""
    error_console.print(Text.assemble(("error:", "bold red"), " ", message), soft_wrap=True,
                        highlight=False)


def print_line(line: str) -> None:
    """``line`` on stderr, verbatim (progress notes, "wrote PATH")."""
    error_console.print(Text(line), soft_wrap=True, highlight=False)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=_jsonable)
    return "" if value is None else str(value)


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
