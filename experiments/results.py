"""Result tables: stored runs as a DataFrame, and their aggregation over seeds.

:func:`results_frame` gives one row per finished run with the columns CONTRACTS.md lists
(config fields, the dataset's radius and chance, the record's metrics, per-layer energy,
weights' norms and test metric by example radius as JSON strings), plus ``train_config``
(JSON), one ``train.<setting>`` column per setting, normalised MSEs (``{split}_nmse``), the
stopping reason and the model's test ceiling (``test_ceiling``, ``test_ceiling_nmse``).
:func:`aggregate` groups runs by every config field that varies, except the seeds, and
reports mean, std and n of one metric.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

from depthlab.experiments.store import FINISHED, Store

SEED_COLUMNS = ("seed", "data_seed")
METRICS = ("train_acc", "val_acc", "test_acc", "train_mse", "val_mse", "test_mse")
RECORD_FIELDS = ("radius", "chance", "n_train", "n_val", "n_test", "num_params", *METRICS,
                 "epochs", "best_epoch", "stop_reason", "wall_seconds", "device", "radius_mean",
                 "resistance", "commute_time")
FORMATS = ("md", "csv", "json")
# Record fields that are lists or dicts, stored in the table as JSON strings.
JSON_FIELDS = ("energy", "layer_weights", "test_by_radius")
CEILINGS = {"test_acc": "test_ceiling", "test_nmse": "test_ceiling_nmse"}
DERIVED_FIELDS = ("train_nmse", "val_nmse", "test_nmse", "stop_reason", "test_ceiling",
                  "test_ceiling_nmse")


def run_row(key: str, status: str, config: dict[str, Any], record: dict[str, Any] | None) -> dict[str, Any]:
    """One results-table row from a stored run (``record`` None for a failed run)."""
    task, model, train = config["task"], config["model"], config["train"]
    options = {k: v for k, v in model.items() if k not in ("name", "depth", "width")}
    record = record or {}
    row: dict[str, Any] = {
        "key": key, "status": status, "task": task["name"],
        "task_params": json.dumps(task["params"], sort_keys=True),
        "data_seed": task["data_seed"],
        **{f"task.{k}": v for k, v in task["params"].items()},
        **_transform_columns(task.get("transform")),
        "model": model["name"], "depth": model["depth"],
        "width": record.get("width", model.get("width")),
        "model_options": json.dumps(options, sort_keys=True),
        **{f"model.{k}": v for k, v in options.items()},
        "train_config": json.dumps(train, sort_keys=True),
        **{f"train.{k}": v for k, v in train.items()},
        "seed": config["seed"],
    }
    row.update({field: record.get(field) for field in RECORD_FIELDS})
    row.update(normalised_mses(record))
    row["stop_reason"] = stop_reason(record)
    ceiling = record.get("ceiling") or {}
    row["test_ceiling"] = ceiling.get("test")
    row["test_ceiling_nmse"] = _normalised(ceiling.get("test"), record, "test")
    for field in JSON_FIELDS:
        value = record.get(field)
        row[field] = None if value is None else json.dumps(value)
    return row


def _transform_columns(transform: dict[str, Any] | None) -> dict[str, Any]:
    """``transform`` (JSON) and ``transform.<param>`` columns of a rewired task; none
    otherwise."""
    if transform is None:
        return {}
    return {"transform": json.dumps(transform, sort_keys=True),
            **{f"transform.{k}": v for k, v in transform.items()}}


def _normalised(mse: float | None, record: dict[str, Any], split: str) -> float | None:
    variance = (record.get("label_variance") or {}).get(split)
    if mse is None or not variance:
        return None
    return mse / variance


def normalised_mses(record: dict[str, Any]) -> dict[str, float | None]:
    """``{split}_nmse``: the split's MSE over the variance of its labels (1.0 = predicting
    the split's mean; None for classification or a record without label variances)."""
    return {f"{s}_nmse": _normalised(record.get(f"{s}_mse"), record, s)
            for s in ("train", "val", "test")}


def stop_reason(record: dict[str, Any]) -> str | None:
    """Why training stopped: the record's own ``stop_reason`` where the trainer stores one;
    else ``"epoch budget"`` when it ran every allowed epoch and ``"stopping rule"`` when
    it stopped earlier (validation patience, train plateau or a perfect fit)."""
    if record.get("stop_reason") is not None:
        return record["stop_reason"]
    budget = (record.get("train_config") or {}).get("epochs")
    if record.get("epochs") is None or budget is None:
        return None
    return "epoch budget" if record["epochs"] >= budget else "stopping rule"


def results_frame(db: str | Path) -> pd.DataFrame:
    """One row per finished run in the database ``db`` (see the module docstring).
    Raises ``FileNotFoundError`` / ``ValueError`` as :class:`experiments.store.Store`."""
    with Store(db) as store:
        rows = [run_row(r["key"], r["status"], r["config"], r["record"])
                for r in store.rows(FINISHED)]
    return frame_of(rows)


def frame_of(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """A DataFrame of results-table rows (columns in first-seen order; empty with the
    fixed columns when there are no rows)."""
    rows = list(rows)
    if not rows:
        return pd.DataFrame(columns=["key", "status", "task", "task_params", "data_seed", "model",
                                     "depth", "width", "model_options", "seed",
                                     *RECORD_FIELDS, *DERIVED_FIELDS, *JSON_FIELDS])
    return pd.DataFrame(rows)


def report_frame(frame: pd.DataFrame, x: str, by: str | Sequence[str] = ()) -> pd.DataFrame:
    """``frame`` as a report along ``x`` per ``by`` needs it: when either names
    ``example_radius``, one row per run and radius of its test examples
    (``theory.example_radius``; without the run-level ceilings, which are not those
    of the group), else ``frame`` itself."""
    from depthlab.theory.example_radius import by_example_radius

    if "example_radius" not in (x, *names(by)):
        return frame
    return by_example_radius(frame).drop(columns=list(CEILINGS.values()), errors="ignore")


def config_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that identify a run's config, without the seeds and JSON duplicates."""
    fixed = ["task", "model", "depth", "width"]
    prefixed = [c for c in frame.columns if c.startswith(("task.", "transform.", "model.", "train."))]
    return [c for c in fixed if c in frame.columns] + prefixed


def names(columns: str | Sequence[str]) -> list[str]:
    """One column name or several as a list (``"model"`` -> ``["model"]``)."""
    return [columns] if isinstance(columns, str) else list(columns)


def group_keys(frame: pd.DataFrame, x: str, by: str | Sequence[str]) -> tuple[list[str], list[str]]:
    """``(keys, splitting)`` for aggregating ``frame`` along ``x`` per ``by``.

    ``splitting``: config columns (seeds excluded) that take several values within a
    (task, by, x) cell, so averaging over them would mix configs. ``keys``: task, ``by``,
    ``x``, ``splitting``, then the config columns fixed by (task, by, x) that still vary
    along ``x`` (e.g. depth = r+1), shown but not splitting (a column equal to ``x`` is
    left out).
    """
    by = names(by)
    base = list(dict.fromkeys(["task", *by, x]))
    candidates = [c for c in config_columns(frame) if c not in base]
    cells = frame.groupby(base, dropna=False)
    splitting = [c for c in candidates if cells[c].nunique(dropna=False).max() > 1]
    along = frame.groupby(list(dict.fromkeys(["task", *by])), dropna=False)
    shown = [c for c in candidates if c not in splitting
             and along[c].nunique(dropna=False).max() > 1
             and not frame[c].astype(str).equals(frame[x].astype(str))]
    return base + splitting + shown, splitting


def aggregate(frame: pd.DataFrame, x: str = "radius", y: str | Sequence[str] = "test_acc",
              by: str | Sequence[str] = ("model",)) -> pd.DataFrame:
    """Mean, std and n of ``y`` (one metric or several) over seeds, one row per config;
    ``by`` is one column or several.

    Rows are grouped by :func:`group_keys` (so different configs are never averaged
    together). Columns: the group keys, ``chance`` (mean), the model's test ceiling beside
    ``test_acc`` (``test_ceiling``) and ``test_nmse`` (``test_ceiling_nmse``), ``{y}_mean``
    and ``{y}_std``
    (sample std, NaN for n = 1) per metric, and ``n`` (runs with the first metric).
    Raises ``ValueError`` naming an unknown column.
    """
    ys, by = names(y), names(by)
    for name, column in [("x", x), *(("y", c) for c in ys), *(("by", b) for b in by)]:
        if column not in frame.columns:
            raise ValueError(f"{name}={column!r} is not a results column; choose from: "
                             f"{', '.join(c for c in frame.columns if c not in ('key', 'energy'))}")
    keys, _ = group_keys(frame, x, by)
    references = ["chance", *(CEILINGS[c] for c in ys if CEILINGS.get(c) in frame.columns)]
    numeric = {f"_{c}": pd.to_numeric(frame[c], errors="coerce")
               for c in dict.fromkeys([*references, *ys])}
    grouped = frame[keys].assign(**numeric).groupby(keys, dropna=False, sort=True)
    stats = {c: (f"_{c}", "mean") for c in references}
    for c in ys:
        stats.update({f"{c}_mean": (f"_{c}", "mean"), f"{c}_std": (f"_{c}", "std")})
    stats["n"] = (f"_{ys[0]}", "count")
    return grouped.agg(**stats).reset_index()


def render(table: pd.DataFrame, fmt: str) -> str:
    """``table`` as Markdown, CSV or JSON (records) text."""
    if fmt == "md":
        return _markdown(table)
    if fmt == "csv":
        return table.to_csv(index=False)
    if fmt == "json":
        return table.to_json(orient="records", indent=2)
    raise ValueError(f"format={fmt!r} is invalid: expected one of {', '.join(FORMATS)}")


def _markdown(table: pd.DataFrame) -> str:
    def cell(value: Any) -> str:
        if value is None or (isinstance(value, float) and value != value):
            return ""
        return f"{value:.4g}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(map(str, table.columns)) + " |",
             "|" + "|".join("---" for _ in table.columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |"
              for row in table.itertuples(index=False)]
    return "\n".join(lines) + "\n"
