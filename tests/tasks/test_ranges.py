import numpy as np

from depthlab.tasks.ranges import concatenated_ranges


def test_matches_the_loop_it_replaces():
    starts, counts = np.array([5, 0, 9, 2]), np.array([3, 0, 1, 2])
    expected = np.concatenate([np.arange(s, s + c) for s, c in zip(starts, counts)])
    assert concatenated_ranges(starts, counts).tolist() == expected.tolist()
    assert concatenated_ranges(np.array([], int), np.array([], int)).dtype == np.int64
