"""Seconds per evaluation block of the alon-yahav protocol (Tree-NeighborsMatch, published
preset and settings), per family and radius: the basis of the time estimates for radii one
cannot afford to run.

    python benchmarks/bench_alon_yahav_blocks.py [--radii 3,4,5,6,7,8]
        [--families gin,gcn,gat,ggnn] [--steps 6]

For each (family, r) the published model (preset "alon-yahav", depth r + 1, width 32) is
trained for ``--steps`` optimiser steps of the published batch (batch_size x accum_steps)
after one warm-up step, with models.trainer's own training pass; the test split is then
evaluated once. A block is ``eval_every`` passes of ceil(n_train / batch_size) batches plus
that evaluation. Seconds are this process's CPU seconds (one thread), so that load from
other jobs on a shared machine is not counted; the wall time of a block on a busy machine is
longer. Prints a Markdown table: per-step seconds, steps per block, seconds per block, and
the time of 21 blocks (the least a run that does not fit takes: 20 blocks of patience after
its first) and of 500 blocks (the 50,000-pass cap).
"""
from __future__ import annotations

import argparse
import math
import time

import numpy as np
import torch

from depthlab.models import TaskInfo, make_model, resolve_train_config
from depthlab.models.evaluate import evaluate
from depthlab.models.run_scope import run_scope
from depthlab.models.trainer import _train_pass
from depthlab.tasks import make_task


def measure(family: str, radius: int, steps: int, threads: int = 1,
            clock=time.process_time) -> dict:
    """One (family, r) row; ``clock`` times it (CPU seconds by default; wall time,
    ``time.perf_counter``, for more than one thread), with ``threads`` torch/DGL threads."""
    ds = make_task("tree-neighbors-match", seed=0, radius=radius)
    tc = resolve_train_config({"protocol": "alon-yahav"}, family, radius)
    train, test = ds.split_indices("train"), ds.split_indices("test")
    batch, accum = tc["batch_size"], tc["accum_steps"]
    with run_scope(0, threads):
        model = make_model(family, TaskInfo.from_dataset(ds), radius + 1, 32, preset="alon-yahav")
        optimizer = torch.optim.Adam(model.parameters(), lr=tc["lr"])
        order = np.random.default_rng(0).permutation(np.tile(train, 8))
        _train_pass(model, optimizer, ds, order[:batch * accum], batch, accum, False)
        start = clock()
        _train_pass(model, optimizer, ds, order[:batch * accum * steps], batch, accum, False)
        per_batch = (clock() - start) / (steps * accum)
        start = clock()
        evaluate(model, ds, test, tc["eval_batch_size"])
        eval_seconds = clock() - start
    batches = tc["eval_every"] * math.ceil(len(train) / batch)
    block = batches * per_batch + eval_seconds
    return {"family": family, "r": radius, "batch": f"{batch}x{accum}", "n_train": len(train),
            "s_per_batch": per_batch, "batches_per_block": batches, "s_per_block": block,
            "h_21_blocks": 21 * block / 3600, "h_500_blocks": 500 * block / 3600}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--radii", default="3,4,5,6,7,8")
    parser.add_argument("--families", default="gin,gcn,gat,ggnn")
    parser.add_argument("--steps", type=int, default=6)
    args = parser.parse_args()
    rows = [measure(f, int(r), args.steps) for r in args.radii.split(",")
            for f in args.families.split(",")]
    print("| family | r | batch | n_train | s/batch | batches/block | s/block | h for 21 blocks | h for 500 blocks |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['family']} | {row['r']} | {row['batch']} | {row['n_train']} | "
              f"{row['s_per_batch']:.4f} | {row['batches_per_block']} | {row['s_per_block']:.0f} | "
              f"{row['h_21_blocks']:.1f} | {row['h_500_blocks']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
