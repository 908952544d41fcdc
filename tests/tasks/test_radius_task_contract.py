"""Contract checks shared by the two radius tasks: determinism, storage, DGL batches,
memory estimates and the budget."""
import numpy as np
import pytest
import torch

from depthlab.tasks import TaskTooLarge, load_task, make_task
from depthlab.tasks.dgl_view import example_batch
from depthlab.tasks.quiet_dgl import dgl
from depthlab.tasks.registry import get_task_spec
from depthlab.tasks.storage import ARRAYS_FILE, sha256_of

CASES = [
    ("tree-neighbors-match", {"radius": 3, "self_loops": True}),
    ("tree-neighbors-match", {"radius": 2, "arity": 3, "max_examples": 900}),
    ("grid-chain", {"radius": 3, "height": 4, "width": 7, "sources": 3, "num_examples": 300}),
    ("grid-chain", {"radius": 5, "sources": 2, "shortcut_p": 0.2, "num_examples": 300}),
    ("transfer", {"topology": "crossed-ring", "distance": 5, "num_examples": 300}),
    ("transfer", {"topology": "barbell", "distance": 4, "clique_size": 5, "num_examples": 300}),
]
IDS = ["tree-self-loops", "tree-ternary", "grid", "chain-shortcuts", "transfer-crossed-ring",
       "transfer-barbell"]


def saved_sha256(ds, directory) -> str:
    ds.save(directory)
    return sha256_of(directory / ARRAYS_FILE)


@pytest.mark.parametrize("name, params", CASES, ids=IDS)
def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path, name, params):
    first = saved_sha256(make_task(name, seed=11, **params), tmp_path / "a")
    again = saved_sha256(make_task(name, seed=11, **params), tmp_path / "b")
    other = saved_sha256(make_task(name, seed=12, **params), tmp_path / "c")
    assert first == again != other


@pytest.mark.parametrize("name, params", CASES, ids=IDS)
def test_save_load_round_trip(tmp_path, name, params):
    ds = make_task(name, seed=1, **params)
    ds.save(tmp_path)
    back = load_task(tmp_path)
    assert (back.name, back.params, back.seed, back.num_classes) == (
        name, ds.params, 1, ds.num_classes)
    assert back.arrays().keys() == ds.arrays().keys() and back.info == ds.info
    for key, array in ds.arrays().items():
        assert np.array_equal(back.arrays()[key], array) and back.arrays()[key].dtype == array.dtype


@pytest.mark.parametrize("name, params", CASES, ids=IDS)
def test_estimate_covers_the_arrays_without_gross_overcount(name, params):
    ds = make_task(name, seed=2, **params)
    spec = get_task_spec(name)
    saved = sum(a.nbytes for a in ds.arrays().values())
    assert saved <= spec.estimate_bytes(ds.params) <= 3 * saved


@pytest.mark.parametrize("name, params", CASES, ids=IDS)
def test_memory_budget_is_enforced_before_generation(name, params):
    with pytest.raises(TaskTooLarge, match=r"needs about 0\.\d\d GiB, over the memory budget"):
        make_task(name, seed=0, memory_budget=1000, **params)


def test_batches_equal_dgl_batch_of_single_examples():
    for name, params in CASES[::2]:
        ds = make_task(name, seed=3, **params)
        examples = np.array([5, 0, 17])
        batch = example_batch(ds, examples)
        singles = dgl.batch([ds[int(i)][0] for i in sorted(examples)])
        for got, want in zip(batch.graph.edges(), singles.edges()):
            assert torch.equal(got, want)
        assert torch.equal(batch.graph.ndata["x"], singles.ndata["x"])
        assert batch.graph.batch_num_nodes().tolist() == singles.batch_num_nodes().tolist()
        targets = torch.nonzero(singles.ndata["target"]).flatten().tolist()
        assert sorted(batch.readout.tolist()) == targets
        assert batch.labels.tolist() == ds.y[examples].tolist()
