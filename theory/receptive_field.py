"""Receptive fields: |B_L(v)|, the number of nodes whose input can reach v in L layers.

With messages along ``src -> dst``, B_L(v) is the set of nodes u with a directed path
u -> ... -> v of at most L edges (v itself included): an L-layer network's output at v
depends on exactly these inputs. Sizes come from an exact multi-source BFS along in-edges,
and, for regular families, from closed forms derived with sympy by summing sphere sizes:

- ``tree``  complete m-ary tree of depth r, ball around the root (edges toward the root
  or both ways): sum_{k=0}^{min(L, r)} m^k.
- ``grid``  infinite 4-neighbour lattice (a grid node at distance >= L from the border):
  spheres of 4k nodes, so 1 + sum_{k=1}^{L} 4k = 2L^2 + 2L + 1.
- ``chain`` infinite path (a node at distance >= L from both ends): 2L + 1.
- ``ring``  cycle of n nodes: the chain's ball until it wraps, min(2L + 1, n).
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np
import scipy.sparse as sp
import sympy

from depthlab.theory.arguments import require_int
from depthlab.tasks.ranges import concatenated_ranges
from depthlab.theory.graph_input import in_adjacency, message_graph

L, m, r, n, k = sympy.symbols("L m r n k", integer=True, nonnegative=True)
BFS_CHUNK = 16384


def receptive_field_sizes(data, depth: int, nodes: np.ndarray | None = None) -> np.ndarray:
    """|B_depth(v)| for each v in ``nodes`` (default: every node), as (S,) int64.

    ``data`` is a TaskDataset or a ``(src, dst, x)`` tuple (x only sets N). The BFS runs
    along in-edges for ``BFS_CHUNK`` sources at a time, all of them in one set of
    (source, node) keys (memory: the balls' total size per chunk). Raises ``ValueError``
    for ``depth < 0`` or a node outside ``[0, N)``.
    """
    depth = require_int("depth", depth, 0)
    src, dst, x = message_graph(data)
    num_nodes = len(x)
    nodes = np.arange(num_nodes) if nodes is None else np.asarray(nodes, dtype=np.int64)
    if len(nodes) and (nodes.min() < 0 or nodes.max() >= num_nodes):
        raise ValueError(f"nodes must lie in [0, {num_nodes}), got [{nodes.min()}, {nodes.max()}]")
    in_edges = in_adjacency(src, dst, num_nodes)
    sizes = np.empty(len(nodes), dtype=np.int64)
    for lo in range(0, len(nodes), BFS_CHUNK):
        chunk = nodes[lo:lo + BFS_CHUNK]
        sizes[lo:lo + len(chunk)] = _ball_sizes(in_edges, chunk, depth)
    return sizes


def _ball_sizes(in_edges: sp.csr_matrix, sources: np.ndarray, depth: int) -> np.ndarray:
    """Ball sizes of ``sources``; a (source s, node u) pair is the key s * N + u."""
    num_nodes = in_edges.shape[0]
    indptr, indices = in_edges.indptr.astype(np.int64), in_edges.indices.astype(np.int64)
    owner = np.arange(len(sources), dtype=np.int64)
    reached = np.sort(owner * num_nodes + sources)
    sizes = np.ones(len(sources), dtype=np.int64)
    node = sources
    for _ in range(depth):
        counts = indptr[node + 1] - indptr[node]
        if counts.sum() == 0:
            break
        keys = np.unique(np.repeat(owner, counts) * num_nodes
                         + indices[concatenated_ranges(indptr[node], counts)])
        at = np.minimum(np.searchsorted(reached, keys), len(reached) - 1)
        keys = keys[reached[at] != keys]
        if len(keys) == 0:
            break
        reached = np.sort(np.concatenate([reached, keys]), kind="stable")
        owner, node = np.divmod(keys, num_nodes)
        sizes += np.bincount(owner, minlength=len(sources))
    return sizes


def ball_size_formula(family: str, **params: int) -> sympy.Expr:
    """|B_L| of ``family`` as a sympy expression in L and the family's parameters (m, r for
    "tree", n for "ring"); those given in ``params`` are substituted and simplified."""
    return _formula(family, tuple(sorted(params.items())))


@functools.lru_cache(maxsize=256)
def _formula(family: str, params: tuple[tuple[str, int], ...]) -> sympy.Expr:
    if family == "tree":
        formula = sympy.summation(m**k, (k, 0, sympy.Min(L, r)))
    elif family == "grid":
        formula = sympy.expand(1 + sympy.summation(4 * k, (k, 1, L)))
    elif family == "chain":
        formula = 1 + sympy.summation(2, (k, 1, L))
    elif family == "ring":
        formula = sympy.Min(ball_size_formula("chain"), n)
    else:
        raise ValueError(f"family={family!r} is invalid: expected one of tree, grid, chain, ring")
    known = {"m": m, "r": r, "n": n}
    unknown = sorted(set(dict(params)) - set(known))
    if unknown:
        raise ValueError(f"unknown parameter {unknown[0]!r} for family {family!r}: expected m, r or n")
    return sympy.simplify(formula.subs({known[name]: value for name, value in params}))


def ball_size(family: str, depth: int, **params: int) -> int:
    """The closed form of ``family`` at L = ``depth``; ``params`` give m, r (tree) or n (ring)."""
    value = ball_size_formula(family, **params).subs(L, require_int("depth", depth, 0))
    if not value.is_Integer:
        raise ValueError(f"family {family!r} needs parameters {sorted(map(str, value.free_symbols))}")
    return int(value)


def task_ball_family(name: str, params: dict[str, Any]) -> tuple[str, dict[str, int]] | None:
    """The closed-form family of a depthlab task's target balls, with its parameters.

    tree-neighbors-match: the root of a complete ``arity``-ary tree of depth ``radius``
    (exact for every target). grid-chain without shortcuts: the chain (height or width 1:
    a path) or grid interior, exact for targets at distance >= L from the border and an upper bound for
    the others. None for any other task.
    """
    if name == "tree-neighbors-match":
        return "tree", {"m": int(params["arity"]), "r": int(params["radius"])}
    if name == "grid-chain" and not params.get("shortcut_p"):
        path = params["height"] == 1 or params.get("width") == 1    # an H x 1 grid is a path
        return ("chain" if path else "grid"), {}
    return None
