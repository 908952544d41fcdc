"""``depthlab theory ...``: theory computations on a saved dataset or an edge-list file.

JSON outputs (``--json``), stable contracts:
- ``ceiling``: ``{"model", "depth", "rounds", "input", "metric": "accuracy" | "mse",
  "splits": {split: value}, "stable_after"}`` (``theory.model_ceiling.ModelCeiling``);
  ``stable_after`` is the round at which refinement stopped because the colouring was
  stable, null when it still changed at ``rounds``
- ``receptive-field``: ``{"depth", "nodes", "min", "mean", "max", "closed_form"}``, with
  ``closed_form`` null or ``{"family", "formula", "params", "value", "matching"}``
- ``bottleneck``: ``{"radius", "arity", "bits", "min_width"}``
- ``curvature``: ``{"edges": [{"u", "v", "curvature"}, ...]}`` in file order
- ``resistance``: ``{"total", "pairs": [{"u", "v", "resistance"}, ...]}``; an infinite value
  (nodes in different components, a disconnected graph) is the string "disconnected", a
  skipped total the string "skipped".
- ``curvature``'s table counts an edge as negative below ``-CURVATURE_TOLERANCE`` (a
  rounding error such as -1.1e-16 is 0).
"""
from __future__ import annotations

import argparse
import math

import numpy as np

from depthlab.experiments.console import print_json, print_line, print_mapping, print_table

SHOWN_EDGES = 10
CURVATURE_TOLERANCE = 1e-9
DISCONNECTED = "disconnected"


def add_commands(subparsers) -> None:
    theory = subparsers.add_parser(
        "theory", help="theory computations on a dataset or an edge list",
        description="Message-passing ceilings, receptive fields, the Alon-Yahav width bound, "
        "Balanced Forman curvature and effective resistance.")
    commands = theory.add_subparsers(dest="theory_command", metavar="COMMAND")
    commands.required = True

    ceiling = commands.add_parser(
        "ceiling", help="best score any L-layer network of a model family can reach",
        description="Group each split's examples by their 1-WL colour after hops-per-layer x "
        "--depth rounds, refined from what --model receives (node features, plus degrees "
        "for families that weight messages by degree, as declared in depthlab.models.facts), "
        "and score the best function of the colour: majority label (accuracy) or mean target "
        "(MSE). The same number `depthlab check` compares against.")
    ceiling.add_argument("directory", help="dataset directory (saved by `depthlab generate --out`)")
    ceiling.add_argument("--depth", type=int, required=True, help="layers L (>= 0)")
    ceiling.add_argument("--model", default="gin",
                         help="model family whose input decides the colours (default gin: node "
                              "features only, one hop per layer)")
    _add_json(ceiling, _ceiling)

    field = commands.add_parser(
        "receptive-field", help="sizes of the L-hop in-neighbourhoods of the targets",
        description="Exact |B_L(v)| by BFS along in-edges for the distinct target nodes (every "
        "node for graph-level tasks), with the closed form where the task has one.")
    field.add_argument("directory", help="dataset directory (saved by `depthlab generate --out`)")
    field.add_argument("--depth", type=int, default=None,
                       help="hops L (>= 0; default: the dataset's required radius)")
    _add_json(field, _receptive_field)

    bottleneck = commands.add_parser(
        "bottleneck", help="Alon & Yahav's least hidden size for tree-NeighborsMatch",
        description="Smallest d with 2^(bits*d) >= (m^r)! / (m!)^((m^r-1)/(m-1)), the leaf "
        "arrangements of a complete m-ary tree of depth r up to sibling order.")
    bottleneck.add_argument("--radius", type=int, required=True, help="tree depth r (>= 1)")
    bottleneck.add_argument("--arity", type=int, default=2, help="children per inner node m (>= 2, default 2)")
    bottleneck.add_argument("--bits", type=int, default=32, help="bits per float f (>= 1, default 32)")
    _add_json(bottleneck, _bottleneck)

    _edge_list_command(commands, "curvature", _curvature, "Balanced Forman curvature of every edge",
                       "Topping et al. 2022, Definition 1, on the simple undirected graph of EDGES.")
    resistance = _edge_list_command(
        commands, "resistance", _resistance, "effective resistance: total, and between given pairs",
        "Every edge of EDGES a unit resistor (simple graph; nodes = the ids that appear). "
        "Prints n*tr(L^+) and R(u, v) for each --pair.")
    resistance.add_argument("--pair", action="append", default=[], metavar="U,V",
                            help="a node pair (repeatable)")
    resistance.add_argument("--no-total", action="store_true",
                            help="skip the total (it is dense: O(n^3), at most 10000 nodes)")


def _edge_list_command(commands, name: str, handler, help_text: str, description: str):
    parser = commands.add_parser(name, help=help_text, description=description + " EDGES is a "
                                 "text file of 'u v' integer pairs, one undirected edge a line "
                                 "('#' starts a comment line).")
    parser.add_argument("edges", metavar="EDGES", help="edge-list file")
    _add_json(parser, handler)
    return parser


def _add_json(parser: argparse.ArgumentParser, handler) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(func=handler)


def _ceiling(args) -> int:
    from depthlab.models.facts import facts_of
    from depthlab.tasks import load_task
    from depthlab.theory.model_ceiling import model_ceiling

    facts = facts_of(args.model)
    ds = load_task(args.directory)
    ceiling = model_ceiling(ds, args.model, facts, args.depth)
    if args.json:
        print_json(ceiling.to_dict())
        return 0
    if ceiling.stable_after is not None:
        print_line(f"the colouring is stable after {ceiling.stable_after} rounds: refinement "
                   f"stopped at round {ceiling.stable_after} of {ceiling.rounds}; more layers "
                   "separate nothing more")
    rows = []
    for split, value in ceiling.splits.items():
        idx = ds.split_indices(split)
        baseline = float(np.var(ds.y[idx])) if ds.is_regression else ds.chance_accuracy(split)
        rows.append({"split": split, "examples": len(idx), f"ceiling ({ceiling.metric})": value,
                     "constant predictor": baseline})
    print_table(rows, title=f"{ds.name}: ceiling of {args.model} at depth {args.depth} "
                            f"(1-WL, {ceiling.rounds} rounds on {ceiling.input})")
    return 0


def _receptive_field(args) -> int:
    from depthlab.tasks import load_task
    from depthlab.theory.receptive_field import (ball_size, ball_size_formula, receptive_field_sizes,
                                        task_ball_family)

    ds = load_task(args.directory)
    depth = ds.required_radius if args.depth is None else args.depth
    nodes = np.unique(ds.target) if ds.level == "node" else np.arange(ds.num_nodes)
    sizes = receptive_field_sizes(ds, depth, nodes)
    out = {"depth": depth, "nodes": len(nodes),
           "min": int(sizes.min()) if len(sizes) else None,
           "mean": float(sizes.mean()) if len(sizes) else None,
           "max": int(sizes.max()) if len(sizes) else None,
           "closed_form": None}
    family = task_ball_family(ds.name, ds.params) if ds.level == "node" else None
    if family is not None:
        name, params = family
        value = ball_size(name, depth, **params)
        out["closed_form"] = {"family": name, "formula": str(ball_size_formula(name, **params)),
                              "params": params, "value": value,
                              "matching": float(np.mean(sizes == value)) if len(sizes) else None}
    if args.json:
        print_json(out)
    else:
        shown = {k: v for k, v in out.items() if k != "closed_form"}
        if out["closed_form"] is not None:
            shown.update({f"closed form {k}": v for k, v in out["closed_form"].items()})
        print_mapping(shown, title=f"{ds.name}: |B_L| over the targets")
    return 0


def _bottleneck(args) -> int:
    from depthlab.theory.bottleneck import log2_tree_arrangements, min_width

    out = {"radius": args.radius, "arity": args.arity, "bits": args.bits,
           "min_width": min_width(args.radius, args.arity, args.bits)}
    if args.json:
        print_json(out)
    else:
        print_mapping({**out, "log2 arrangements": log2_tree_arrangements(args.radius, args.arity)},
                      title="Alon & Yahav bottleneck bound")
    return 0


def _curvature(args) -> int:
    from depthlab.theory.curvature import balanced_forman_curvature

    edges = _read_edges(args.edges)
    loops = np.flatnonzero(edges.u == edges.v)
    if len(loops):
        raise ValueError(f"{args.edges}, line {edges.line[loops[0]]}: self-loop "
                         f"'{edges.u[loops[0]]} {edges.v[loops[0]]}': Balanced Forman curvature "
                         "is defined on simple graphs")
    values = balanced_forman_curvature(edges.u, edges.v)
    rows = [{"u": int(a), "v": int(b), "curvature": float(c)}
            for a, b, c in zip(edges.u, edges.v, values)]
    if args.json:
        print_json({"edges": rows})
        return 0
    print_mapping({"edges": len(values), "min": float(values.min()), "mean": float(values.mean()),
                   "max": float(values.max()),
                   "negative": int((values < -CURVATURE_TOLERANCE).sum())},
                  title="Balanced Forman curvature")
    most_negative = np.argsort(values, kind="stable")[:SHOWN_EDGES]
    print_table([rows[i] for i in most_negative], title="lowest-curvature edges")
    return 0


def _resistance(args) -> int:
    from depthlab.theory.resistance import effective_resistance, total_effective_resistance

    edges = _read_edges(args.edges)
    ids = np.unique(np.concatenate([edges.u, edges.v]))
    pairs = np.array([_parse_pair(text, ids, args.edges) for text in args.pair],
                     dtype=np.int64).reshape(-1, 2)
    total = "skipped" if args.no_total else _finite(total_effective_resistance(edges.u, edges.v))
    values = effective_resistance(edges.u, edges.v, pairs)
    out = {"total": total,
           "pairs": [{"u": int(a), "v": int(b), "resistance": _finite(r)}
                     for (a, b), r in zip(pairs, values)]}
    if args.json:
        print_json(out)
        return 0
    print_mapping({"nodes": len(ids), "edges": len(edges.u), "total (n tr L+)": total},
                  title="effective resistance")
    if out["pairs"]:
        print_table(out["pairs"], title="pairs")
    return 0


def _read_edges(path):
    from depthlab.theory.graph_input import read_edge_list

    edges = read_edge_list(path)
    if len(edges.u) == 0:
        raise ValueError(f"{path} holds no edges: expected lines 'u v'")
    return edges


def _parse_pair(text: str, ids: np.ndarray, path) -> tuple[int, int]:
    try:
        a, b = (int(part) for part in text.split(","))
    except ValueError:
        raise ValueError(f"--pair {text!r} is invalid: expected two node ids 'u,v'") from None
    for node in (a, b):
        at = np.searchsorted(ids, node)
        if at >= len(ids) or ids[at] != node:
            raise ValueError(f"--pair {text}: node {node} does not appear in {path}")
    return a, b


def _finite(value: float) -> float | str:
    """``value``, or "disconnected" where it is infinite."""
    return DISCONNECTED if math.isinf(value) else float(value)
