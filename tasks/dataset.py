"""`TaskDataset`: every example of a task as concatenated numpy arrays.

Graph arrays (G graphs, N nodes, E edges in all). "int" ids are int32 where every value
fits (a generator's choice, see :func:`id_dtype`), int64 beyond; readers accept both:
    ``node_ptr`` (G+1,) int — graph g owns nodes ``node_ptr[g]:node_ptr[g+1]``
    ``edge_ptr`` (G+1,) int — graph g owns edges ``edge_ptr[g]:edge_ptr[g+1]``
    ``src``, ``dst`` (E,) int — global node ids, as in a ``dgl.batch`` of the graphs;
        edges are directed (an undirected graph stores both directions)
    ``x`` (N, F) — int categorical features (embedded by models) or float32
Example arrays (M examples, one row per prediction target):
    ``graph_id`` (M,) int, ``target`` (M,) int global node id or -1 for graph-level,
    ``y`` (M,) int class or float32 regression target, ``split`` (M,) int8
    (0 train, 1 val, 2 test), ``radius`` (M,) int required radius of that example.
Extras (optional): ``extras`` maps a name to a further numeric array a task or a transform
adds, e.g. the per-example ``commute_time`` of the transfer task or the edges a rewiring
added; arrays of length M are per-example columns. ``info`` is a JSON-able dict of
dataset-level facts (e.g. what a rewiring did). Both are saved with the dataset.

No per-example Python objects: views (`ds[i]`, `to_networkx`, batches) are cut from the
arrays on demand. DGL is imported only by the DGL views (`tasks.dgl_view`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from depthlab.tasks.splits import SPLIT_NAMES
from depthlab.tasks.validation import check_dataset_arrays

GRAPH_ARRAYS = ("node_ptr", "edge_ptr", "src", "dst", "x")
EXAMPLE_ARRAYS = ("graph_id", "target", "y", "split", "radius")
ARRAY_NAMES = GRAPH_ARRAYS + EXAMPLE_ARRAYS
LEVELS = ("node", "graph")
EXTRA_PREFIX = "extra."
INT32_LIMIT = 2**31 - 1


def id_dtype(largest: int) -> np.dtype:
    """int32 when every id up to ``largest`` fits in it, else int64 (halves the bytes of
    the id arrays of all but huge datasets)."""
    return np.dtype(np.int32 if largest <= INT32_LIMIT else np.int64)


@dataclass(eq=False)
class TaskDataset:
    """A generated task: metadata plus the arrays described in the module docstring.

    ``num_classes`` is ``None`` for regression. Construction checks the arrays' structure
    (:func:`tasks.validation.check_dataset_arrays`) and raises ``ValueError`` naming the
    array and the first bad index.
    """

    name: str
    params: dict[str, Any]
    seed: int
    level: str
    num_classes: int | None
    node_ptr: np.ndarray
    edge_ptr: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    x: np.ndarray
    graph_id: np.ndarray
    target: np.ndarray
    y: np.ndarray
    split: np.ndarray
    radius: np.ndarray
    version: str = field(default="")
    extras: dict[str, np.ndarray] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._check()

    # -- sizes and metadata ---------------------------------------------------------------
    @property
    def num_graphs(self) -> int:
        return len(self.node_ptr) - 1

    @property
    def num_nodes(self) -> int:
        return int(self.node_ptr[-1])

    @property
    def num_edges(self) -> int:
        return int(self.edge_ptr[-1])

    @property
    def required_radius(self) -> int:
        """The task-level required radius: the largest over the examples."""
        return int(self.radius.max()) if len(self.radius) else 0

    @property
    def is_regression(self) -> bool:
        return self.num_classes is None

    def __len__(self) -> int:
        return len(self.y)

    def split_indices(self, split: str) -> np.ndarray:
        """Example indices of ``split`` ("train", "val" or "test"), ascending."""
        codes = {v: k for k, v in SPLIT_NAMES.items()}
        if split not in codes:
            raise ValueError(f"split={split!r} is invalid: expected one of {', '.join(codes)}")
        return np.flatnonzero(self.split == codes[split])

    def get_idx_split(self) -> dict[str, "torch.Tensor"]:
        """OGB's split contract: ``{"train", "valid", "test"}`` -> (n_split,) int64 torch
        tensors of example indices, ascending (the validation split is "valid" here and
        "val" elsewhere in depthlab; it may be empty). Score test predictions, in this
        order, with ``depthlab.Evaluator(ds)`` or ``depthlab evaluate``."""
        import torch

        return {ogb: torch.from_numpy(self.split_indices(split))
                for ogb, split in (("train", "train"), ("valid", "val"), ("test", "test"))}

    def split_sizes(self) -> dict[str, int]:
        """Number of examples in each split, by name (splits with no example included)."""
        counts = np.bincount(self.split, minlength=3)
        return {SPLIT_NAMES[k]: int(counts[k]) for k in range(3)}

    def chance_accuracy(self, split: str = "test") -> float | None:
        """Accuracy of the best label-blind (constant) predictor on ``split``; None for
        regression. For a balanced task of C classes this is 1/C."""
        if self.is_regression:
            return None
        labels = self.y[self.split_indices(split)]
        if len(labels) == 0:
            return None
        return float(np.bincount(labels, minlength=self.num_classes).max() / len(labels))

    def summary(self) -> dict[str, Any]:
        """The figures `depthlab generate` and `describe` print, as a JSON-able dict."""
        out: dict[str, Any] = {
            "task": self.name,
            "seed": self.seed,
            "params": self.params,
            "level": self.level,
            "examples": len(self),
            "graphs": self.num_graphs,
            "nodes": self.num_nodes,
            "edges": self.num_edges,
            "num_classes": self.num_classes,
            "radius_min": int(self.radius.min()) if len(self) else 0,
            "radius_max": self.required_radius,
            "splits": self.split_sizes(),
        }
        measured = {k: v for k, v in sorted(self.extras.items())
                    if v.ndim == 1 and len(v) == len(self) and v.dtype.kind == "f" and len(v)}
        if measured:
            out["extras"] = {k: {"min": float(v.min()), "max": float(v.max())}
                             for k, v in measured.items()}
        if self.is_regression:
            out["label_mean"] = float(self.y.mean())
            out["label_std"] = float(self.y.std())
            out["constant_mse"] = float(self.y.var())
        else:
            counts = np.bincount(self.y, minlength=self.num_classes)
            out["class_balance"] = {"min": float(counts.min() / len(self)),
                                    "max": float(counts.max() / len(self))}
            out["chance_accuracy"] = self.chance_accuracy("test")
        return out

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return (f"TaskDataset({self.name}({args}), seed={self.seed}, examples={len(self)}, "
                f"graphs={self.num_graphs}, nodes={self.num_nodes}, radius={self.required_radius})")

    # -- views ----------------------------------------------------------------------------
    def graph_arrays(self, g: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Graph ``g`` as local ``(src, dst, x)``: node ids start at 0."""
        lo, hi = self.node_ptr[g], self.node_ptr[g + 1]
        e_lo, e_hi = self.edge_ptr[g], self.edge_ptr[g + 1]
        return self.src[e_lo:e_hi] - lo, self.dst[e_lo:e_hi] - lo, self.x[lo:hi]

    def local_target(self, i: int) -> int:
        """Target node of example ``i`` as a local id in its graph (-1 for graph-level)."""
        t = int(self.target[i])
        return t - int(self.node_ptr[self.graph_id[i]]) if t >= 0 else -1

    def __getitem__(self, i: int):
        """``(graph, label)`` for example ``i``, DGL's dataset convention.

        The DGL graph carries ``ndata["x"]`` and, for node-level examples, a boolean
        ``ndata["target"]`` marking the example's target node.
        """
        from depthlab.tasks.dgl_view import example_graph

        return example_graph(self, i)

    def to_pyg(self, examples=None) -> list:
        """The graphs holding ``examples`` (default all) as ``torch_geometric.data.Data``
        objects, targets carried as ``target_index`` (see ``depthlab.tasks.pyg_view``;
        needs ``pip install 'depthlab[pyg]'``)."""
        from depthlab.tasks.pyg_view import to_pyg

        return to_pyg(self, examples)

    def to_dgl_dataset(self, examples=None):
        """The graphs holding ``examples`` (default all) as a ``dgl.data.DGLDataset`` that
        ``dgl.dataloading.GraphDataLoader`` batches (``depthlab.tasks.dgl_dataset``)."""
        from depthlab.tasks.dgl_dataset import TaskDGLDataset

        return TaskDGLDataset(self, examples)

    def to_networkx(self, i: int):
        """Example ``i``'s graph as a ``networkx.DiGraph`` with local node ids.

        Node attribute ``x`` is the feature row as a tuple; graph attributes ``target``
        (local id or -1), ``label`` and ``radius``.
        """
        import networkx as nx

        g = int(self.graph_id[i])
        src, dst, x = self.graph_arrays(g)
        graph = nx.DiGraph(target=self.local_target(i), label=self.y[i].item(),
                           radius=int(self.radius[i]))
        graph.add_nodes_from((v, {"x": tuple(row.tolist())}) for v, row in enumerate(x))
        graph.add_edges_from(zip(src.tolist(), dst.tolist()))
        return graph

    # -- persistence ----------------------------------------------------------------------
    def arrays(self) -> dict[str, np.ndarray]:
        """The ten arrays by name, then the extras as ``extra.<name>``, in the on-disk order."""
        core = {name: getattr(self, name) for name in ARRAY_NAMES}
        return {**core, **{EXTRA_PREFIX + k: v for k, v in sorted(self.extras.items())}}

    def save(self, directory, force: bool = False):
        """Write ``meta.json`` and ``arrays.npz`` to ``directory`` atomically; an existing
        dataset there is replaced only with ``force`` (:func:`tasks.storage.save_dataset`)."""
        from depthlab.tasks.storage import save_dataset

        return save_dataset(self, directory, force)

    # -- invariants -----------------------------------------------------------------------
    def _check(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"inconsistent TaskDataset {self.name!r}: level={self.level!r}, "
                             f"expected one of {LEVELS}")
        check_dataset_arrays(self)
        for key, array in self.extras.items():
            if not isinstance(array, np.ndarray) or array.dtype.kind not in "biuf" or array.ndim > 2:
                raise ValueError(f"inconsistent TaskDataset {self.name!r}: extra {key!r} must be "
                                 "a numeric numpy array of 1 or 2 dimensions")
