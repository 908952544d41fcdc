"""Device selection: cpu, cuda, auto; a missing GPU is a one-line error; GPU runs match CPU."""
from __future__ import annotations

import pytest
import torch

from depthlab.experiments.cli import main
from depthlab.models import train
from depthlab.models.device import cuda_problem, resolve_device
from depthlab.tasks import make_task

NO_CUDA = cuda_problem() is not None
MODEL = {"name": "gin", "depth": 2, "width": 8}


def test_cpu_and_auto_without_cuda():
    assert resolve_device("cpu") == torch.device("cpu")
    if NO_CUDA:
        assert resolve_device("auto") == torch.device("cpu")


def test_unknown_device_lists_the_choices():
    with pytest.raises(ValueError, match=r"device='gpu' is invalid: expected one of cpu, cuda, auto"):
        resolve_device("gpu")


@pytest.mark.skipif(not NO_CUDA, reason="CUDA is usable here")
def test_cuda_where_absent_is_a_value_error():
    with pytest.raises(ValueError, match="device='cuda' is not available"):
        resolve_device("cuda")
    ds = make_task("tree-neighbors-match", seed=0, radius=2)
    with pytest.raises(ValueError, match="not available"):
        train(ds, MODEL, {"epochs": 1, "device": "cuda"}, seed=0)


@pytest.mark.skipif(not NO_CUDA, reason="CUDA is usable here")
def test_cli_cuda_where_absent_is_one_line_exit_2(capsys):
    code = main(["train", "--task", "tree-neighbors-match", "--param", "radius=2",
                 "--model", "gin", "--device", "cuda"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("error: device='cuda' is not available")
    assert "Traceback" not in err


def test_record_says_where_the_run_computed():
    ds = make_task("tree-neighbors-match", seed=0, radius=2)
    run = train(ds, MODEL, {"epochs": 1, "device": "auto"}, seed=0)
    assert run.record.device == ("cpu" if NO_CUDA else "cuda")


@pytest.mark.parametrize("model", [
    MODEL, {**MODEL, "fully_adjacent_last": True}, {**MODEL, "name": "gcn"},
    {"name": "graphormer", "depth": 1, "width": 8},
])
def test_auto_device_run_matches_cpu(model):
    """On a CUDA machine this trains on the GPU (same numbers up to float tolerance); here
    "auto" is the CPU, and the records must be identical."""
    ds = make_task("tree-neighbors-match", seed=0, radius=2)
    cpu = train(ds, model, {"epochs": 2, "device": "cpu"}, seed=0).record
    auto = train(ds, model, {"epochs": 2, "device": "auto"}, seed=0).record
    assert auto.device == ("cpu" if NO_CUDA else "cuda")
    tolerance = 0 if NO_CUDA else 0.05
    assert auto.train_acc == pytest.approx(cpu.train_acc, abs=tolerance)
    assert auto.test_acc == pytest.approx(cpu.test_acc, abs=tolerance)


SPEC = """
{top}
[[task]]
name = "tree-neighbors-match"
params = {{ radius = 2 }}
[[model]]
family = "gin"
depth = 1
width = 8
[train]
epochs = 1
{train}
"""


def test_spec_device_is_checked_and_kept_out_of_the_run_keys(tmp_path):
    from depthlab.experiments.spec import expand, load_spec

    bad = tmp_path / "bad.toml"
    bad.write_text(SPEC.format(top='device = "gpu"', train=""))
    with pytest.raises(ValueError, match="device='gpu' is invalid"):
        load_spec(bad)
    in_train = tmp_path / "in_train.toml"
    in_train.write_text(SPEC.format(top="", train='device = "cpu"'))
    with pytest.raises(ValueError, match=r"\[train\] device is not a run setting"):
        expand(load_spec(in_train))
    auto, plain = tmp_path / "auto.toml", tmp_path / "plain.toml"
    auto.write_text(SPEC.format(top='device = "auto"', train=""))
    plain.write_text(SPEC.format(top="", train=""))
    assert load_spec(auto).device == "auto" and load_spec(plain).device == "cpu"
    assert [r.key for r in expand(load_spec(auto))] == [r.key for r in expand(load_spec(plain))]


@pytest.mark.skipif(not NO_CUDA, reason="CUDA is usable here")
def test_sweep_on_cuda_where_absent_fails_before_any_run(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text(SPEC.format(top="", train=""))
    code = main(["sweep", str(spec), "--db", str(tmp_path / "r.db"), "--device", "cuda"])
    assert code == 2 and "device='cuda' is not available" in capsys.readouterr().err
    assert not (tmp_path / "r.db").exists()
