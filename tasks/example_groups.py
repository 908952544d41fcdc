"""Examples grouped by the graph that holds them: the unit of the PyG and DGL dataset views."""
from __future__ import annotations

import numpy as np

from depthlab.tasks.dataset import TaskDataset


def examples_by_graph(ds: TaskDataset, examples=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(graph_ids, ordered, bounds)`` for ``examples`` (example indices; default all).

    ``graph_ids`` (K,): the distinct graphs holding them, ascending; ``ordered`` (M,): the
    examples sorted by (graph, example index); graph ``graph_ids[k]`` holds
    ``ordered[bounds[k]:bounds[k+1]]`` (``bounds`` (K+1,)). Raises ``ValueError`` for an
    index outside ``[0, len(ds))`` or a repeated one.
    """
    examples = np.arange(len(ds)) if examples is None else np.asarray(examples)
    if examples.ndim != 1 or (examples.size and examples.dtype.kind not in "iu"):
        raise ValueError(f"examples must be a 1-d array of example indices, got shape "
                         f"{examples.shape} and dtype {examples.dtype}")
    examples = examples.astype(np.int64)
    if examples.size and (examples.min() < 0 or examples.max() >= len(ds)):
        raise ValueError(f"examples must lie in [0, {len(ds)}), got values from "
                         f"{examples.min()} to {examples.max()}")
    ordered = np.unique(examples)
    if len(ordered) != len(examples):
        raise ValueError("examples has repeated indices: each example can appear once")
    ordered = ordered[np.argsort(ds.graph_id[ordered], kind="stable")]
    graphs = ds.graph_id[ordered]
    starts = np.flatnonzero(np.concatenate(([True], graphs[1:] != graphs[:-1]))) if len(graphs) \
        else np.zeros(0, dtype=np.int64)
    return graphs[starts], ordered, np.append(starts, len(ordered))
