"""Training throughput of the alon-yahav protocol against the published pipeline of Alon &
Yahav (github.com/tech-srl/bottleneck), same machine, same work, measured side by side.

    python benchmarks/bench_published_pipeline.py --reference PATH [--radii 4,6]
        [--families gin,gcn,gat,ggnn] [--passes 2] [--repeat 2] [--threads 1]
        [--loader-workers 0]

PATH is a checkout of tech-srl/bottleneck; its code is run as published, never copied here.
It needs torch_geometric (depthlab's ``pyg`` extra) and scikit-learn (``pip install
scikit-learn``); the ``attrdict`` package it imports for argument dictionaries is broken on
Python >= 3.10, so a stand-in is put in its place (it is not used on this path).

One measurement is one evaluation block of ``--passes`` shuffled passes over the training
split plus the evaluation that ends the block, with the published model and settings of
the family at radius r (depth r + 1, width 32, the run script's batch and flags):

- reference: ``Experiment(args).run()`` with ``eval_every = max_epochs = passes``: its
  PyG ``DataLoader`` over the repeated train list, forward, loss, train accuracy from the
  passes, backward, Adam, then the test evaluation. Dataset construction is not timed.
- depthlab: ``models.train`` with ``preset``/``protocol`` "alon-yahav" and ``eval_every =
  passes``, timed from the call to its first curve point (the block's training passes and
  the val and test evaluation; the final whole-split evaluation after the stop is not
  timed). Dataset generation is not timed.

Each side runs in its own subprocess (the two codebases have top-level packages of the
same names) with ``--threads`` torch threads (the reference's run scripts use the default,
one per core, and 7 DataLoader worker processes: ``--threads 2 --loader-workers 7`` on 2
cores); the sides alternate ``--repeat`` times and the fastest
of each is kept. Throughput is training graphs per wall second (passes x n_train / block
seconds); "ratio" is depthlab's over the reference's. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import types

from depthlab.models.presets import preset_options, protocol_defaults

GNN_TYPE = {"gin": "GIN", "gcn": "GCN", "gat": "GAT", "ggnn": "GGNN"}


def published_batch(family: str, radius: int) -> tuple[int, int]:
    """(batch_size, accum_steps) of the published run script, as models.presets has them."""
    settings = protocol_defaults("alon-yahav", family, radius)
    return settings["batch_size"], settings["accum_steps"]


class BlockDone(Exception):
    """Raised from the first curve point: the block is measured, the rest of the run is not."""


def reference_block(path: str, family: str, radius: int, passes: int, loader_workers: int) -> dict:
    """Seconds of one block of the published pipeline at ``path`` (run in this process)."""
    sys.path.insert(0, path)
    stand_in = types.ModuleType("attrdict")
    stand_in.AttrDict = type("AttrDict", (dict,), {"__getattr__": dict.__getitem__})
    sys.modules.setdefault("attrdict", stand_in)
    import common
    from experiment import Experiment

    batch, accum = published_batch(family, radius)
    options = preset_options("alon-yahav", family)
    flags = {"no_layer_norm": options["norm"] == "none",
             "no_activation": options["activation"] == "identity",
             "no_residual": not options["residual"]}
    args = types.SimpleNamespace(
        task=common.Task.NEIGHBORS_MATCH, type=common.GNN_TYPE[GNN_TYPE[family]], dim=32,
        depth=radius, num_layers=radius + 1, train_fraction=0.8, max_epochs=passes,
        eval_every=passes, batch_size=batch, accum_grad=accum, patience=20,
        stop=common.STOP.TRAIN, loader_workers=loader_workers, last_layer_fully_adjacent=False,
        unroll=False, **flags)
    experiment = Experiment(args)
    warm_up()
    start = time.perf_counter()
    experiment.run()
    return {"seconds": time.perf_counter() - start, "n_train": len(experiment.X_train)}


def depthlab_block(family: str, radius: int, passes: int, threads: int) -> dict:
    """Seconds from ``models.train``'s call to its first block's curve point."""
    from depthlab.models.trainer import train
    from depthlab.tasks import make_task

    dataset = make_task("tree-neighbors-match", seed=0, radius=radius)
    marks = []
    warm_up()

    def first_point(point: dict) -> None:
        marks.append(time.perf_counter())
        raise BlockDone

    start = time.perf_counter()
    try:
        train(dataset, {"name": family, "depth": radius + 1, "width": 32, "preset": "alon-yahav"},
              {"protocol": "alon-yahav", "eval_every": passes, "threads": threads}, seed=0,
              on_point=first_point)
    except BlockDone:
        pass
    return {"seconds": marks[0] - start, "n_train": len(dataset.split_indices("train"))}


def warm_up() -> None:
    """Pay the one-off imports (the first Adam imports torch._dynamo, about 1 s) untimed."""
    import torch

    torch.optim.Adam([torch.zeros(1, requires_grad=True)])


def measure(side: str, args: argparse.Namespace, family: str, radius: int) -> dict:
    """One block of ``side`` in a fresh single-threaded subprocess."""
    threads = str(args.threads)
    env = {**os.environ, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
    command = [sys.executable, __file__, "--one", side, family, str(radius), *sys.argv[1:]]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{side} {family} r={radius} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", required=True, help="checkout of tech-srl/bottleneck")
    parser.add_argument("--radii", default="4,6")
    parser.add_argument("--families", default="gin,gcn,gat,ggnn")
    parser.add_argument("--passes", type=int, default=2, help="passes per block (published: 100)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="torch threads on each side")
    parser.add_argument("--loader-workers", type=int, default=0,
                        help="reference DataLoader workers (its run scripts use 7)")
    parser.add_argument("--one", nargs=3, metavar=("SIDE", "FAMILY", "R"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        side, family, radius = args.one[0], args.one[1], int(args.one[2])
        import torch

        torch.set_num_threads(args.threads)
        result = (reference_block(args.reference, family, radius, args.passes, args.loader_workers)
                  if side == "reference" else depthlab_block(family, radius, args.passes, args.threads))
        print(json.dumps(result))
        return
    print("| family | r | batch | n_train | reference graphs/s | depthlab graphs/s | ratio |")
    print("|---|---|---|---|---:|---:|---:|")
    for radius in map(int, args.radii.split(",")):
        for family in args.families.split(","):
            best = {}
            for _ in range(args.repeat):
                for side in ("reference", "depthlab"):
                    result = measure(side, args, family, radius)
                    if side not in best or result["seconds"] < best[side]["seconds"]:
                        best[side] = result
            rate = {s: args.passes * r["n_train"] / r["seconds"] for s, r in best.items()}
            batch, accum = published_batch(family, radius)
            print(f"| {family} | {radius} | {batch}x{accum} | {best['depthlab']['n_train']} | "
                  f"{rate['reference']:,.0f} | {rate['depthlab']:,.0f} | "
                  f"{rate['depthlab'] / rate['reference']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
