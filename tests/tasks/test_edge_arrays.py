import numpy as np

from depthlab.tasks.edge_arrays import undirected_edge_arrays


def test_both_directions_sorted_with_graph_offsets():
    node_ptr = np.array([0, 3, 3, 5])
    src, dst, edge_ptr = undirected_edge_arrays(np.array([4, 2, 0]), np.array([3, 0, 1]), node_ptr)
    assert src.tolist() == [0, 0, 1, 2, 3, 4]
    assert dst.tolist() == [1, 2, 0, 0, 4, 3]
    assert edge_ptr.tolist() == [0, 4, 4, 6]
    assert src.dtype == dst.dtype == edge_ptr.dtype == np.int64
