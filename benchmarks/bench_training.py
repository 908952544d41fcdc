"""Training throughput of every model family on tree-neighbors-match, against a hand-written
torch GIN measured in the same run.

    python benchmarks/bench_training.py [--radii 4,5,6] [--width 32] [--batch-size 128]
        [--steps 10] [--repeat 3] [--threads 1] [--clock cpu|wall] [--families gcn,gin,...]

For each radius r the models have depth r + 1 and the given width. One training step is
forward, cross-entropy loss, backward and an Adam step on a batch of ``--batch-size``
trees; the batches are built once beforehand (their construction is timed separately, as
"batching"). A measurement is ``--steps`` steps after one warm-up step; the models are
measured in turn ``--repeat`` times (interleaved, so load from other processes hits every
model alike) and the fastest measurement of each is kept. Seconds are this process's CPU
seconds by default (``--clock cpu``: on a machine shared with other jobs they count the
work, not the wait for a core; meaningful with ``--threads 1``), or wall seconds
(``--clock wall``). Throughput is reported in graphs per second and node-layer updates
per second (nodes in the batch x depth per second); "ratio" is a family's throughput
over the baseline's.

The baseline is the gin family's computation written with ``torch.index_add_``: the same
embedding encoder, per layer h' = relu(MLP(h + sum of in-neighbours)), the same readout at
the root and output map, with the same parameter count. Before timing, it is loaded with
the gin model's weights and must give the same outputs. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from depthlab.models import TaskInfo, count_parameters, list_models, make_model
from depthlab.models.encoders import CategoricalEncoder
from depthlab.models.run_scope import run_scope
from depthlab.tasks import make_task
from depthlab.tasks.dgl_view import ExampleBatch, example_batch

BASELINE = "torch-gin"
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


class IndexAddGIN(nn.Module):
    """The gin family's default network, with sum aggregation written as ``index_add_``."""

    def __init__(self, info: TaskInfo, depth: int, width: int) -> None:
        super().__init__()
        self.encoder = CategoricalEncoder(info.cardinalities, width)
        self.mlps = nn.ModuleList(
            nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width))
            for _ in range(depth))
        self.output = nn.Linear(width, info.num_outputs)

    def copy_from(self, gin: nn.Module) -> None:
        """Take the weights of a ``make_model("gin", ...)`` network of the same size."""
        self.encoder.load_state_dict(gin.encoder.state_dict())
        for mlp, block in zip(self.mlps, gin.blocks):
            mlp.load_state_dict(block.conv.conv.apply_func.state_dict())
        self.output.load_state_dict(gin.output.state_dict())

    def forward(self, batch: ExampleBatch) -> torch.Tensor:
        src, dst = batch.graph.edges()
        h = self.encoder(batch.graph.ndata["x"])
        for mlp in self.mlps:
            h = F.relu(mlp(h.index_add(0, dst, h[src])))
        return self.output(h[batch.readout])


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, batch: ExampleBatch) -> None:
    loss = F.cross_entropy(model(batch), batch.labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def seconds_per_step(model: nn.Module, optimizer, batches: list[ExampleBatch], steps: int,
                     clock) -> float:
    """Mean seconds of ``steps`` training steps (cycling over ``batches``) on ``clock``."""
    train_step(model, optimizer, batches[0])
    start = clock()
    for k in range(steps):
        train_step(model, optimizer, batches[k % len(batches)])
    return (clock() - start) / steps


def bench_radius(radius: int, args: argparse.Namespace) -> list[dict]:
    """Rows of the table for one radius: batching, the baseline, then each family."""
    n_batches = 4
    ds = make_task("tree-neighbors-match", seed=0, radius=radius,
                   max_examples=max(args.batch_size * n_batches, 2 ** radius))
    train_idx = ds.split_indices("train")[: args.batch_size * n_batches]
    chunks = np.array_split(train_idx, n_batches)
    clock = CLOCKS[args.clock]
    start = clock()
    batches = [example_batch(ds, chunk) for chunk in chunks]
    batching = (clock() - start) / n_batches
    info, depth = TaskInfo.from_dataset(ds), radius + 1
    nets = {name: make_model(name, info, depth, args.width) for name in args.families}
    baseline = IndexAddGIN(info, depth, args.width)
    check = make_model("gin", info, depth, args.width)
    baseline.copy_from(check)
    with torch.no_grad():
        torch.testing.assert_close(baseline(batches[0]), check(batches[0]), rtol=1e-4, atol=1e-5)
    nets = {BASELINE: baseline, **nets}
    optimizers = {name: torch.optim.Adam(net.parameters(), lr=1e-3) for name, net in nets.items()}
    best = {name: float("inf") for name in nets}
    for _ in range(args.repeat):
        for name, net in nets.items():
            net.train()
            best[name] = min(best[name], seconds_per_step(net, optimizers[name], batches, args.steps,
                                                            clock))
    graphs = np.mean([len(chunk) for chunk in chunks])
    nodes = np.mean([b.graph.num_nodes() for b in batches])
    base_rate = graphs / best[BASELINE]
    rows = [{"radius": radius, "model": "batching", "params": "", "ms": batching * 1e3,
             "graphs_s": graphs / batching, "updates_s": None, "ratio": None}]
    for name, net in nets.items():
        rows.append({"radius": radius, "model": name, "params": count_parameters(net),
                     "ms": best[name] * 1e3, "graphs_s": graphs / best[name],
                     "updates_s": nodes * depth / best[name],
                     "ratio": graphs / best[name] / base_rate})
    return rows


def print_table(rows: list[dict], args: argparse.Namespace) -> None:
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, python "
          f"{platform.python_version()}, torch {torch.__version__}; threads {args.threads}, "
          f"width {args.width}, depth r+1, batch {args.batch_size} trees, best of "
          f"{args.repeat} x {args.steps} steps, {args.clock} seconds")
    print("| r | model | params | ms/step | graphs/s | node-layer updates/s | ratio vs torch-gin |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        updates = "" if row["updates_s"] is None else f"{row['updates_s'] / 1e6:.2f} M"
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.2f}"
        print(f"| {row['radius']} | {row['model']} | {row['params']} | {row['ms']:.1f} | "
              f"{row['graphs_s']:,.0f} | {updates} | {ratio} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--radii", default="4,5,6", help="comma-separated tree depths")
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=10, help="timed steps per measurement")
    parser.add_argument("--repeat", type=int, default=3, help="measurements per model")
    parser.add_argument("--threads", type=int, default=1, help="torch and DGL threads")
    parser.add_argument("--clock", choices=tuple(CLOCKS), default="cpu",
                        help="process CPU seconds or wall seconds")
    parser.add_argument("--families", default=",".join(list_models()),
                        help="comma-separated model families")
    args = parser.parse_args(argv)
    args.families = [f for f in args.families.split(",") if f]
    rows = []
    with run_scope(seed=0, threads=args.threads):
        for radius in (int(r) for r in args.radii.split(",")):
            rows.extend(bench_radius(radius, args))
    print_table(rows, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
