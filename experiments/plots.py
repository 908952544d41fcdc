"""Figures of a results table (matplotlib, Agg backend; the file suffix picks PNG or SVG).

- :func:`plot_curves`: ``y`` against ``x``, the mean over seeds with a Student-t 95%
  interval (where 3 or more runs) and every run as a dot; one panel per metric and task,
  one curve per value of ``by`` (and of any other config field that splits the runs), and
  the test chance level as a dashed line for accuracies.
- :func:`plot_heatmap`: mean ``y`` over depth x radius, one panel per task and ``by`` value.
- :func:`plot_reproduction`: measured train (and test) accuracy against r beside a
  published curve, one colour per family.
- :func:`plot_training_curves`: per-run training curves (accuracy and loss against passes).
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from depthlab.experiments.results import aggregate, group_keys, names  # noqa: E402
from depthlab.tasks.atomic_files import atomic_file  # noqa: E402

FIGURE_SUFFIXES = (".png", ".svg")
INTERVAL = 0.95
AXIS_LABELS = {
    "radius": "required radius r", "example_radius": "example radius (own shortest path)",
    "depth": "depth L (layers)", "width": "width d",
    "train_acc": "train accuracy", "val_acc": "validation accuracy", "test_acc": "test accuracy",
    "train_nmse": "train nMSE (1 = predict the mean)", "val_nmse": "validation nMSE",
    "test_nmse": "test nMSE (1 = predict the mean)", "test_mse": "test MSE",
    "wall_seconds": "wall time (s)", "epochs": "epochs", "n_train": "training examples",
}
PANEL_INCHES = 4.2
LEGEND_INCHES = 1.8


def plot_curves(frame: pd.DataFrame, path: str | Path, x: str = "radius",
                y: str | Sequence[str] = "test_acc", by: str | Sequence[str] = ("model",),
                log_x: bool = False) -> Path:
    """Write the ``y``-vs-``x`` figure of ``frame`` (a results frame) to ``path``: one
    panel per metric and task. Against the radius, depths are labelled relative to it
    ("r-1", "r+1") when that names fewer curves than absolute depths. ``log_x``: a
    logarithmic x axis (learning curves: ``x="n_train"``, ``by="depth"``)."""
    path = _figure_path(path)
    ys, by = names(y), names(by)
    if x == "radius" and "depth" not in by:
        frame = _relative_depths(frame, ["task", *by])
    table = aggregate(frame, x=x, y=ys, by=by)
    _, splitting = group_keys(frame, x, by)
    curve_keys = [k for k in dict.fromkeys([*by, *splitting]) if k not in ("task", x)]
    tasks = sorted(table["task"].unique())
    fig, axes = _panels(len(ys) * len(tasks), columns=len(tasks), legend=True)
    for ax, (metric, task) in zip(axes, [(m, t) for m in ys for t in tasks]):
        panel = table[table["task"] == task]
        curves = list(panel.groupby(curve_keys, dropna=False, sort=True)) if curve_keys else [(metric, panel)]
        styles = _styles([label for label, _ in curves])
        runs = frame[frame["task"] == task]
        for label, curve in curves:
            curve = curve.sort_values(x)
            ax.errorbar(curve[x], curve[f"{metric}_mean"], yerr=_interval(curve, metric),
                        marker="o", capsize=3, label=_label(curve_keys, label), **styles[label])
            points = _members(runs, curve_keys, label)
            ax.scatter(points[x], pd.to_numeric(points[metric], errors="coerce"), s=10,
                       alpha=0.5, color=styles[label]["color"], zorder=3)
        chance = panel.groupby(x)["chance"].mean().dropna()
        if metric.endswith("_acc") and len(chance):
            ax.plot(chance.index, chance.values, color="black", linestyle="--", linewidth=1,
                    label="chance")
            ax.set_ylim(-0.02, 1.02)
        ax.set_title(task)
        if log_x:
            ax.set_xscale("log")
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(axis_label(x))
        ax.set_ylabel(f"{axis_label(metric)}\n(dots: runs; bars: {INTERVAL:.0%} t-interval, n >= 3)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
    return _save(fig, path)


def axis_label(column: str) -> str:
    """A readable axis label for a results column (the column name when none is known)."""
    return AXIS_LABELS.get(column, column)


def _interval(curve: pd.DataFrame, metric: str) -> np.ndarray:
    """Half-width of the Student-t ``INTERVAL`` interval of the mean per point; 0 where
    fewer than 3 runs (two values give no honest interval: their dots are shown)."""
    from scipy.stats import t

    n = curve["n"].to_numpy(float)
    half = t.ppf(0.5 + INTERVAL / 2, np.maximum(n - 1, 1)) * curve[f"{metric}_std"].to_numpy(float) / np.sqrt(n)
    return np.where((n >= 3) & np.isfinite(half), half, 0.0)


def _members(runs: pd.DataFrame, keys: list[str], label) -> pd.DataFrame:
    """The rows of ``runs`` on the curve ``label`` (values of ``keys``; nulls match nulls)."""
    mask = pd.Series(True, index=runs.index)
    for key, value in zip(keys, _as_tuple(label)):
        column = runs[key]
        mask &= column.isna() if value is None or value != value else column.astype(str) == str(value)
    return runs[mask]


def _relative_depths(frame: pd.DataFrame, cell: list[str]) -> pd.DataFrame:
    """``frame`` with depth relabelled as "r-1", "r", "r+2", ... if, within each ``cell``,
    that takes fewer distinct values than the absolute depth (depth = r+1 and r-1 at many
    radii: two curves, not one per depth)."""
    offsets = frame["depth"] - frame["radius"]
    relative = frame.assign(depth=offsets).groupby(cell, dropna=False)["depth"].nunique().max()
    absolute = frame.groupby(cell, dropna=False)["depth"].nunique().max()
    if not relative < absolute:
        return frame
    return frame.assign(depth=offsets.map(lambda d: "r" if d == 0 else f"r{d:+d}"))


def _styles(labels: list) -> dict:
    """Matplotlib style per curve label: a colour per value of the first key, a line style
    per combination of the others."""
    firsts = list(dict.fromkeys(_as_tuple(label)[0] for label in labels))
    rests = list(dict.fromkeys(_as_tuple(label)[1:] for label in labels))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    lines = ["-", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1))]
    return {label: {"color": colours[firsts.index(_as_tuple(label)[0]) % len(colours)],
                    "linestyle": lines[rests.index(_as_tuple(label)[1:]) % len(lines)]}
            for label in labels}


def _as_tuple(label) -> tuple:
    return label if isinstance(label, tuple) else (label,)


def plot_heatmap(frame: pd.DataFrame, path: str | Path, y: str | Sequence[str] = "test_acc",
                 by: str | Sequence[str] = ("model",)) -> Path:
    """Write the depth x radius heatmap of mean ``y`` (one metric or several) of ``frame``
    to ``path``: one panel per metric, task and ``by`` value that has any value (panels
    without one are left out), on one colour scale shared by every panel (0 to 1 when all
    metrics are accuracies, else the range of the values) with one colour bar."""
    path = _figure_path(path)
    ys, by = names(y), names(by)
    by_depth = list(dict.fromkeys([*by, "depth"]))
    table = aggregate(frame, x="radius", y=ys, by=by_depth)
    _, splitting = group_keys(frame, "radius", by_depth)
    panel_keys = [k for k in dict.fromkeys(["task", *by, *splitting]) if k not in ("radius", "depth")]
    grids = []
    for metric in ys:
        for label, panel in table.groupby(panel_keys, dropna=False, sort=True):
            grid = panel.pivot_table(index="depth", columns="radius", values=f"{metric}_mean",
                                     aggfunc="mean", dropna=False)
            if np.isfinite(grid.values.astype(float)).any():
                grids.append((metric, label, grid))
    if not grids:
        raise ValueError(f"no values of {', '.join(ys)} to draw a heatmap of")
    accuracy = all(m.endswith("_acc") for m in ys)
    values = np.concatenate([g.values.astype(float).ravel() for _, _, g in grids])
    low, high = (0.0, 1.0) if accuracy else (np.nanmin(values), np.nanmax(values))
    fig, axes = _panels(len(grids), columns=min(len(grids), 4), trim=True)
    for ax, (metric, label, grid) in zip(axes, grids):
        image = ax.imshow(grid.values.astype(float), origin="lower", aspect="auto",
                          cmap="viridis", vmin=low, vmax=high)
        for (i, j), value in np.ndenumerate(grid.values.astype(float)):
            if value == value:
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8,
                        color="white" if value < low + 0.6 * (high - low) else "black")
        ax.set_xticks(range(len(grid.columns)), [str(c) for c in grid.columns])
        ax.set_yticks(range(len(grid.index)), [str(r) for r in grid.index])
        ax.set_xlabel("radius")
        ax.set_ylabel("depth")
        ax.set_title(f"{metric}: {_label(panel_keys, label)}", fontsize=9)
    fig.tight_layout(rect=(0, 0, 0.9, 1))
    bar = fig.add_axes((0.92, 0.15, 0.015, 0.7))
    fig.colorbar(image, cax=bar, label=f"mean {' / '.join(ys)} over seeds")
    return _save(fig, path, tight=False)


def _label(keys: list[str], values) -> str:
    values = _as_tuple(values)
    parts = [str(v) if k in ("task", "model") else f"{k.split('.')[-1]}={v}"
             for k, v in zip(keys, values)]
    return ", ".join(parts) or str(values[0])


def _panels(count: int, columns: int, legend: bool = False, trim: bool = False):
    """A figure of ``count`` panels in rows of ``columns``; the unused cells of the last row
    are hidden, or with ``trim`` removed from the figure."""
    columns = max(1, min(count, columns))
    rows = max(1, -(-count // columns))
    width = PANEL_INCHES + (LEGEND_INCHES if legend else 0)
    fig, axes = plt.subplots(rows, columns, figsize=(width * columns, 3.6 * rows), squeeze=False)
    for ax in axes.flat[count:]:
        if trim:
            fig.delaxes(ax)
        else:
            ax.set_visible(False)
    return fig, list(axes.flat)[:count]


def _figure_path(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in FIGURE_SUFFIXES:
        raise ValueError(f"plot file {path} has an unsupported suffix {path.suffix!r}: "
                         f"expected one of {', '.join(FIGURE_SUFFIXES)}")
    return path


def _save(fig, path: Path, tight: bool = True) -> Path:
    if tight:
        fig.tight_layout()
    try:
        with atomic_file(path) as temporary:
            fig.savefig(temporary, dpi=120, format=path.suffix.lower().lstrip("."))
    finally:
        plt.close(fig)
    return path


def plot_reproduction(table: pd.DataFrame, published: dict[str, dict[int, float]],
                      path: str | Path) -> Path:
    """Train accuracy against r per family: ``published[family][r]`` dashed, the measured
    ``train_acc_block`` of ``table`` (columns family, radius, train_acc_block, test_acc)
    solid, its ``test_acc`` dotted; one colour per family."""
    path = _figure_path(path)
    fig, ax = plt.subplots(figsize=(PANEL_INCHES * 1.6 + LEGEND_INCHES, 4.2))
    for i, (family, points) in enumerate(published.items()):
        colour = f"C{i}"
        ax.plot(list(points), list(points.values()), linestyle="--", marker="s", color=colour,
                alpha=0.55, label=f"{family} published (train)")
        mine = table[table["family"] == family].sort_values("radius")
        if len(mine):
            ax.plot(mine["radius"], mine["train_acc_block"], marker="o", color=colour,
                    label=f"{family} measured (train)")
            ax.plot(mine["radius"], mine["test_acc"], marker=".", linestyle=":", color=colour,
                    label=f"{family} measured (test)")
    radii = np.arange(min(min(p) for p in published.values()),
                      max(max(p) for p in published.values()) + 1)
    ax.plot(radii, 0.5 ** radii, color="black", linestyle=":", linewidth=1, label="chance 1/2^r")
    ax.set_xlabel("problem radius r (tree depth); model depth r + 1")
    ax.set_ylabel("accuracy")
    ax.set_ylim(-0.02, 1.02)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
    return _save(fig, path)


def plot_training_curves(runs: list[dict], path: str | Path) -> Path:
    """Training curves of ``runs`` (experiments.training_curves.curves): train accuracy (solid)
    and test accuracy (dotted) against passes in one panel, the loss (log scale) in
    another; one colour per run. Runs without accuracies (regression) plot their MSE."""
    path = _figure_path(path)
    fig, (acc_ax, loss_ax) = plt.subplots(1, 2, figsize=(2 * PANEL_INCHES + LEGEND_INCHES, 3.8))
    for i, run in enumerate(runs):
        points = run["points"]
        label = f"{run['model']} r={run['radius']} d={run['depth']} s={run['seed']}"
        epochs = [p["epoch"] for p in points]
        metric = "acc" if any("train_acc" in p for p in points) else "mse"
        colour = f"C{i % 10}"
        acc_ax.plot(epochs, [p.get(f"train_{metric}") for p in points], color=colour, label=label)
        if any(f"test_{metric}" in p for p in points):
            acc_ax.plot(epochs, [p.get(f"test_{metric}") for p in points], color=colour,
                        linestyle=":")
        loss_ax.plot(epochs, [p["loss"] for p in points], color=colour, label=label)
    acc_ax.set_xlabel("passes over the train split")
    acc_ax.set_ylabel("train (solid) / test (dotted) metric")
    loss_ax.set_xlabel("passes over the train split")
    loss_ax.set_ylabel("mean training loss")
    loss_ax.set_yscale("log")
    for ax in (acc_ax, loss_ax):
        ax.grid(alpha=0.3)
    loss_ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
    return _save(fig, path)
