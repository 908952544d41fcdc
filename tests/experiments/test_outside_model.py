"""Acceptance of the interop issue: depthlab from a user's own project, and a model written
in plain PyTorch outside depthlab, trained on get_idx_split() and scored by the Evaluator
and by `depthlab evaluate`."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import depthlab
from depthlab.experiments.cli import main

BIN = Path(sys.executable).parent


def test_a_users_models_and_tasks_folders_are_not_shadowed(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "__init__.py").write_text("OWNER = 'user'\n")
    (tmp_path / "tasks.py").write_text("OWNER = 'user'\n")
    probe = ("import depthlab; from depthlab.tasks import make_task; import models, tasks; "
             "print(models.OWNER, tasks.OWNER, depthlab.make_task is make_task)\n"
             "for name in ('theory', 'experiments'):\n"
             "    try:\n        __import__(name)\n        print('found', name)\n"
             "    except ModuleNotFoundError:\n        pass\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["user", "user", "True"]
    helped = subprocess.run([str(BIN / "depthlab"), "--help"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0 and "evaluate" in helped.stdout


class PlainMPNN(torch.nn.Module):
    """A message-passing net in plain PyTorch over depthlab's arrays:
    h <- relu(A h + B sum_{u -> v} h_u), ``depth`` times; logits at the target nodes."""

    def __init__(self, cardinalities, classes: int, depth: int, width: int = 32) -> None:
        super().__init__()
        self.embed = torch.nn.ModuleList(torch.nn.Embedding(c, width) for c in cardinalities)
        self.own = torch.nn.ModuleList(torch.nn.Linear(width, width) for _ in range(depth))
        self.msg = torch.nn.ModuleList(torch.nn.Linear(width, width) for _ in range(depth))
        self.out = torch.nn.Linear(width, classes)

    def forward(self, x, src, dst, targets):
        h = sum(table(x[:, f]) for f, table in enumerate(self.embed))
        for own, msg in zip(self.own, self.msg):
            h = torch.relu(own(h) + msg(torch.zeros_like(h).index_add(0, dst, h[src])))
        return self.out(h[targets])


def test_plain_pytorch_model_scored_by_evaluator_and_cli(tmp_path, capsys):
    ds = depthlab.make_task("tree-neighbors-match", seed=0, radius=2)
    split = ds.get_idx_split()
    x, src, dst = (torch.from_numpy(a) for a in (ds.x, ds.src, ds.dst))
    target, y = torch.from_numpy(ds.target), torch.from_numpy(ds.y)
    threads = torch.get_num_threads()
    with torch.random.fork_rng():
        torch.manual_seed(0)
        torch.set_num_threads(1)  # tiny tensors: more threads only contend on a busy box
        model = PlainMPNN([int(c) + 1 for c in ds.x.max(axis=0)], ds.num_classes, depth=2)
        optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
        train = split["train"]
        for _ in range(300):
            loss = torch.nn.functional.cross_entropy(
                model(x, src, dst, target[train]), y[train])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        torch.set_num_threads(threads)
    with torch.no_grad():
        train_pred = model(x, src, dst, target[train]).argmax(1)
        scores = model(x, src, dst, target[split["test"]])
    evaluator = depthlab.Evaluator(ds)
    assert evaluator.eval({"y_true": y[train], "y_pred": train_pred})["acc"] > 0.4  # chance 0.25
    test_acc = evaluator.eval({"y_true": y[split["test"]], "y_pred": scores})["acc"]

    ds.save(tmp_path / "data")
    np.save(tmp_path / "scores.npy", scores.numpy())
    code = main(["evaluate", str(tmp_path / "data"), "--predictions",
                 str(tmp_path / "scores.npy"), "--depth", "2", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["score"] == pytest.approx(test_acc)
    # A 2-layer MPNN can never beat the 2-round 1-WL ceiling on the same examples.
    assert report["ceiling_check"]["status"] == "consistent"
    assert report["score"] <= report["ceiling"]
