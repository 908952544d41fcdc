import numpy as np

from depthlab.tasks.splits import TEST, TRAIN, VAL, stratified_split


def test_stratified_proportions_per_label():
    labels = np.repeat(np.arange(4), [100, 50, 20, 10])
    split = stratified_split(labels, 0.8, 0.1, np.random.default_rng(0))
    for label, size in zip(range(4), [100, 50, 20, 10]):
        members = split[labels == label]
        assert (members == TRAIN).sum() == round(0.8 * size)
        assert (members == VAL).sum() == round(0.1 * size)
        assert (members == TEST).sum() == size - round(0.8 * size) - round(0.1 * size)


def test_same_seed_same_split_and_float_labels_shuffle():
    labels = np.random.default_rng(1).normal(size=200).astype(np.float32)
    a = stratified_split(labels, 0.5, 0.0, np.random.default_rng(3))
    b = stratified_split(labels, 0.5, 0.0, np.random.default_rng(3))
    assert np.array_equal(a, b) and (a == TRAIN).sum() == 100 and a.dtype == np.int8
