"""Terminal output shared by the CLI commands: rich tables, JSON, and error lines."""
from __future__ import annotations

import json
import sys
from typing import Any, Iterable, Mapping

from rich.console import Console
from rich.table import Table

console = Console()
error_console = Console(stderr=True)


def print_json(obj: Any) -> None:
    """Print ``obj`` as indented JSON on stdout (the stable ``--json`` contract)."""
    sys.stdout.write(json.dumps(obj, indent=2, default=_jsonable) + "\n")


def print_table(rows: Iterable[Mapping[str, Any]], title: str | None = None) -> None:
    """Print ``rows`` (dicts sharing keys) as a table; columns in first-row order."""
    rows = list(rows)
    table = Table(title=title)
    columns = list(rows[0]) if rows else []
    for column in columns:
        table.add_column(str(column))
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    console.print(table)


def print_mapping(mapping: Mapping[str, Any], title: str | None = None) -> None:
    """Print a flat mapping as a two-column (field, value) table."""
    print_table(({"field": k, "value": v} for k, v in mapping.items()), title)


def print_error(message: str) -> None:
    error_console.print(f"[bold red]error:[/] {message}", highlight=False)


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
