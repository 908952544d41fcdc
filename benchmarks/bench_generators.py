"""Time the task generators against per-example networkx baselines, with peak memory.

    python benchmarks/bench_generators.py [--include NAME,...] [--repeat N]
        [--baseline-examples N] [--no-baseline]

Every measurement runs in a fresh subprocess; its peak memory is the kernel's resident
high-water mark (VmHWM, reset after the imports) minus the resident size at that point, so
it belongs to one generation alone (Linux only); the generator's
time is the best of ``--repeat`` runs at full size. The per-example baseline costs the
same for every example, so by default it runs once on ``--baseline-examples`` examples and
its time is scaled to the full count (0: run it at full size); its peak is that of the
run. "saved" is the size of the ``arrays.npz`` the generated dataset writes. Prints a
Markdown table.

A benchmark case is one entry of ``CASES``: the task and its parameters, optionally the
name of a baseline in ``nx_baselines``, the parameter that sets the number of examples,
and small parameters at which the baseline must return exactly the generator's arrays
(checked before timing).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SEED = 0


@dataclass(frozen=True)
class Case:
    """One benchmarked generation: ``task`` with ``params``; ``baseline`` names a function
    of ``nx_baselines`` (None: time the generator only) and ``examples_param`` the
    parameter that caps the example count; with ``identical_at``, the baseline must
    reproduce the generator's arrays at those parameters."""

    task: str
    params: dict[str, Any]
    baseline: str | None = None
    examples_param: str | None = None
    identical_at: dict[str, Any] | None = None

    def baseline_params(self, examples: int) -> dict[str, Any]:
        """``params`` cut to about ``examples`` examples (0 or no ``examples_param``:
        unchanged, so the baseline runs at full size)."""
        if examples and self.examples_param:
            return {**self.params, self.examples_param: examples}
        return self.params


CASES = {
    "tree-r8": Case("tree-neighbors-match", {"radius": 8}, "tree_neighbors_match",
                    "max_examples", {"radius": 4}),
    "grid-16x16-r8-k4": Case("grid-chain", {"radius": 8, "height": 16, "width": 16,
                                            "sources": 4, "num_examples": 10000},
                             "grid_chain", "num_examples"),
    "grid-16x16-r8-k4-p0.05": Case("grid-chain", {
        "radius": 8, "height": 16, "width": 16, "sources": 4, "num_examples": 10000,
        "shortcut_p": 0.05}, "grid_chain", "num_examples"),
    "motif-er-n20-triangle-node": Case("motif-count", {"num_graphs": 20000, "level": "node"},
                                       "motif_count", "num_graphs"),
    "motif-reg-n20-d3-c4-induced": Case("motif-count", {
        "family": "regular", "num_graphs": 20000, "pattern": "4-cycle", "induced": True,
        "level": "node"}, "motif_count", "num_graphs"),
    "motif-er-n100-k4-node": Case("motif-count", {"num_graphs": 200, "n": 100,
                                                  "pattern": "k4", "level": "node"}),
    "csbm-n1000": Case("csbm", {}, "csbm"),
    "csbm-n20k": Case("csbm", {"n": 20000, "p_in": 5e-4, "p_out": 1e-4}, "csbm"),
    "csbm-n1m": Case("csbm", {"n": 1000000, "p_in": 1e-5, "p_out": 2e-6}),
}


def _status_bytes(field: str) -> int:
    """A ``kB`` field of ``/proc/self/status`` (e.g. VmRSS, VmHWM) in bytes."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def _reset_peak() -> int:
    """Reset the resident high-water mark to the current resident size; return that size."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    return _status_bytes("VmRSS")


def measure(label: str, implementation: str, baseline_examples: int) -> dict[str, float]:
    """Run one generation of ``CASES[label]`` in this process ("generator", or "baseline"
    on ``baseline_examples`` examples); seconds, peak and saved bytes, sizes."""
    import nx_baselines
    from depthlab.tasks import make_task, resolve_params
    from depthlab.tasks.registry import list_tasks
    from depthlab.tasks.storage import write_npz

    case = CASES[label]
    list_tasks()
    before = _reset_peak()
    start = time.perf_counter()
    if implementation == "generator":
        arrays = make_task(case.task, seed=SEED, **case.params).arrays()
    else:
        baseline = getattr(nx_baselines, case.baseline)
        params = resolve_params(case.task, **case.baseline_params(baseline_examples))
        arrays = baseline(params, np.random.default_rng(SEED))
    seconds = time.perf_counter() - start
    peak = _status_bytes("VmHWM") - before
    with tempfile.TemporaryDirectory() as tmp:
        write_npz(Path(tmp) / "arrays.npz", arrays)
        saved = (Path(tmp) / "arrays.npz").stat().st_size
    return {"seconds": seconds, "peak_bytes": peak, "saved_bytes": saved,
            "nodes": int(arrays["node_ptr"][-1]), "examples": len(arrays["y"])}


def _in_subprocess(label: str, implementation: str, baseline_examples: int = 0) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", label, implementation,
                          str(baseline_examples)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.splitlines()[-1])


def check_identical(case: Case) -> None:
    """Raise ``AssertionError`` unless the baseline reproduces the generator's arrays."""
    import nx_baselines
    from depthlab.tasks import make_task, resolve_params

    made = make_task(case.task, seed=SEED, **case.identical_at).arrays()
    baseline = getattr(nx_baselines, case.baseline)(
        resolve_params(case.task, **case.identical_at), np.random.default_rng(SEED))
    for name, array in made.items():
        assert np.array_equal(baseline[name], array), f"{case.task}: baseline {name} differs"


def run(labels: list[str], repeat: int, baseline_examples: int | None) -> None:
    """Print the table for ``labels``; ``baseline_examples`` None skips the baselines."""
    mib = 2.0**20
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, numpy {np.__version__}")
    print("| case | examples | nodes | generator s | baseline s | speed-up | generator peak "
          "MiB | baseline peak MiB | saved MiB | generator peak / saved |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label in labels:
        case = CASES[label]
        runs = [_in_subprocess(label, "generator") for _ in range(repeat)]
        best = min(runs, key=lambda r: r["seconds"])
        peak = max(r["peak_bytes"] for r in runs)
        base_s = base_peak = ratio = "-"
        if baseline_examples is not None and case.baseline:
            if case.identical_at:
                check_identical(case)
            base = _in_subprocess(label, "baseline", baseline_examples)
            seconds = base["seconds"] * best["examples"] / base["examples"]
            base_s, ratio = f"{seconds:.1f}", f"{seconds / best['seconds']:.0f}x"
            base_peak = f"{base['peak_bytes'] / mib:.0f} (at {base['examples']} examples)"
        print(f"| {label} | {best['examples']} | {best['nodes']} | {best['seconds']:.2f} | "
              f"{base_s} | {ratio} | {peak / mib:.0f} | {base_peak} | "
              f"{best['saved_bytes'] / mib:.0f} | {peak / best['saved_bytes']:.2f} |",
              flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--include", default=",".join(CASES),
                        help="comma-separated case or task names (default all cases): "
                        + ", ".join(CASES))
    parser.add_argument("--repeat", type=int, default=3, help="generator runs (best kept)")
    parser.add_argument("--baseline-examples", type=int, default=2048,
                        help="examples the baseline is timed on, scaled to the full count "
                        "(0: full size)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baselines")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        label, implementation, examples = args.child
        print(json.dumps(measure(label, implementation, int(examples))))
        return 0
    wanted = [s.strip() for s in args.include.split(",") if s.strip()]
    labels = [k for k, case in CASES.items() if k in wanted or case.task in wanted]
    unknown = [s for s in wanted if s not in CASES and all(c.task != s for c in CASES.values())]
    if unknown:
        parser.error(f"unknown case(s) {unknown}; choose cases ({', '.join(CASES)}) or "
                     "their task names")
    run(labels, args.repeat, None if args.no_baseline else args.baseline_examples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
