"""Self-loop and fully-adjacent message graphs, against brute-force edge sets."""
from __future__ import annotations

import torch

from depthlab.models.adjacency import fully_adjacent, with_self_loops
from depthlab.tasks.quiet_dgl import dgl


def edge_set(graph):
    src, dst = graph.edges()
    return sorted(zip(src.tolist(), dst.tolist()))


def two_graphs():
    """Graph A: nodes 0-2, edges 1->0, 2->0, 0->0; graph B: nodes 3-6, edges 4->3, 5->4, 6->5."""
    a = dgl.graph(([1, 2, 0], [0, 0, 0]), num_nodes=3)
    b = dgl.graph(([1, 2, 3], [0, 1, 2]), num_nodes=4)
    return dgl.batch([a, b])


def test_with_self_loops_keeps_exactly_one_per_node():
    graph = two_graphs()
    assert edge_set(with_self_loops(graph)) == sorted(
        [(1, 0), (2, 0), (4, 3), (5, 4), (6, 5)] + [(v, v) for v in range(7)])


def test_fully_adjacent_to_targets_adds_every_member_node_once():
    graph = two_graphs()
    got = edge_set(fully_adjacent(graph, torch.tensor([0, 5])))
    expected = {(1, 0), (2, 0), (0, 0), (4, 3), (5, 4), (6, 5)}
    expected |= {(u, 0) for u in range(3)} | {(u, 5) for u in range(3, 7)}
    assert got == sorted(expected)


def test_fully_adjacent_without_targets_is_all_to_all_per_graph():
    graph = two_graphs()
    got = edge_set(fully_adjacent(graph, None))
    expected = {(u, v) for u in range(3) for v in range(3)}
    expected |= {(u, v) for u in range(3, 7) for v in range(3, 7)}
    assert got == sorted(expected)
