"""Which motif-count patterns message passing can count, as data the checker reads.

Message-passing networks distinguish no more than 1-WL colour refinement (Xu et al. 2019;
Morris et al. 2019), so "an MPNN can count pattern P" means: the count is a function of
the graph's 1-WL colour histogram (graph level) or of a node's 1-WL colour (node level,
copies containing the node), with node features all equal as in motif-count.

- Chen, Chen, Villar & Bruna 2020, "Can graph neural networks count substructures?"
  (NeurIPS): MPNNs and 2-WL (their name for colour refinement) cannot induced-subgraph-count
  any connected pattern with 3 or more nodes, and cannot subgraph-count connected patterns
  with 3 or more nodes other than stars; they can subgraph-count star-shaped patterns.
- Arvind, Fuhlbrück, Köbler & Verbitsky 2020, "On Weisfeiler-Leman invariance: subgraph
  counts and related graph properties" (JCSS): among connected patterns, the stars are
  exactly those whose subgraph counts colour refinement determines.

For the one countable case, the non-induced 3-star K_{1,3}: a graph has
sum_v C(deg v, 3) copies (deg v is v's colour after 1 round), and the copies containing v
number C(deg v, 3) + sum_{w ~ v} C(deg w - 1, 2) (a function of v's colour after 2 rounds).
Node-level impossibility follows from graph level: a graph's count is the sum of its nodes'
counts divided by the pattern's size, so node counts that were functions of node colours
would make graph counts functions of colour histograms. Triangle and K4 are complete, so
their induced and non-induced counts coincide.
"""
from __future__ import annotations

from dataclasses import dataclass

CHEN_2020 = ("Chen, Chen, Villar & Bruna 2020, 'Can graph neural networks count "
             "substructures?' (NeurIPS)")
ARVIND_2020 = ("Arvind, Fuhlbrück, Köbler & Verbitsky 2020, 'On Weisfeiler-Leman invariance: "
               "subgraph counts and related graph properties' (J. Comput. Syst. Sci.)")
PATTERN_NAMES = ("triangle", "4-cycle", "3-star", "tailed-triangle", "chordal-cycle", "k4")


@dataclass(frozen=True)
class Countability:
    """Whether message passing can count ``pattern`` (``induced`` or not), and how deep.

    ``graph_depth`` / ``node_depth``: rounds (layers) after which the graph's count is a
    function of its colour histogram / a node's count of copies containing it is a function
    of its colour; None when no depth suffices.
    """

    pattern: str
    induced: bool
    countable: bool
    graph_depth: int | None
    node_depth: int | None
    reason: str
    references: tuple[str, ...]


def _uncountable(pattern: str, induced: bool) -> Countability:
    kind = "induced-subgraph" if induced else "subgraph"
    why = ("no connected pattern with 3 or more nodes can be induced-subgraph-counted"
           if induced else "only stars among connected patterns can be subgraph-counted")
    return Countability(pattern, induced, False, None, None,
                        f"MPNNs cannot {kind}-count {pattern}: {why}", (CHEN_2020, ARVIND_2020))


COUNTABILITY: dict[tuple[str, bool], Countability] = {
    (name, induced): _uncountable(name, induced)
    for name in PATTERN_NAMES for induced in (False, True)
}
COUNTABILITY["3-star", False] = Countability(
    "3-star", False, True, 1, 2,
    "stars can be subgraph-counted: sum_v C(deg v, 3) per graph; C(deg v, 3) + "
    "sum_{w ~ v} C(deg w - 1, 2) per node", (CHEN_2020, ARVIND_2020))


def mp_countability(pattern: str, induced: bool) -> Countability:
    """The entry for ``pattern`` (one of PATTERN_NAMES); ``ValueError`` listing them otherwise."""
    if pattern not in PATTERN_NAMES:
        raise ValueError(f"pattern={pattern!r} is invalid: expected one of "
                         f"{', '.join(PATTERN_NAMES)}")
    return COUNTABILITY[pattern, bool(induced)]
