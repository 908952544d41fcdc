"""A Graphormer-style graph transformer (Ying et al. 2021) on DGL's ``GraphormerLayer``.

Every node attends to every node of its own graph (never across graphs of a batch), so one
layer reads a node at any distance: depth is not bounded below by the task's radius. Per
layer, with H heads and a learned spatial bias b_h(dist) per head and hop distance
(``dgl.nn.SpatialEncoder``; pairs farther than ``max_distance`` hops, or unreachable,
get no bias):

    a_h(i, j) = softmax_j( q_h(i) . k_h(j) / sqrt(d / H) + b_h(dist(j -> i)) )
    z = h + MHA(LN(h)),   h' = z + FFN(LN(z))      (pre-LN; FFN: d -> d -> d, ReLU)

with dist(j -> i) the hop distance from j to i along edge direction (models.dense_layout).
The input states add Graphormer's centrality encoding (``dgl.nn.DegreeEncoder``): h^(0)_v =
encoder(x_v) + E_in[min(d_in(v), max_degree)] + E_out[min(d_out(v), max_degree)] (degree 0
embeds to zero). The block options of models.block (norm, activation, dropout, residual)
apply after each layer as for every family; the graphormer family defaults them to none,
identity, 0 and False because the layer has its own residuals and LayerNorms, and its
internal dropouts are 0. Degrees and distances are those of the message graph (with one
self-loop per node when ``self_loops`` is set).

Shapes: (N, width) -> (N, width); attention runs on padded (B, n, n) blocks cut into chunks
of at most models.dense_layout.PAIR_BUDGET node pairs (BatchNorm, if chosen, normalises per
chunk). ``width`` must be a multiple of ``heads``.
"""
from __future__ import annotations

import torch
from torch import nn

from depthlab.models.adjacency import with_self_loops
from depthlab.models.dense_layout import DenseLayout, dense_chunks
from depthlab.models.depth_model import DepthModel
from depthlab.tasks.quiet_dgl import dgl
from dgl.nn.pytorch import DegreeEncoder, GraphormerLayer, SpatialEncoder


class GraphormerConv(nn.Module):
    """One attention layer with its own spatial bias; ``forward(layout, h)``."""

    supports_blocks = False  # it attends over every node of a graph

    def __init__(self, width: int, heads: int, max_distance: int) -> None:
        super().__init__()
        if heads < 1 or width % heads:
            raise ValueError(f"width={width} is invalid for heads={heads}: graphormer needs "
                             "width to be a positive multiple of heads")
        self.spatial = SpatialEncoder(max_dist=max_distance, num_heads=heads)
        self.layer = GraphormerLayer(width, width, heads, norm_first=True, dropout=0.0,
                                     attn_dropout=0.0)

    def forward(self, layout: DenseLayout, h: torch.Tensor) -> torch.Tensor:
        """``h`` (nodes of ``layout``, width) -> (same, width)."""
        dense = self.layer(layout.to_dense(h), self.spatial(layout.distance), layout.padding)
        return layout.to_nodes(dense)


class GraphormerModel(DepthModel):
    """``depth`` attention layers over all nodes of each graph (module docstring)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.degrees = DegreeEncoder(self.options["max_degree"], self.width, direction="both")

    def _base(self, graph: "dgl.DGLGraph") -> "dgl.DGLGraph":
        return with_self_loops(graph) if self.options["self_loops"] else graph

    def encode(self, graph: "dgl.DGLGraph") -> torch.Tensor:
        """h^(0) (N, width): feature encoding plus in- and out-degree embeddings."""
        base = self._base(graph)
        degrees = torch.stack((base.in_degrees(), base.out_degrees()))[:, None, :]
        return self.encoder(graph.ndata["x"]) + self.degrees(degrees)[0]

    def propagate(self, graph: "dgl.DGLGraph", h0: torch.Tensor) -> list[torch.Tensor]:
        """[h^(0), ..., h^(L)], each (N, width), computed chunk by chunk of whole graphs."""
        if self.depth == 0:
            return [h0]
        src, dst = self._base(graph).edges()
        per_chunk = []
        for layout in dense_chunks(src, dst, graph.batch_num_nodes(), self.options["max_distance"]):
            states = [h0[layout.start:layout.stop]]
            for block in self.blocks:
                states.append(block(layout, layout, states[-1]))
            per_chunk.append(states)
        return [torch.cat(layer, dim=0) for layer in zip(*per_chunk)]
