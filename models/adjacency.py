"""Message-passing graphs derived from a batched example graph.

Messages follow edge direction src -> dst (a node aggregates its in-neighbours). The
returned graphs keep the node numbering of the input and carry no node data; they are
built fresh per forward pass, so nothing leaks into the caller's graph.
"""
from __future__ import annotations

import torch

from depthlab.tasks.quiet_dgl import dgl


def _ranges(starts: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Concatenation of ``arange(starts[i], starts[i] + lengths[i])`` over i."""
    ends = torch.cumsum(lengths, 0)
    offsets = torch.repeat_interleave(starts - (ends - lengths), lengths)
    return torch.arange(int(ends[-1]) if len(ends) else 0, device=starts.device) + offsets


def with_self_loops(graph: "dgl.DGLGraph") -> "dgl.DGLGraph":
    """``graph`` with exactly one self-loop (v, v) per node: existing ones are dropped and
    one per node appended after the other edges."""
    src, dst = graph.edges()
    keep = src != dst
    loops = torch.arange(graph.num_nodes(), device=graph.device)
    return dgl.graph((torch.cat([src[keep], loops]), torch.cat([dst[keep], loops])),
                     num_nodes=graph.num_nodes())


def fully_adjacent(graph: "dgl.DGLGraph", targets: torch.Tensor | None) -> "dgl.DGLGraph":
    """``graph`` plus an edge (u, t) from every node u of t's member graph to each node t
    in ``targets`` (int64 node ids), including the self-loop (t, t); edges already present
    are not duplicated. ``targets=None`` means every node: all-to-all within each member
    graph (sum over graphs of n_g^2 edges). This is Alon & Yahav's fully-adjacent layer,
    restricted to the nodes a prediction is read from.
    """
    sizes = graph.batch_num_nodes()
    starts = torch.cumsum(sizes, 0) - sizes
    if targets is None:
        targets = torch.arange(graph.num_nodes(), device=graph.device)
    owner = torch.repeat_interleave(torch.arange(len(sizes), device=sizes.device), sizes)[targets]
    src = _ranges(starts[owner], sizes[owner])
    dst = torch.repeat_interleave(targets, sizes[owner])
    old_src, old_dst = graph.edges()
    n = graph.num_nodes()
    fresh = ~torch.isin(src * n + dst, old_src * n + old_dst)
    return dgl.graph((torch.cat([old_src, src[fresh]]), torch.cat([old_dst, dst[fresh]])),
                     num_nodes=n)
