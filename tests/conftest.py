"""Fixtures shared across the test packages."""
from __future__ import annotations

import numpy as np
import pytest

from depthlab.tasks.dataset import TaskDataset


def make_tiny_dataset(level: str = "node") -> TaskDataset:
    """Three small directed graphs (3, 2 and 4 nodes) with one example each, by hand.

    Graph 0: 1->0, 2->0; graph 1: 4->3; graph 2: 6->5, 7->6, 8->7. Node-level targets are
    each graph's first node; labels 1, 0, 2; splits train, train, test; radii 1, 1, 3.
    """
    node_ptr = np.array([0, 3, 5, 9])
    edge_ptr = np.array([0, 2, 3, 6])
    src = np.array([1, 2, 4, 6, 7, 8])
    dst = np.array([0, 0, 3, 5, 6, 7])
    x = np.arange(18, dtype=np.int64).reshape(9, 2) % 5
    target = np.array([0, 3, 5]) if level == "node" else np.full(3, -1)
    return TaskDataset(
        name="tiny", params={"kind": "hand-built"}, seed=0, level=level, num_classes=3,
        node_ptr=node_ptr, edge_ptr=edge_ptr, src=src, dst=dst, x=x,
        graph_id=np.arange(3), target=target, y=np.array([1, 0, 2]),
        split=np.array([0, 0, 2], dtype=np.int8), radius=np.array([1, 1, 3]),
    )


@pytest.fixture
def tiny_dataset() -> TaskDataset:
    return make_tiny_dataset("node")


@pytest.fixture
def tiny_graph_dataset() -> TaskDataset:
    return make_tiny_dataset("graph")
