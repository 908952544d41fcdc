"""What resumable training costs: the same run without a checkpoint (the baseline, measured
in the same process) and with one written after every epoch, the worst case (sweeps write
at most once a minute); then, separately, the parts: one write and the run identity's
dataset digest, on a dataset of the given radius.

    python benchmarks/bench_checkpoint.py [--radius 3] [--max-examples 512] [--epochs 30]
        [--family gcn] [--repeat 3] [--digest-radius 8]

A run is ``models.train`` of the family's alon-yahav preset at depth r + 1 on
tree-neighbors-match, the plain protocol for ``--epochs`` epochs, batch 64, one thread.
The two variants alternate ``--repeat`` times and the fastest of each is kept (wall
seconds). "ratio" is with / without. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from depthlab.models import train
from depthlab.models.checkpoint import LoopState, TrainingCheckpoint
from depthlab.models.protocol import AlonYahavSchedule
from depthlab.models.trainer import _content_digest
from depthlab.tasks import make_task


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _write_seconds(model, writes: int = 20) -> float:
    """The fastest of ``writes`` checkpoint writes of ``model`` with Adam's state."""
    optimizer = torch.optim.Adam(model.parameters())
    for parameter in model.parameters():
        parameter.grad = torch.zeros_like(parameter)
    optimizer.step()
    loop = LoopState(np.random.default_rng(0), {"blocks": AlonYahavSchedule()},
                     model.state_dict())
    with tempfile.TemporaryDirectory() as scratch:
        saver = TrainingCheckpoint(Path(scratch) / "run.pt", {"bench": True})
        return min(_timed(lambda: saver.save(model, optimizer, loop)) for _ in range(writes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--radius", type=int, default=3)
    parser.add_argument("--max-examples", type=int, default=512)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--family", default="gcn")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--digest-radius", type=int, default=8)
    args = parser.parse_args()

    dataset = make_task("tree-neighbors-match", seed=0, radius=args.radius,
                        max_examples=args.max_examples)
    model = {"name": args.family, "depth": args.radius + 1, "width": 32, "preset": "alon-yahav"}
    config = {"protocol": "plain", "epochs": args.epochs, "batch_size": 64}
    times: dict[str, list[float]] = {"without": [], "with, every epoch": []}
    with tempfile.TemporaryDirectory() as scratch:
        for attempt in range(args.repeat):
            path = Path(scratch) / f"run{attempt}.pt"
            times["without"].append(_timed(lambda: train(dataset, model, config, seed=0)))
            times["with, every epoch"].append(_timed(lambda: train(
                dataset, model, config, seed=0, checkpoint=path, checkpoint_every=1e-9)))
        size = path.stat().st_size
    base = min(times["without"])
    print(f"tree-neighbors-match r = {args.radius}, {len(dataset)} examples, {args.family} "
          f"depth {args.radius + 1}, {args.epochs} epochs; checkpoint {size / 1e3:.0f} kB\n")
    print("| variant | seconds | ratio |\n|---|---:|---:|")
    for name, values in times.items():
        print(f"| {name} | {min(values):.2f} | {min(values) / base:.3f} |")
    print(f"\none write, timed alone: {_write_seconds(train(dataset, model, config, seed=0).model) * 1e3:.1f} ms")

    large = make_task("tree-neighbors-match", seed=0, radius=args.digest_radius)
    seconds = _timed(lambda: _content_digest(large))
    print(f"dataset digest, r = {args.digest_radius} ({len(large)} examples, "
          f"{large.num_nodes} nodes): {seconds:.2f} s (once per run with a checkpoint)")


if __name__ == "__main__":
    main()
