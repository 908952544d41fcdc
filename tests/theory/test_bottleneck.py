import math

import pytest

import depthlab.theory.bottleneck as bottleneck
from depthlab.theory.bottleneck import log2_tree_arrangements, min_width, tree_arrangements


def brute_min_width(count, bits):
    d = 0
    while 2 ** (bits * d) < count:
        d += 1
    return d


def test_arrangements_known_values():
    assert tree_arrangements(1, 2) == 1                  # two leaves, one sibling swap
    assert tree_arrangements(2, 2) == 3                  # 4! / 2^3
    assert tree_arrangements(3, 2) == 315                # 8! / 2^7
    assert tree_arrangements(4, 2) == 638512875          # 16! / 2^15
    assert tree_arrangements(2, 3) == 280                # 9! / 6^4: 3 unordered triples of triples
    for radius in range(1, 6):                           # binary: odd, (2^r)! / 2^(2^r - 1)
        count = tree_arrangements(radius, 2)
        assert count * 2 ** (2**radius - 1) == math.factorial(2**radius) and count % 2 == 1


@pytest.mark.parametrize("radius,arity", [(1, 2), (2, 2), (3, 2), (5, 2), (2, 3), (3, 3), (2, 5), (4, 4)])
def test_min_width_matches_integer_search(radius, arity):
    count = math.factorial(arity**radius) // math.factorial(arity) ** ((arity**radius - 1) // (arity - 1))
    for bits in (1, 2, 3, 7, 16, 32, 64):
        assert min_width(radius, arity, bits) == brute_min_width(count, bits)


@pytest.mark.parametrize("radius,arity", [(3, 2), (8, 2), (12, 2), (5, 3), (6, 4), (3, 9)])
def test_log_gamma_path_agrees_with_exact_integers(radius, arity, monkeypatch):
    exact = [min_width(radius, arity, bits) for bits in (1, 5, 32)]
    monkeypatch.setattr(bottleneck, "EXACT_LEAVES", 0)
    assert [min_width(radius, arity, bits) for bits in (1, 5, 32)] == exact


def test_huge_trees_do_not_overflow():
    assert min_width(16, 2, 32) == 27766                 # exact integers, 65536 leaves
    assert min_width(17, 2, 32) == 59628                 # log-gamma beyond
    widths = [min_width(r, 2, 32) for r in (20, 40, 100)]
    assert widths == sorted(widths) and widths[-1] > 10**30
    assert log2_tree_arrangements(3, 2) == pytest.approx(math.log2(315))


@pytest.mark.parametrize("kwargs,name", [({"radius": 0, "arity": 2, "bits": 32}, "radius"),
                                         ({"radius": 2, "arity": 1, "bits": 32}, "arity"),
                                         ({"radius": 2, "arity": 2, "bits": 0}, "bits")])
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"{name}="):
        min_width(**kwargs)
