"""Estimated against measured sweep time (experiments.run_cost), per shipped spec.

    python benchmarks/bench_estimates.py [--specs transfer,richness,...] [--runs 6]
        [--sample-seed 1] [--workers 1] [--out DIR]

For each spec, ``--runs`` of its runs drawn at random (``--sample-seed``) are swept into a
fresh database in DIR on ``--workers`` processes. Prints, per spec, the estimate printed
before a sweep (``sweep_seconds`` of the runs' estimates), the measured wall time of the
sweep (worker start-up included, spec expansion not), and their ratio; then one line per
run: family, depth, estimated and measured training seconds, epochs and stop reason. Run it
on an otherwise idle machine: the estimate assumes each worker has a core.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from depthlab.experiments.api import sweep_runs
from depthlab.experiments.run_cost import sweep_seconds
from depthlab.experiments.spec import expand, load_spec
from depthlab.experiments.store import Store

SPECS = "transfer,richness,oversmoothing,attention-quick,learning-curves,rewiring,quick"


def measure(spec: str, runs: int, sample_seed: int, workers: int, out: Path) -> dict:
    planned = expand(load_spec(spec))
    sample = random.Random(sample_seed).sample(planned, min(runs, len(planned)))
    db = out / f"{spec}.db"
    db.unlink(missing_ok=True)
    start = time.perf_counter()
    sweep_runs(sample, db, workers=workers)
    wall = time.perf_counter() - start
    with Store(db) as store:
        records = {row["key"]: row["record"] or {} for row in store.rows()}
    estimate = sweep_seconds([run.estimate_seconds for run in sample], workers)
    return {"spec": spec, "runs": len(sample), "estimate": estimate, "wall": wall,
            "detail": [(run.config["model"]["name"], run.config["model"]["depth"],
                        run.estimate_seconds, records[run.key].get("wall_seconds"),
                        records[run.key].get("epochs"), records[run.key].get("stop_reason"))
                       for run in sample]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", default=SPECS)
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--sample-seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="depthlab-estimates-"))
    out.mkdir(parents=True, exist_ok=True)
    print("| spec | runs | estimated | measured | measured / estimated |")
    print("|---|---:|---:|---:|---:|")
    details = []
    for spec in args.specs.split(","):
        row = measure(spec, args.runs, args.sample_seed, args.workers, out)
        details.append(row)
        print(f"| {spec} | {row['runs']} | {row['estimate']:.0f} s | {row['wall']:.0f} s | "
              f"{row['wall'] / row['estimate']:.2f} |", flush=True)
    for row in details:
        print(f"\n{row['spec']}: family, depth, estimated s, measured training s, epochs, stop")
        for family, depth, estimate, measured, epochs, stop in row["detail"]:
            print(f"  {family} {depth} {estimate:.1f} {measured:.1f} {epochs} {stop}")


if __name__ == "__main__":
    main()
