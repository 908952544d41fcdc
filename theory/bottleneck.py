"""The Alon & Yahav bottleneck bound on hidden size.

Alon & Yahav 2021, "On the bottleneck of graph neural networks and its practical
implications" (ICLR): in tree-NeighborsMatch on a complete m-ary tree of depth r, the
root's final state must tell apart every arrangement of the m^r leaves that an aggregation
invariant to the order of siblings can tell apart, i.e. the leaf labellings up to the
tree's automorphisms:

    A(r, m) = (m^r)! / (m!)^I,   I = (m^r - 1) / (m - 1) inner nodes (each permutes m children).

A state of d floats of f bits takes at most 2^(f*d) values, so the network needs

    min_width(r, m, f) = min { d >= 0 : 2^(f*d) >= A(r, m) } = ceil(ceil(log2 A) / f).

For binary trees I = 2^r - 1 = m^r - 1, the form (2^r)! / 2^(2^r - 1) the brief quotes; for
m >= 3 the exponent is the inner-node count (an exponent of m^r - 1 would make A < 1 for
small trees, e.g. 9! / 6^8 for m = 3, r = 2). A is an integer (automorphisms act freely on
labellings with distinct leaves) and is computed exactly with integers while m^r <=
EXACT_LEAVES; beyond, log2 A comes from mpmath's log-gamma (mpmath is sympy's numerical engine) at a precision of 40 digits more
than log2 A has, and exact integers settle the (never observed) case of a result within
1e-30 of an integer.
"""
from __future__ import annotations

import math

import mpmath

from depthlab.theory.arguments import require_int

EXACT_LEAVES = 2**16
# Trees beyond these have more than 2**65536 leaves: their counts are not computable.
MAX_RADIUS = 4096
MAX_ARITY = 2**16
MAX_LOG2_LEAVES = 2**16


def tree_arrangements(radius: int, arity: int) -> int:
    """A(r, m) = (m^r)! / (m!)^((m^r - 1)/(m - 1)), exactly (slow beyond 10^5 leaves)."""
    radius, arity = _tree_shape(radius, arity)
    leaves = arity**radius
    inner = (leaves - 1) // (arity - 1)
    return math.factorial(leaves) // math.factorial(arity) ** inner


def log2_tree_arrangements(radius: int, arity: int) -> float:
    """log2 A(r, m) as a float (for display; see :func:`min_width` for the exact bound)."""
    radius, arity = _tree_shape(radius, arity)
    with mpmath.workdps(30):
        return float(_log2_arrangements(radius, arity))


def min_width(radius: int, arity: int, bits: int) -> int:
    """Smallest hidden size d with 2^(bits*d) >= A(radius, arity).

    ``radius`` >= 1 (tree depth), ``arity`` >= 2, ``bits`` >= 1 (bits per float); raises
    ``ValueError`` naming the bad argument otherwise.
    """
    radius, arity = _tree_shape(radius, arity)
    bits = require_int("bits", bits, 1, 1024)
    return -(-_ceil_log2_arrangements(radius, arity) // bits)


def _tree_shape(radius: int, arity: int) -> tuple[int, int]:
    """``(radius, arity)`` checked: ranges, and at most 2**65536 leaves."""
    radius = require_int("radius", radius, 1, MAX_RADIUS)
    arity = require_int("arity", arity, 2, MAX_ARITY)
    if radius * math.log2(arity) > MAX_LOG2_LEAVES:
        raise ValueError(f"radius={radius}, arity={arity} give arity**radius > 2**{MAX_LOG2_LEAVES} "
                         "leaves: expected a smaller tree")
    return radius, arity


def _ceil_log2_arrangements(radius: int, arity: int) -> int:
    if arity**radius <= EXACT_LEAVES:
        return (tree_arrangements(radius, arity) - 1).bit_length()
    with mpmath.workdps(30):
        digits = len(str(int(_log2_arrangements(radius, arity)))) + 40
    with mpmath.workdps(digits):
        value = _log2_arrangements(radius, arity)
        tied = abs(value - mpmath.nint(value)) < mpmath.mpf(10) ** -30
        ceiling = int(mpmath.ceil(value))
    return (tree_arrangements(radius, arity) - 1).bit_length() if tied else ceiling


def _log2_arrangements(radius: int, arity: int) -> mpmath.mpf:
    """log2 A(r, m) at mpmath's working precision."""
    leaves = arity**radius
    inner = (leaves - 1) // (arity - 1)
    return (mpmath.loggamma(leaves + 1) - inner * mpmath.loggamma(arity + 1)) / mpmath.log(2)
