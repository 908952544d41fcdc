"""Training curves of stored runs: one point per epoch (per evaluation block for the
alon-yahav protocol), as a long DataFrame or as one list of points per run.

Each point has ``epoch`` (passes over the train split so far), ``block`` (alon-yahav only),
``loss`` (mean training loss), ``lr`` (in use during it), ``train_acc`` / ``train_mse`` and
the val/test figures the run measured (``models.trainer`` says how each is measured).
Runs still in progress, or interrupted, show their points so far from their training
checkpoints (``unfinished=True``), with ``stop_reason`` "unfinished".
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from depthlab.experiments.store import FINISHED, Store

RUN_COLUMNS = ("key", "task", "model", "depth", "radius", "seed", "data_seed", "protocol",
               "stop_reason")
FILTERS = ("key", "task", "model", "depth", "radius", "seed")
POINT_COLUMNS = ("epoch", "block", "loss", "lr", "train_acc", "val_acc", "test_acc",
                 "train_mse", "val_mse", "test_mse")


def curves(db: str | Path, unfinished: bool = False, **filters: Any) -> list[dict[str, Any]]:
    """Finished runs of ``db`` matching ``filters`` (any of key, task, model, depth, radius,
    seed; a value or a list of values), each ``{run fields..., "points": [point, ...]}``;
    with ``unfinished``, then the runs that have a training checkpoint in
    ``experiments.run.checkpoint_dir(db)`` and no record yet (in progress, or interrupted;
    an unreadable checkpoint is skipped with a ``RuntimeWarning``). Raises ``ValueError``
    for an unknown filter, ``FileNotFoundError`` for a missing db."""
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        raise ValueError(f"unknown curve filter(s) {', '.join(unknown)}; "
                         f"the filters are: {', '.join(FILTERS)}")
    wanted = {k: set(v) if isinstance(v, (list, tuple, set)) else {v}
              for k, v in filters.items() if v is not None}
    out = []
    with Store(db) as store:
        for row in store.rows(FINISHED):
            run = _run_fields(row["key"], row["config"], row["record"])
            if all(run[k] in values for k, values in wanted.items()):
                points = [{k: p[k] for k in POINT_COLUMNS if k in p}
                          for p in row["record"].get("curve", [])]
                out.append({**run, "points": points})
    if unfinished:
        finished = {run["key"] for run in out}
        out += [run for run in _unfinished(db) if run["key"] not in finished
                and all(run[k] in values for k, values in wanted.items())]
    return out


def curves_frame(db: str | Path, **filters: Any) -> pd.DataFrame:
    """:func:`curves` as one row per point, the run fields repeated on each row."""
    rows = [{**{k: v for k, v in run.items() if k != "points"}, **point}
            for run in curves(db, **filters) for point in run["points"]]
    columns = [*RUN_COLUMNS, *POINT_COLUMNS]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.dropna(axis=1, how="all") if len(frame) else frame


def _unfinished(db: str | Path) -> list[dict[str, Any]]:
    from depthlab.experiments.run import checkpoint_dir
    from depthlab.models.checkpoint import read_checkpoint

    directory = checkpoint_dir(db)
    paths = sorted(directory.glob("*.pt")) if directory.is_dir() else []
    out = []
    for path in paths:
        try:
            meta = read_checkpoint(path)[1]
        except ValueError as error:
            if path.exists():      # else its run finished meanwhile and removed it
                warnings.warn(f"skipped: {error}", RuntimeWarning, stacklevel=2)
            continue
        try:
            identity = meta["identity"]
            dataset, model = identity["dataset"], identity["model"]
            run = {"key": path.stem, "task": dataset["name"], "model": model["name"],
                   "depth": model["depth"], "radius": dataset["radius"],
                   "seed": identity["seed"], "data_seed": dataset["seed"],
                   "protocol": identity["train"]["protocol"], "stop_reason": "unfinished"}
        except (KeyError, TypeError):
            warnings.warn(f"skipped: checkpoint {path}: its run identity lacks fields",
                          RuntimeWarning, stacklevel=2)
            continue
        out.append({**run, "points": [{k: p[k] for k in POINT_COLUMNS if k in p}
                                      for p in meta["curve"]]})
    return out


def _run_fields(key: str, config: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "task": config["task"]["name"], "model": config["model"]["name"],
            "depth": config["model"]["depth"], "radius": record.get("radius"),
            "seed": config["seed"], "data_seed": config["task"]["data_seed"],
            "protocol": config["train"].get("protocol"),
            "stop_reason": record.get("stop_reason")}
