import numpy as np
import pytest
import torch

from depthlab import models
from depthlab.experiments import run as run_module
from depthlab.experiments.run import layer_energies, task_dataset
from depthlab.tasks import resolve_params
from depthlab.tasks.dgl_view import graphs_to_dgl
from depthlab.theory.smoothing import dirichlet_energy

from sweep_fakes import tiny_spec


def _task(seed=0):
    return {"name": "tree-neighbors-match", "data_seed": seed,
            "params": resolve_params("tree-neighbors-match", radius=2)}


def test_task_cache_is_keyed_by_the_full_task_config():
    assert task_dataset(_task()) is task_dataset(_task())
    other = task_dataset(_task(seed=1))
    assert other is not task_dataset(_task()) and other.seed == 1


def test_layer_energies_match_a_direct_computation_in_any_chunking(monkeypatch):
    ds = task_dataset(_task())
    model = models.make_model("gin", models.TaskInfo.from_dataset(ds), 3, 8).eval()
    graph_ids = np.unique(ds.graph_id[ds.split_indices("test")])
    graph = graphs_to_dgl(ds, graph_ids)
    src, dst = (t.numpy() for t in graph.edges())
    with torch.no_grad():
        direct = [dirichlet_energy(h, src, dst) for h in model.propagate(graph, model.encode(graph))]
    whole = layer_energies(model, ds)
    monkeypatch.setattr(run_module, "ENERGY_CHUNK_NODES", 8)  # about one 7-node tree per chunk
    chunked = layer_energies(model, ds)
    assert len(whole) == 4
    assert np.allclose(whole, direct, rtol=1e-6) and np.allclose(chunked, direct, rtol=1e-6)


def test_runs_of_a_logged_sweep_say_they_are_alive(tmp_path, capfd):
    from depthlab.experiments.api import log_heartbeat, sweep_runs
    from depthlab.experiments.spec import expand, load_spec

    spec = tiny_spec(tmp_path)
    assert log_heartbeat(progress=True) == run_module.HEARTBEAT_SECONDS  # stderr is captured
    assert log_heartbeat(progress=False) is None
    sweep_runs(expand(load_spec(spec)), tmp_path / "h.db", workers=1, heartbeat=0.0)
    lines = [line for line in capfd.readouterr().err.splitlines() if line.startswith("  ...")]
    assert len(lines) == 3  # one per epoch at heartbeat 0, from the worker process
    assert lines[0].startswith("  ... tree-neighbors-match gcn depth 3 seed 0: 1 passes, train_acc ")
    assert "lr 0.001" in lines[0] and lines[0].endswith(" min")


def test_threads_per_run_reach_the_run_and_are_checked_first(tmp_path):
    from depthlab.experiments.api import sweep
    from depthlab.experiments.store import Store

    spec = tiny_spec(tmp_path, train="epochs = 1")
    with pytest.raises(ValueError, match=r"threads=0 is out of range: expected an int in \[1, 1024\]"):
        sweep(spec, tmp_path / "t.db", threads=0)
    assert not (tmp_path / "t.db").exists()
    sweep(spec, tmp_path / "t.db", workers=1, threads=2)
    with Store(tmp_path / "t.db") as store:
        assert [row["record"]["threads"] for row in store.rows()] == [2]


def test_more_threads_than_cores_warns(tmp_path, monkeypatch):
    from depthlab.experiments import api

    monkeypatch.setattr(api, "available_cores", lambda: 1)
    with pytest.warns(RuntimeWarning, match=r"1 worker\(s\) x 2 threads = 2 threads on 1 cores"):
        api.sweep(tiny_spec(tmp_path, train="epochs = 1"), tmp_path / "w.db", workers=1, threads=2)
