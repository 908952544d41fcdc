"""Theory values for the rows of a results table, computed on the runs' own datasets.

A row names its dataset by ``(task, task_params, data_seed, transform)`` (``task_params``
the JSON of the resolved parameters; ``transform`` the JSON of a rewiring, None without);
the dataset is regenerated with ``tasks.make_task`` and rewired by ``tasks.rewiring``
(deterministic in those four) and the values are cached per dataset, so a table of many
runs on a few datasets generates each dataset once. The values, by the names hypotheses use
(``theory.hypothesis_spec.THEORY_VALUES``):

- ``ceiling``: ``theory.model_ceiling.model_ceiling(ds, model, facts, depth)``'s value on
  the split: 1-WL on what the row's model receives (its facts from ``models.facts``);
- ``smoothing_rate``: ``lambda^2`` with ``lambda = theory.smoothing.oono_suzuki_lambda`` of
  the graphs holding test examples (the graphs the ``energy`` column is measured on); NaN
  unless those edges are symmetric, without repeats or self-loops (the rate is a theorem
  about simple undirected graphs);
- ``energy_rate_bound``: ``theory.smoothing.cai_wang_rate_bound`` of the row's ``energy``
  and ``layer_weights`` with that lambda and the energy of a constant feature;
- ``ceiling`` and ``ceiling_nmse`` are computed on the row's examples of radius
  ``example_radius`` when the table has that column (``theory.example_radius``);
- ``min_width`` (tree-neighbors-match only, NaN otherwise): Alon & Yahav's least width
  (``theory.bottleneck.min_width`` with ``FLOAT_BITS`` bits per float) for the leaf
  arrangements the training split holds: ``2^(bits d)`` states must tell apart
  ``min(A(r, m), P)`` arrangements, A the full problem's count and P the distinct leaf-value
  permutations among the training graphs (a capped training set needs fewer than A);
- ``countable`` (a derived column): ``theory.countability.mp_countability(pattern,
  induced).countable`` for motif-count rows; None for other tasks.
"""
from __future__ import annotations

import json
from collections import OrderedDict
from typing import Callable

import numpy as np
import pandas as pd

from depthlab.tasks.dataset import TaskDataset

DatasetKey = tuple[str, str, int, "str | None"]
KEY_COLUMNS = ("task", "task_params", "data_seed")
FLOAT_BITS = 32


def regenerate(task: str, params: dict, data_seed: int, transform: dict | None = None) -> TaskDataset:
    """``tasks.make_task(task, seed=data_seed, **params)``, rewired as ``transform`` says
    (``tasks.rewiring.transformed``)."""
    from depthlab.tasks import make_task
    from depthlab.tasks.rewiring import transformed

    return transformed(make_task(task, seed=int(data_seed), **params), transform)


def dataset_keys(rows: pd.DataFrame) -> pd.Series:
    """Each row's :data:`DatasetKey`. Raises ``ValueError`` naming a missing column."""
    missing = [c for c in KEY_COLUMNS if c not in rows.columns]
    if missing:
        raise ValueError(f"results table lacks column(s) {', '.join(missing)}, needed to "
                         "regenerate the runs' datasets")
    transform = ([t if isinstance(t, str) else None for t in rows["transform"]]
                 if "transform" in rows.columns else [None] * len(rows))
    return pd.Series(list(zip(rows["task"], rows["task_params"], rows["data_seed"].astype(int),
                              transform)), index=rows.index, dtype=object)


class TheoryValues:
    """Per-dataset theory values with caches; one instance can serve many hypotheses.

    ``make_dataset(task, params, data_seed)`` builds a dataset (default :func:`regenerate`);
    at most ``keep`` datasets are held at once (computed values are always kept).
    """

    def __init__(self, make_dataset: Callable[[str, dict, int], TaskDataset] | None = None,
                 keep: int = 2) -> None:
        self._make = make_dataset or regenerate
        self._keep = keep
        self._datasets: OrderedDict[DatasetKey, TaskDataset] = OrderedDict()
        self._values: dict[tuple, object] = {}

    def dataset(self, key: DatasetKey) -> TaskDataset:
        """The dataset of ``key``, regenerated on first use."""
        if key in self._datasets:
            self._datasets.move_to_end(key)
            return self._datasets[key]
        task, params, seed, transform = key
        ds = (self._make(task, json.loads(params), seed) if transform is None else
              self._make(task, json.loads(params), seed, json.loads(transform)))
        self._datasets[key] = ds
        while len(self._datasets) > self._keep:
            self._datasets.popitem(last=False)
        return ds

    def _cached(self, name: str, key: DatasetKey, extra, compute: Callable[[TaskDataset], object]):
        slot = (name, key, extra)
        if slot not in self._values:
            self._values[slot] = compute(self.dataset(key))
        return self._values[slot]

    def ceiling(self, key: DatasetKey, model: str, depth: int, split: str,
                example_radius: int | None = None, normalised: bool = False,
                options: dict | None = None) -> float:
        """Best accuracy (least MSE) of a depth-``depth`` ``model`` network (with model
        ``options``, which may set its hops per layer) on ``split`` of the dataset
        (``theory.model_ceiling``), on its examples of radius ``example_radius`` when given;
        with ``normalised`` the least MSE over the variance of those examples' labels (NaN
        for classification). NaN when no example is left or the model is not message
        passing. Raises ``ValueError`` for a model without declared facts."""
        from depthlab.models.facts import facts_of
        from depthlab.theory.ceiling import best_score, example_colours
        from depthlab.theory.model_ceiling import ceiling_rounds, model_input

        facts = facts_of(model, options)
        if not facts.message_passing:
            return float("nan")
        rounds = ceiling_rounds(facts, int(depth))
        subset = (split, None if example_radius is None else int(example_radius), normalised)

        def compute(ds: TaskDataset) -> float:
            colours = self._cached("colours", key, (rounds, facts.sees_degrees),
                                   lambda d: example_colours(model_input(d, facts), rounds))
            idx = ds.split_indices(split)
            if example_radius is not None:
                idx = idx[ds.radius[idx] == int(example_radius)]
            if len(idx) == 0 or (normalised and not ds.is_regression):
                return float("nan")
            score = best_score(ds, colours, idx)
            if not normalised:
                return score
            variance = float(np.var(ds.y[idx].astype(np.float64)))
            return score / variance if variance > 0 else float("nan")

        return float(self._cached("ceiling", key, (rounds, facts.sees_degrees, subset), compute))

    def smoothing_constants(self, key: DatasetKey) -> tuple[float, float]:
        """``(lambda, E(1))`` of the test graphs (Oono & Suzuki's lambda; the Dirichlet
        energy of a constant feature); NaNs unless they are simple and undirected."""
        return self._cached("smoothing_constants", key, None, _test_graph_constants)

    def smoothing_rate(self, key: DatasetKey) -> float:
        """``lambda^2`` of the test graphs (module docstring); NaN unless they are simple and
        undirected."""
        return self.smoothing_constants(key)[0] ** 2

    def energy_rate_bound(self, key: DatasetKey, energies, layer_weights) -> float:
        """Cai & Wang's bound on the energy rate of a run with the per-layer ``energies``
        and ``layer_weights`` (JSON text or lists) on the dataset's test graphs
        (``theory.smoothing.cai_wang_rate_bound``); NaN where either is missing."""
        from depthlab.theory.smoothing import cai_wang_rate_bound

        energies, layer_weights = (json.loads(v) if isinstance(v, str) else v
                                   for v in (energies, layer_weights))
        if not isinstance(energies, list) or not isinstance(layer_weights, list):
            return float("nan")
        lam, constant = self.smoothing_constants(key)
        return cai_wang_rate_bound(energies, layer_weights, lam, constant)

    def min_width(self, key: DatasetKey) -> float:
        """Alon & Yahav's least width for the dataset's training set (module docstring)."""
        return self._cached("min_width", key, None, training_min_width)

    def column(self, name: str, rows: pd.DataFrame, split: str = "test") -> pd.Series:
        """The theory value ``name`` for every row of ``rows`` (float, NaN where it does not
        apply). ``split`` selects the ceiling's split; the ceiling also reads the columns
        ``depth`` and ``model``. Raises ``ValueError`` for an unknown
        name."""
        keys = dataset_keys(rows)
        if name in ("ceiling", "ceiling_nmse"):
            radii = rows["example_radius"] if "example_radius" in rows.columns else [None] * len(rows)
            values = [self.ceiling(k, m, d, split, r, name == "ceiling_nmse", o)
                      for k, m, d, r, o in zip(keys, rows["model"], rows["depth"], radii,
                                               hop_options(rows))]
        elif name == "smoothing_rate":
            values = [self.smoothing_rate(k) for k in keys]
        elif name == "energy_rate_bound":
            values = [self.energy_rate_bound(k, e, w)
                      for k, e, w in zip(keys, rows["energy"], rows["layer_weights"])]
        elif name == "min_width":
            values = [self.min_width(k) for k in keys]
        else:
            raise ValueError(f"unknown theory value {name!r}; choose one of: ceiling, "
                             "ceiling_nmse, smoothing_rate, energy_rate_bound, min_width")
        return pd.Series(values, index=rows.index, dtype=float)


def hop_options(rows: pd.DataFrame) -> list[dict]:
    """Per row, the model options that can set hops per layer (``models.facts``
    ``hops_option``), read from the row's ``model.<option>`` columns (absent: {})."""
    from depthlab.models.facts import FAMILY_FACTS

    names = sorted({f.hops_option for f in FAMILY_FACTS.values() if f.hops_option} &
                   {c[len("model."):] for c in rows.columns if c.startswith("model.")})
    return [dict(zip(names, values)) for values in
            zip(*(rows[f"model.{n}"] for n in names))] if names else [{}] * len(rows)


def split_graph_edges(ds: TaskDataset, split: str) -> tuple[np.ndarray, np.ndarray, int]:
    """``(src, dst, num_nodes)`` of the graphs holding examples of ``split``, nodes
    renumbered from 0 in dataset order."""
    graphs = np.unique(ds.graph_id[ds.split_indices(split)])
    owner = np.repeat(np.arange(ds.num_graphs), np.diff(ds.node_ptr))
    keep = np.isin(owner, graphs)
    new_id = np.cumsum(keep) - 1
    edges = keep[ds.src]
    return new_id[ds.src[edges]], new_id[ds.dst[edges]], int(keep.sum())


def _test_graph_constants(ds: TaskDataset) -> tuple[float, float]:
    from depthlab.theory.smoothing import dirichlet_energy, oono_suzuki_lambda

    src, dst, n = split_graph_edges(ds, "test")
    forward = np.unique(src * n + dst)
    simple = len(forward) == len(src) and not np.any(src == dst)
    if n == 0 or not simple or not np.array_equal(forward, np.unique(dst * n + src)):
        return float("nan"), float("nan")
    return oono_suzuki_lambda(src, dst, n), dirichlet_energy(np.ones(n), src, dst)


def training_permutations(ds: TaskDataset) -> np.ndarray:
    """(P, leaves) distinct leaf-value sequences (in key order) of the tree-neighbors-match
    graphs holding training examples; leaves are the nodes with a value (column 1) > 0."""
    graphs = np.unique(ds.graph_id[ds.split_indices("train")])
    owner = np.repeat(np.arange(ds.num_graphs), np.diff(ds.node_ptr))
    leaf = (ds.x[:, 1] > 0) & np.isin(owner, graphs)
    order = np.lexsort((ds.x[leaf, 0], owner[leaf]))
    leaves = int(ds.params.get("arity", 2)) ** int(ds.params["radius"])
    return np.unique(ds.x[leaf, 1][order].reshape(-1, leaves), axis=0)


def training_min_width(ds: TaskDataset, bits: int = FLOAT_BITS) -> float:
    """Least width d with ``2^(bits d) >= min(A(r, m), P)`` (module docstring); NaN for
    tasks other than tree-neighbors-match."""
    from depthlab.theory.bottleneck import min_width

    if ds.name != "tree-neighbors-match":
        return float("nan")
    full = min_width(int(ds.params["radius"]), int(ds.params.get("arity", 2)), bits)
    sampled = len(training_permutations(ds))
    return float(min(full, -(-max(sampled - 1, 0).bit_length() // bits)))


def countable(rows: pd.DataFrame) -> pd.Series:
    """Per row: whether message passing can count the row's motif-count pattern
    (``theory.countability``), None for rows of other tasks."""
    from depthlab.theory.countability import mp_countability

    def verdict(task: str, params: str):
        if task != "motif-count":
            return None
        p = json.loads(params)
        return bool(mp_countability(p["pattern"], bool(p.get("induced", False))).countable)

    return pd.Series([verdict(t, p) for t, p in zip(rows["task"], rows["task_params"])],
                     index=rows.index, dtype=object)
