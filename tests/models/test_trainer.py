"""models.train: determinism, the record contract, stopping rules, and learning a tiny task."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from depthlab.models import RunRecord, train
from depthlab.models.record import versions
from depthlab.tasks import make_task

FAST = {"epochs": 4, "batch_size": 4, "lr": 0.01}


def _comparable(record: RunRecord) -> dict:
    out = record.to_dict()
    del out["wall_seconds"]
    return out


def test_same_seed_same_record_and_no_global_side_effects(toy):
    ds = toy("node-cls")
    config = {"name": "gat", "depth": 2, "width": 8, "dropout": 0.2}
    torch_state = torch.get_rng_state()
    threads = torch.get_num_threads()
    first = train(ds, config, FAST, seed=3)
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert torch.get_num_threads() == threads
    second = train(ds, config, FAST, seed=3)
    assert _comparable(first.record) == _comparable(second.record)
    other = train(ds, config, FAST, seed=4)
    assert other.record.curve != first.record.curve


def test_record_contract_for_classification_with_validation(toy):
    ds = toy("graph-cls")          # splits cycle train, train, val, test
    run = train(ds, {"name": "gin", "depth": 2, "width": 8}, FAST, seed=0)
    rec = run.record
    assert (rec.n_train, rec.n_val, rec.n_test) == (4, 2, 2)
    assert all(v is not None for v in (rec.train_acc, rec.val_acc, rec.test_acc))
    assert rec.train_mse is None and rec.test_mse is None
    assert rec.epochs == len(rec.curve) and 1 <= rec.best_epoch <= rec.epochs
    assert set(rec.curve[0]) == {"epoch", "loss", "lr", "train_acc", "val_acc", "test_acc"}
    best_val = max(row["val_acc"] for row in rec.curve)
    assert rec.curve[rec.best_epoch - 1]["val_acc"] == best_val == rec.val_acc
    assert rec.curve[rec.best_epoch - 1]["train_acc"] == rec.train_acc
    assert rec.width == 8 and rec.num_params > 0 and rec.seed == 0
    assert rec.model_config["norm"] == "none" and rec.train_config["protocol"] == "plain"
    assert set(rec.versions) == {"depthlab", "torch", "dgl", "numpy", "python"}
    assert not run.model.training
    restored = RunRecord.from_dict(json.loads(json.dumps(rec.to_dict())))
    assert restored == rec


def test_regression_records_mse_and_early_stops_on_validation(toy):
    ds = toy("node-reg", graphs=12)
    cfg = {"epochs": 60, "batch_size": 8, "lr": 0.05, "patience": 2}
    rec = train(ds, {"name": "sage", "depth": 1, "width": 8}, cfg, seed=1).record
    assert rec.train_acc is None and rec.val_acc is None and rec.test_acc is None
    assert min(rec.train_mse, rec.val_mse, rec.test_mse) >= 0
    assert set(rec.curve[0]) == {"epoch", "loss", "lr", "train_mse", "val_mse", "test_mse"}
    assert rec.val_mse == min(row["val_mse"] for row in rec.curve)
    if rec.epochs < 60:
        assert rec.epochs == rec.best_epoch + 2


def test_param_budget_config_records_the_actual_width(toy):
    rec = train(toy("node-cls"), {"name": "gcn", "depth": 2, "param_budget": 2000},
                {"epochs": 1}, seed=0).record
    assert rec.model_config["width"] is None and rec.model_config["param_budget"] == 2000
    assert abs(rec.num_params - 2000) < 0.1 * 2000 and rec.width > 1


def test_bad_configs_are_rejected(toy):
    ds = toy("node-cls")
    with pytest.raises(ValueError, match="unknown train option.*epoch;"):
        train(ds, {"name": "gin", "depth": 1, "width": 4}, {"epoch": 3}, seed=0)
    with pytest.raises(ValueError, match="protocol='alon' is invalid"):
        train(ds, {"name": "gin", "depth": 1, "width": 4}, {"protocol": "alon"}, seed=0)
    with pytest.raises(ValueError, match="model_config lacks depth"):
        train(ds, {"name": "gin", "width": 4}, {}, seed=0)


def test_versions_are_strings():
    assert all(isinstance(v, str) and v for v in versions().values())


def test_gin_learns_tree_neighbors_match_r2_and_the_reference_protocol_stops_it():
    # How far it gets before the plateau rule stops it depends on float rounding (seed 0:
    # train accuracy 0.83 on an AVX-512 machine, above 0.95 on another; seeds 1-2 here: 1.0,
    # 0.92): the reference protocol does not reliably fit r = 2 (issue 12; the published
    # protocol, "alon-yahav", does). What holds everywhere: well above chance (0.25).
    ds = make_task("tree-neighbors-match", seed=0, radius=2)
    cfg = {"epochs": 300, "batch_size": 128, "lr": 3e-3, "protocol": "reference", "patience": 20}
    rec = train(ds, {"name": "gin", "depth": 3, "width": 64}, cfg, seed=0).record
    assert rec.train_acc >= 0.6
    assert rec.epochs < 300                             # stopped by the protocol
    lrs = [row["lr"] for row in rec.curve]
    assert all(b in (a, a / 2) for a, b in zip(lrs, lrs[1:]))
    accs = np.array([row["train_acc"] for row in rec.curve])
    assert rec.train_acc == accs.max() and rec.best_epoch == int(accs.argmax()) + 1
