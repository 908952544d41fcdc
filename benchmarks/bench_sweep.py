"""Sweep throughput: the same 8 real runs on 1 vs 2 local workers, and on Ray vs the pool.

Each sweep writes a fresh database, so every run is computed; times are wall-clock seconds
of ``experiments.sweep_runs`` including worker (and Ray cluster) start-up, without the
spec expansion. Targets: 2 workers at least 1.6x faster than 1 on 2 cores; Ray at most
15% slower than the local pool.

    .venv/bin/python benchmarks/bench_sweep.py [--skip-ray]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from experiments.api import sweep_runs
from experiments.spec import expand, load_spec

SPEC = """
seeds = [0, 1, 2, 3, 4, 5, 6, 7]
[[task]]
name = "tree-neighbors-match"
params = { radius = 3, max_examples = 256 }
[[model]]
family = "gin"
depth = "r+1"
width = 32
[train]
epochs = 15
batch_size = 32
"""


def timed_sweep(runs, directory: Path, name: str, workers: int, executor: str) -> float:
    start = time.perf_counter()
    frame = sweep_runs(runs, directory / f"{name}.db", workers=workers, executor=executor)
    seconds = time.perf_counter() - start
    if set(frame["status"]) != {"finished"} or len(frame) != len(runs):
        raise RuntimeError(f"{name}: not every run finished: {frame['status'].value_counts().to_dict()}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-ray", action="store_true", help="only the local pool scaling")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        (directory / "bench.toml").write_text(SPEC)
        runs = expand(load_spec(directory / "bench.toml"))
        load_before = os.getloadavg()[0]
        one = timed_sweep(runs, directory, "local-1", 1, "local")
        two = timed_sweep(runs, directory, "local-2", 2, "local")
        ray = None if args.skip_ray else timed_sweep(runs, directory, "ray-2", 2, "ray")
    print(f"{len(runs)} runs (gin depth 4 on tree-neighbors-match r=3, 256 examples, 15 epochs); "
          f"cores {os.cpu_count()}, load average before {load_before:.1f}")
    print("| executor | workers | seconds | vs local, 1 worker | vs local, 2 workers |")
    print("|---|---|---|---|---|")
    print(f"| local | 1 | {one:.1f} | 1.00x | |")
    print(f"| local | 2 | {two:.1f} | {one / two:.2f}x faster | 1.00 |")
    if ray is not None:
        print(f"| ray | 2 | {ray:.1f} | {one / ray:.2f}x faster | {ray / two:.2f} (time ratio) |")


if __name__ == "__main__":
    main()
