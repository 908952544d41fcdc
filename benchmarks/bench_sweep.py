"""Sweep throughput: the same 8 real runs on 1 vs 2 local workers, and on Ray vs the pool.

Each sweep writes a fresh database, so every run is computed; times are wall-clock seconds
of ``experiments.sweep_runs`` including worker (and Ray cluster) start-up, without the
spec expansion. Ray is timed twice: starting its own local cluster (included in the time)
and on a cluster already running (as with --address). Targets: 2 workers at least 1.6x
faster than 1 on 2 cores; Ray at most 15% slower than the local pool.

    .venv/bin/python benchmarks/bench_sweep.py [--skip-ray]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from depthlab.experiments.api import sweep_runs
from depthlab.experiments.spec import expand, load_spec

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
epochs = 150
batch_size = 32
"""


def timed_sweep(runs, directory: Path, name: str, workers: int, executor: str) -> tuple[float, float]:
    """(wall seconds of the sweep, mean wall seconds of one run inside its worker)."""
    start = time.perf_counter()
    frame = sweep_runs(runs, directory / f"{name}.db", workers=workers, executor=executor)
    seconds = time.perf_counter() - start
    if set(frame["status"]) != {"finished"} or len(frame) != len(runs):
        raise RuntimeError(f"{name}: not every run finished: {frame['status'].value_counts().to_dict()}")
    return seconds, float(frame["wall_seconds"].mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-ray", action="store_true", help="only the local pool scaling")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        (directory / "bench.toml").write_text(SPEC)
        runs = expand(load_spec(directory / "bench.toml"))
        loads = [os.getloadavg()[0]]
        one = timed_sweep(runs, directory, "local-1", 1, "local")
        loads.append(os.getloadavg()[0])
        two = timed_sweep(runs, directory, "local-2", 2, "local")
        loads.append(os.getloadavg()[0])
        rows = [("local", 1, one), ("local", 2, two)]
        if not args.skip_ray:
            import ray

            rows.append(("ray, own local cluster", 2, timed_sweep(runs, directory, "ray-own", 2, "ray")))
            loads.append(os.getloadavg()[0])
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
            try:
                rows.append(("ray, running cluster", 2, timed_sweep(runs, directory, "ray-running", 2, "ray")))
            finally:
                ray.shutdown()
            loads.append(os.getloadavg()[0])
    print(f"{len(runs)} runs (gin depth 4 on tree-neighbors-match r=3, 256 examples, "
          f"150 epochs); {os.cpu_count()} cores; 1-min load average between phases: "
          + ", ".join(f"{load:.1f}" for load in loads))
    print("| executor | workers | sweep s | mean run s | speed-up vs 1 local worker | "
          "time vs 2 local workers |")
    print("|---|---|---|---|---|---|")
    for name, workers, (seconds, per_run) in rows:
        print(f"| {name} | {workers} | {seconds:.1f} | {per_run:.1f} | {one[0] / seconds:.2f}x | "
              f"{seconds / two[0]:.2f}x |")


if __name__ == "__main__":
    main()
