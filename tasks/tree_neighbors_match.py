"""tree-neighbors-match (Alon & Yahav 2021, "On the bottleneck of GNNs"), node level.

Each example is a complete ``arity``-ary tree of depth ``radius`` (BFS numbering: root 0,
the children of v are ``arity*v + 1 .. arity*v + arity``; the last L = arity**radius nodes
are the leaves, left to right). Edges point child -> parent (src child, dst parent), so
messages flow to the root, which is the target; ``self_loops`` adds (v, v) for every node
after the tree edges. Features x (N, 2) int32 are (key, value): leaf i has key i+1 and value
``values[i]``, a permutation of 1..L; the root holds (query, 0); inner nodes (0, 0). The label
is the value of the leaf whose key is the query, minus 1 (L classes). The root's
(radius-1)-hop neighbourhood holds only the query, so the required radius is ``radius``.

Reference protocol (Alon & Yahav's code): P = min(max_permutations, L!, max_examples // L)
permutations; distinct ones (sampled without replacement from all L! when L <= 8), otherwise
drawn independently. Every permutation is paired with every query 1..L, one graph per pair,
ordered permutation-major; the split is stratified by label, ``train_fraction`` to train and
the rest to test (no validation set).
"""
from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from depthlab.tasks.dataset import id_dtype
from depthlab.tasks.params import Param
from depthlab.tasks.registry import Generated, TaskSpec, register
from depthlab.tasks.splits import stratified_split
from depthlab.tasks.tiling import tile_template

NAME = "tree-neighbors-match"
MAX_LEAVES = 2**16
ENUMERATE_LEAVES = 8
FACTORIAL_EXCEEDS_ANY_CAP = 20

PARAMS = (
    Param("radius", "int", 4, "tree depth, which is the required radius", low=2, high=16),
    Param("arity", "int", 2, "children per inner node", low=2, high=256),
    Param("max_permutations", "int", 1000, "cap on the number of leaf-value permutations",
          low=1),
    Param("max_examples", "int", 32000, "cap on the number of examples (graphs)", low=1),
    Param("train_fraction", "float", 0.8, "share of each label's examples in train; the "
          "rest is test", low=0, high=1),
    Param("self_loops", "bool", False, "add an edge (v, v) at every node"),
)


def num_leaves(params: dict[str, Any]) -> int:
    """L = arity ** radius, the number of leaves, keys and classes."""
    return params["arity"] ** params["radius"]


def num_tree_nodes(params: dict[str, Any]) -> int:
    """Nodes of one tree: (arity**(radius+1) - 1) / (arity - 1)."""
    return (params["arity"] ** (params["radius"] + 1) - 1) // (params["arity"] - 1)


def num_permutations(params: dict[str, Any]) -> int:
    """P = min(max_permutations, L!, max_examples // L); the dataset has P * L examples."""
    leaves = num_leaves(params)
    count = min(params["max_permutations"], params["max_examples"] // leaves)
    if leaves <= FACTORIAL_EXCEEDS_ANY_CAP:
        count = min(count, math.factorial(leaves))
    return count


def sample_permutations(leaves: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` permutations of 1..leaves as a (count, leaves) int64 array.

    Distinct (drawn without replacement from all leaves! of them) when leaves <= 8, which
    requires count <= leaves!; drawn independently otherwise.
    """
    if leaves <= ENUMERATE_LEAVES:
        every = np.array(list(itertools.permutations(range(1, leaves + 1))), dtype=np.int64)
        return every[rng.choice(len(every), size=count, replace=False)]
    perms = np.tile(np.arange(1, leaves + 1, dtype=np.int64), (count, 1))
    rng.permuted(perms, axis=1, out=perms)
    return perms


def template_edges(params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """One tree's edges (src, dst): child -> parent for children 1..n-1, then the self
    loops 0..n-1 if ``self_loops``."""
    n = num_tree_nodes(params)
    src = np.arange(1, n, dtype=np.int64)
    dst = (src - 1) // params["arity"]
    if params["self_loops"]:
        loops = np.arange(n, dtype=np.int64)
        src, dst = np.concatenate((src, loops)), np.concatenate((dst, loops))
    return src, dst


def check(params: dict[str, Any]) -> None:
    """Reject trees with more than 2**16 leaves (arity**radius), caps allowing no example,
    and a ``train_fraction`` of exactly 0 or 1."""
    leaves = num_leaves(params)
    if leaves > MAX_LEAVES:
        raise ValueError(
            f"arity={params['arity']}, radius={params['radius']} gives {leaves} leaves "
            f"(classes); at most {MAX_LEAVES} are supported: lower radius or arity")
    if params["max_examples"] < leaves:
        raise ValueError(
            f"max_examples={params['max_examples']} is below the {leaves} queries of one "
            f"permutation (arity**radius): expected max_examples >= {leaves}")
    if not 0 < params["train_fraction"] < 1:
        raise ValueError(
            f"train_fraction={params['train_fraction']!r} is invalid: expected a float in (0, 1)")


def estimate_bytes(params: dict[str, Any]) -> int:
    """Bytes held while generating: the saved arrays plus the permutation table and the
    split's temporaries."""
    leaves = num_leaves(params)
    graphs = num_permutations(params) * leaves
    n = num_tree_nodes(params)
    nodes = graphs * n
    edges = graphs * (2 * n - 1 if params["self_loops"] else n - 1)
    node_id, edge_id = id_dtype(nodes).itemsize, id_dtype(edges).itemsize
    graph_arrays = nodes * 2 * 4 + edges * 2 * node_id + (graphs + 1) * (node_id + edge_id)
    example_arrays = graphs * (2 * node_id + 2 * 8 + 1)
    table = math.factorial(leaves) * leaves * 8 if leaves <= ENUMERATE_LEAVES else 0
    temporaries = num_permutations(params) * leaves * 8 + table + graphs * 4 * 8
    return graph_arrays + example_arrays + temporaries


def generate(params: dict[str, Any], rng: np.random.Generator) -> Generated:
    """Build the dataset described in the module docstring from ``rng``."""
    leaves = num_leaves(params)
    n = num_tree_nodes(params)
    count = num_permutations(params)
    perms = sample_permutations(leaves, count, rng)
    graphs = count * leaves
    node_ptr, edge_ptr, src, dst = tile_template(*template_edges(params), n, graphs, compact=True)

    x = np.zeros((count, leaves, n, 2), dtype=np.int32)
    x[:, :, 0, 0] = np.arange(1, leaves + 1)
    x[:, :, n - leaves:, 0] = np.arange(1, leaves + 1)
    x[:, :, n - leaves:, 1] = perms[:, None, :]
    y = perms.reshape(-1) - 1
    return Generated(level="node", num_classes=leaves, arrays={
        "node_ptr": node_ptr, "edge_ptr": edge_ptr, "src": src, "dst": dst,
        "x": x.reshape(graphs * n, 2),
        "graph_id": np.arange(graphs, dtype=id_dtype(graphs)),
        "target": node_ptr[:-1].copy(),
        "y": y,
        "split": stratified_split(y, params["train_fraction"], 0.0, rng),
        "radius": np.full(graphs, params["radius"], dtype=np.int64),
    })


SPEC = register(TaskSpec(
    name=NAME,
    summary="find the value of the leaf whose key the root asks for, in a complete tree "
            "of depth radius (Alon & Yahav 2021)",
    params=PARAMS, generate=generate, estimate_bytes=estimate_bytes, check=check,
    radius="= radius (the tree depth)",
))
