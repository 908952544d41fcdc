import numpy as np

from depthlab.tasks.tiling import tile_template


def test_copies_are_offset_and_keep_the_edge_order():
    node_ptr, edge_ptr, src, dst = tile_template(np.array([1, 2, 0]), np.array([0, 0, 2]), 3, 3)
    assert node_ptr.tolist() == [0, 3, 6, 9] and edge_ptr.tolist() == [0, 3, 6, 9]
    assert src.tolist() == [1, 2, 0, 4, 5, 3, 7, 8, 6]
    assert dst.tolist() == [0, 0, 2, 3, 3, 5, 6, 6, 8]
    assert src.dtype == dst.dtype == np.int64
