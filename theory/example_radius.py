"""A results table per example radius: one row per (run, radius of its test examples).

Runs store ``test_by_radius`` (``[{"radius", "n", "acc" | "mse"}]``, JSON): the test metric
of the examples of each required radius (small-world shortcuts give every example its own
radius). :func:`by_example_radius` turns each run into one row per radius, with
``example_radius``, ``n_test`` (the examples of that radius) and ``test_acc`` or
``test_mse`` for them; every other column is the run's. Theory values computed on such
rows (the ceiling) are restricted to the examples of that radius (``theory.predictions``).
"""
from __future__ import annotations

import json

import pandas as pd

BUCKET_COLUMN = "test_by_radius"


def by_example_radius(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per run and example radius (module docstring); runs without
    ``test_by_radius`` contribute no row. Raises ``ValueError`` if the table has no
    ``test_by_radius`` column."""
    if BUCKET_COLUMN not in frame.columns:
        raise ValueError(f"results table has no {BUCKET_COLUMN!r} column (the test metric per "
                         "example radius, stored by runs since depthlab records it)")
    rows = []
    for _, run in frame.iterrows():
        buckets = run[BUCKET_COLUMN]
        buckets = json.loads(buckets) if isinstance(buckets, str) else buckets
        for bucket in buckets if isinstance(buckets, list) else []:
            row = run.to_dict()
            row.update(example_radius=bucket["radius"], n_test=bucket["n"],
                       test_acc=bucket.get("acc"), test_mse=bucket.get("mse"))
            rows.append(row)
    columns = [*frame.columns, "example_radius"]
    return pd.DataFrame(rows, columns=columns).reset_index(drop=True)
