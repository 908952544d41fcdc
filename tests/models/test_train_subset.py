"""models.train_subset and the train_examples option: seeded, nested subsets of the split."""
from __future__ import annotations

import numpy as np
import pytest

from depthlab.models import train
from depthlab.models.train_subset import train_subset


def test_subsets_are_seeded_nested_and_drawn_from_the_split():
    split = np.arange(10, 60, 2)
    small, large = train_subset(split, 5, seed=3), train_subset(split, 12, seed=3)
    assert len(small) == 5 and len(large) == 12
    assert set(small) <= set(large) <= set(split)
    assert np.array_equal(small, train_subset(split, 5, seed=3))
    assert not np.array_equal(small, train_subset(split, 5, seed=4))
    assert train_subset(split, None, seed=3) is split


def test_too_many_examples_is_refused_with_the_split_size():
    with pytest.raises(ValueError, match=r"train_examples=11 is invalid: the train split has 10"):
        train_subset(np.arange(10), 11, seed=0)


def test_train_uses_the_subset_and_records_its_size(toy):
    ds = toy("node-cls", graphs=10)
    config = {"name": "gin", "depth": 1, "width": 8}
    run = train(ds, config, {"epochs": 2, "batch_size": 4, "train_examples": 3}, seed=0)
    assert run.record.n_train == 3 and run.record.train_config["train_examples"] == 3
    assert train(ds, config, {"epochs": 2}, seed=0).record.n_train == len(ds.split_indices("train"))
    with pytest.raises(ValueError, match="train_examples=0 is out of range"):
        train(ds, config, {"train_examples": 0}, seed=0)
