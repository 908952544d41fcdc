"""Wall seconds per evaluation block of the alon-yahav protocol with one torch/DGL thread
and with ``--threads`` threads (``depthlab sweep|reproduce --threads N``), per family and
radius, and the speed-up: what one long reproduction gains on idle cores.

    python benchmarks/bench_threads.py [--radii 4] [--families gin,gcn,gat,ggnn]
        [--threads 2] [--steps 6]

Both are measured in the same run, one after the other, on the published model and batches
(bench_alon_yahav_blocks.measure, timed by the wall clock). Run it on idle cores: other jobs
take threads away and the ratio with them; the load average is printed first.
"""
from __future__ import annotations

import argparse
import os
import time

from bench_alon_yahav_blocks import measure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--radii", default="4")
    parser.add_argument("--families", default="gin,gcn,gat,ggnn")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=6)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"| family | r | batch | s/block, 1 thread | s/block, {args.threads} threads | speed-up |")
    print("|---|---|---|---|---|---|")
    for radius in map(int, args.radii.split(",")):
        for family in args.families.split(","):
            one = measure(family, radius, args.steps, threads=1, clock=time.perf_counter)
            many = measure(family, radius, args.steps, threads=args.threads,
                           clock=time.perf_counter)
            print(f"| {family} | {radius} | {one['batch']} | {one['s_per_block']:.0f} | "
                  f"{many['s_per_block']:.0f} | {one['s_per_block'] / many['s_per_block']:.2f}x |",
                  flush=True)


if __name__ == "__main__":
    main()
