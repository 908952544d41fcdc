"""Stored runs in standard forms: one row per run, or one row per curve point.

:func:`run_table`: every stored run with ``key``, ``status``, ``attempts``, ``created_at``,
``updated_at`` (Unix seconds) and ``error``, then every field of its config flattened by
dotted path (``task.name``, ``task.params.radius``, ``model.depth``, ``train.epochs``,
``seed``, ...), then every field of its record the same way (``test_acc``,
``model_config.residual``, ``versions.torch``, ...; other lists as JSON text). A record
field whose name a config column already holds with another value is kept as
``record.<name>``. A record field named ``curve`` or ``*_curve`` holding a list of dicts is
a curve, left out of the run table: :func:`curve_table` gives one row per point of each
(``curve`` names the field), with the run's key and config columns and whatever keys the
points hold, so new curves and point fields export without changes here.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from depthlab.experiments.store import FAILED, FINISHED, Store
from depthlab.tasks.atomic_files import atomic_file

FORMATS = ("csv", "json", "parquet")
RUN_COLUMNS = ("key", "status", "attempts", "created_at", "updated_at", "error")


def flatten(mapping: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}, "c": [1, 2]}`` -> ``{"a.b": 1, "c": "[1, 2]"}``: nested dicts by
    dotted path, lists as JSON text, scalars as they are."""
    out: dict[str, Any] = {}
    for name, value in mapping.items():
        path = f"{prefix}{name}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{path}."))
        elif isinstance(value, (list, tuple)):
            out[path] = json.dumps(value)
        else:
            out[path] = value
    return out


def is_curve(name: str, value: Any) -> bool:
    """Whether record field ``name`` holds a curve: named ``curve`` or ``*_curve``, a list of
    dicts (points)."""
    return (name == "curve" or name.endswith("_curve")) and isinstance(value, list) and \
        all(isinstance(p, dict) for p in value)


def _stored(db: str | Path, status: str | None) -> Iterator[dict[str, Any]]:
    if status not in (None, FINISHED, FAILED):
        raise ValueError(f"status={status!r} is invalid: expected {FINISHED} or {FAILED}")
    with Store(db) as store:
        yield from store.rows(status)


def run_table(db: str | Path, status: str | None = None) -> pd.DataFrame:
    """One row per stored run (of ``status``, default all) of ``db``; see the module
    docstring. Raises ``FileNotFoundError`` / ``ValueError`` as ``Store`` does."""
    rows = []
    for stored in _stored(db, status):
        row = {name: stored[name] for name in RUN_COLUMNS}
        row.update(flatten(stored["config"]))
        record = {k: v for k, v in (stored["record"] or {}).items() if not is_curve(k, v)}
        for name, value in flatten(record).items():
            row[name if row.get(name, value) == value else f"record.{name}"] = value
        rows.append(row)
    return pd.DataFrame(rows, columns=None if rows else list(RUN_COLUMNS))


def curve_table(db: str | Path, status: str | None = FINISHED) -> pd.DataFrame:
    """One row per point of every curve of the runs of ``db``: ``key``, ``curve`` (the
    record field), the run's flattened config, then the point's own keys (flattened)."""
    rows = []
    for stored in _stored(db, status):
        config = flatten(stored["config"])
        for field, points in (stored["record"] or {}).items():
            if is_curve(field, points):
                rows.extend({"key": stored["key"], "curve": field, **config, **flatten(point)}
                            for point in points)
    return pd.DataFrame(rows, columns=None if rows else ["key", "curve"])


def write_table(frame: pd.DataFrame, fmt: str, path: str | Path | None = None) -> str | None:
    """``frame`` as CSV, JSON (a list of records, NaN as null) or parquet. With ``path``
    the file is written atomically (``tasks.atomic_files.atomic_file``; an existing file is
    replaced) and None is
    returned; without it the CSV/JSON text is returned (parquet needs a path). Raises
    ``ValueError`` for an unknown format, parquet without a path, or parquet without pyarrow
    (the optional extra ``depthlab[parquet]``)."""
    if fmt not in FORMATS:
        raise ValueError(f"format={fmt!r} is invalid: expected one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        if path is None:
            raise ValueError("format='parquet' writes a binary file: give an output path "
                             "(--output FILE)")
        if importlib.util.find_spec("pyarrow") is None:
            raise ValueError("format='parquet' needs pyarrow: pip install 'depthlab[parquet]'")
    if path is None:
        return _text(frame, fmt)
    with atomic_file(path) as temporary:
        if fmt == "parquet":
            _parquet_ready(frame).to_parquet(temporary, index=False)
        else:
            temporary.write_text(_text(frame, fmt))
    return None


def _text(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        return frame.to_csv(index=False)
    return frame.to_json(orient="records", indent=2) + "\n"


def _parquet_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every object column of mixed value types (e.g. a task parameter
    that is an int in one task and a string in another) as strings, which parquet needs."""
    mixed = {c: frame[c].map(lambda v: None if v is None or v != v else str(v))
             for c in frame.columns if frame[c].dtype == object
             and len({type(v) for v in frame[c] if v is not None and v == v}) > 1}
    return frame.assign(**mixed)
