"""Small random datasets of every kind a model must handle, built directly as TaskDatasets."""
from __future__ import annotations

import numpy as np
import pytest

from depthlab.models.run_scope import run_scope
from depthlab.tasks.dataset import TaskDataset

KINDS = ("node-cls", "graph-cls", "node-reg", "graph-reg")


def toy_dataset(kind: str, seed: int = 0, graphs: int = 8, categorical: bool | None = None,
                splits: tuple[int, ...] = (0, 0, 1, 2)) -> TaskDataset:
    """``graphs`` random directed graphs of 4-8 nodes: node i > 0 has an edge from a random
    earlier node, plus two random extra edges (no self-loops) per graph.

    ``kind`` "node-*": two examples per graph (targets: its nodes 0 and 1); "graph-*": one.
    "*-cls": 3 classes; "*-reg": float labels. Features are (N, 2) int64 codes in [0, 5)
    when ``categorical`` (default: classification kinds), else (N, 3) float32. Example j
    gets split ``splits[j % len(splits)]``.
    """
    rng = np.random.default_rng(seed)
    level, task = kind.split("-")
    categorical = (task == "cls") if categorical is None else categorical
    sizes = rng.integers(4, 9, graphs)
    node_ptr = np.concatenate(([0], np.cumsum(sizes)))
    src, dst, edge_counts = [], [], []
    for g, n in enumerate(sizes):
        child = np.arange(1, n)
        parent = (rng.random(n - 1) * child).astype(np.int64)
        extra_src, extra_dst = rng.integers(0, n, 2), rng.integers(0, n, 2)
        keep = extra_src != extra_dst
        s = np.concatenate((child, extra_src[keep])) + node_ptr[g]
        d = np.concatenate((parent, extra_dst[keep])) + node_ptr[g]
        src.append(s)
        dst.append(d)
        edge_counts.append(len(s))
    n_total = int(node_ptr[-1])
    if categorical:
        x = rng.integers(0, 5, (n_total, 2)).astype(np.int64)
    else:
        x = rng.normal(size=(n_total, 3)).astype(np.float32)
    if level == "node":
        graph_id = np.repeat(np.arange(graphs), 2)
        target = node_ptr[graph_id] + np.tile([0, 1], graphs)
    else:
        graph_id = np.arange(graphs)
        target = np.full(graphs, -1)
    m = len(graph_id)
    y = rng.integers(0, 3, m) if task == "cls" else rng.normal(size=m).astype(np.float32)
    return TaskDataset(
        name=f"toy-{kind}", params={"graphs": graphs}, seed=seed, level=level,
        num_classes=3 if task == "cls" else None, node_ptr=node_ptr,
        edge_ptr=np.concatenate(([0], np.cumsum(edge_counts))), src=np.concatenate(src),
        dst=np.concatenate(dst), x=x, graph_id=graph_id, target=target, y=y,
        split=np.array([splits[j % len(splits)] for j in range(m)], dtype=np.int8),
        radius=np.ones(m, dtype=np.int64),
    )


@pytest.fixture(autouse=True)
def one_thread():
    """Run each test with one torch/DGL thread: tiny tensors gain nothing from more, and on
    a loaded 2-core machine OpenMP synchronisation costs 10-20x the work."""
    with run_scope(seed=0, threads=1):
        yield


@pytest.fixture
def toy():
    """The :func:`toy_dataset` builder."""
    return toy_dataset
