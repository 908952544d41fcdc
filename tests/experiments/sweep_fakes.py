"""Fake runs for sweep tests: deterministic records, optional sleep, failure or crash;
and :func:`tiny_spec`, a real spec of one tree-neighbors-match r = 2 run or two.

A fake config is ``{"task": {"name": "fake", "params": {"i": i}, "data_seed": 0}, "model":
{"name": "fake", "depth": 1, "width": 1}, "train": {...}, "seed": s}``; train settings
``sleep`` (seconds), ``fail`` (raise) and ``crash`` (kill the worker process) steer it.
``main([DB, N, SLEEP, WORKERS, "reverse"?])`` sweeps N fake runs (for subprocess tests).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from depthlab.experiments.spec import Run, config_key


def tiny_spec(directory: Path, depth: str = '"r+1"', train: str = "epochs = 3",
              options: str = "") -> Path:
    """Write a spec of GCN width 8 at ``depth`` (TOML) on tree-neighbors-match r = 2 with
    ``train`` settings and model ``options`` lines to ``directory``/tiny.toml; return it."""
    path = Path(directory) / "tiny.toml"
    path.write_text(f"""seeds = [0]
[[task]]
name = "tree-neighbors-match"
params = {{ radius = 2 }}
[[model]]
family = "gcn"
depth = {depth}
width = 8
{options}
[train]
{train}
""")
    return path


def fake_config(i: int, seed: int = 0, **train) -> dict:
    return {"task": {"name": "fake", "params": {"i": i}, "data_seed": 0},
            "model": {"name": "fake", "depth": 1 + i % 3, "width": 1}, "train": train,
            "seed": seed}


def fake_runs(n: int, seeds: int = 1, **train) -> list[Run]:
    configs = [fake_config(i, seed, **train) for i in range(n) for seed in range(seeds)]
    return [Run(config_key(c), c, 0.0) for c in configs]


def fake_run(config: dict) -> dict:
    train = config["train"]
    gate = os.environ.get("FAKE_RUN_GATE")
    if gate:
        with open(os.path.join(gate, "started"), "a") as log:
            log.write(f"{os.getpid()}\n")
        while not os.path.exists(os.path.join(gate, "go")):
            time.sleep(0.01)
    time.sleep(float(os.environ.get("FAKE_RUN_SLEEP", "0")))
    if train.get("crash"):
        os._exit(3)
    if train.get("fail"):
        raise RuntimeError(f"fake failure of run {config['task']['params']['i']}")
    i, seed = config["task"]["params"]["i"], config["seed"]
    return {"test_acc": (i % 4) / 4 + seed / 100, "train_acc": 1.0, "radius": 2 + i % 4,
            "chance": 0.25, "epochs": 1, "energy": [1.0, 0.5], "pid": os.getpid(),
            "finished_at": time.time()}


def main(argv: list[str]) -> None:
    from depthlab.experiments.api import sweep_runs

    db, n, sleep, workers = argv[0], int(argv[1]), float(argv[2]), int(argv[3])
    os.environ["FAKE_RUN_SLEEP"] = str(sleep)
    runs = fake_runs(n)
    if len(argv) > 4 and argv[4] == "reverse":
        runs = runs[::-1]
    sweep_runs(runs, db, workers=workers, run_fn=fake_run)

