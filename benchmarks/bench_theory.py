"""Time theory-A's hot paths: 1-WL refinement against networkx, and Balanced Forman
curvature on 100,000-edge graphs.

    python benchmarks/bench_theory.py [--repeat N] [--only wl|curvature]

WL: ``theory.wl.wl_colours`` (best of ``--repeat``) against one run of networkx's
``weisfeiler_lehman_subgraph_hashes`` (node labels from the same features, same number of
rounds) on graphs of 100,000 nodes, in one process; the partitions are checked equal
before the ratio is printed. ``wl_colours`` stops once the partition is stable; the
"colours" columns show it was still growing at the last round, so both did every round.
Curvature: ``theory.curvature.balanced_forman_curvature`` on every edge, best of
``--repeat``. Prints Markdown tables.
"""
from __future__ import annotations

import argparse
import platform
import time

import networkx as nx
import numpy as np

from depthlab.theory.curvature import balanced_forman_curvature
from depthlab.theory.wl import count_labels, wl_colours

SEED = 0


def wl_graphs():
    """(name, graph, features, rounds) with 100,000 nodes each."""
    rng = np.random.default_rng(SEED)
    er = nx.gnm_random_graph(100_000, 500_000, seed=SEED)
    grid = nx.convert_node_labels_to_integers(nx.grid_2d_graph(250, 400))
    regular = nx.random_regular_graph(3, 100_000, seed=SEED)
    return [("G(n, m) n=100k m=500k, x constant", er, np.zeros(100_000, np.int64), 3),
            ("grid 250x400, x constant", grid, np.zeros(100_000, np.int64), 5),
            ("random 3-regular, x in {0,1,2}", regular, rng.integers(0, 3, 100_000), 4)]


def curvature_graphs():
    """(name, graph) with about 100,000 edges each."""
    return [("Barabasi-Albert n=25k m=4", nx.barabasi_albert_graph(25_000, 4, seed=SEED)),
            ("G(n, m) n=20k m=100k", nx.gnm_random_graph(20_000, 100_000, seed=SEED)),
            ("random geometric n=25k r=0.0102", nx.random_geometric_graph(25_000, 0.0102, seed=SEED)),
            ("grid 224x224", nx.convert_node_labels_to_integers(nx.grid_2d_graph(224, 224)))]


def best_time(function, repeat):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def both_directions(graph):
    edges = np.array(graph.edges(), dtype=np.int64)
    return np.concatenate([edges[:, 0], edges[:, 1]]), np.concatenate([edges[:, 1], edges[:, 0]])


def bench_wl(repeat):
    print("| graph | edges | rounds | colours (L-1, L) | wl_colours s | networkx s | speed-up |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, graph, x, rounds in wl_graphs():
        src, dst = both_directions(graph)
        ours_s, ours = best_time(lambda: wl_colours((src, dst, x), rounds), repeat)
        before = count_labels(wl_colours((src, dst, x), rounds - 1))
        nx.set_node_attributes(graph, {v: str(x[v]) for v in graph}, "x")
        start = time.perf_counter()
        hashes = nx.weisfeiler_lehman_subgraph_hashes(graph, node_attr="x", iterations=rounds)
        theirs_s = time.perf_counter() - start
        _, theirs = np.unique([hashes[v][-1] for v in range(len(x))], return_inverse=True)
        pairs = np.unique(np.column_stack([ours, theirs]), axis=0)
        assert len(pairs) == count_labels(ours) == theirs.max() + 1, "partitions differ"
        print(f"| {name} | {graph.number_of_edges()} | {rounds} | {before}, {count_labels(ours)} "
              f"| {ours_s:.3f} | {theirs_s:.2f} | {theirs_s / ours_s:.0f}x |")


def bench_curvature(repeat):
    print("| graph | nodes | edges | sum of degree^2 | max degree | seconds | mean curvature |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, graph in curvature_graphs():
        edges = np.array(graph.edges(), dtype=np.int64)
        degree = np.bincount(edges.ravel(), minlength=graph.number_of_nodes())
        seconds, values = best_time(
            lambda: balanced_forman_curvature(edges[:, 0], edges[:, 1], graph.number_of_nodes()), repeat)
        print(f"| {name} | {graph.number_of_nodes()} | {len(edges)} | {int((degree**2).sum())} "
              f"| {degree.max()} | {seconds:.2f} | {values.mean():.4f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs of ours (default 3)")
    parser.add_argument("--only", choices=("wl", "curvature"), help="run one benchmark")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, networkx {nx.__version__}\n")
    if args.only in (None, "wl"):
        bench_wl(args.repeat)
        print()
    if args.only in (None, "curvature"):
        bench_curvature(args.repeat)


if __name__ == "__main__":
    main()
