"""`DepthModel`: encoder -> L message-passing blocks -> jumping knowledge -> readout -> linear.

Shapes (N nodes in the batch, B examples, d = width, C = num_outputs):
    encode(graph)                         -> h^(0) (N, d)
    propagate(graph, h0)                  -> [h^(0), ..., h^(L)], each (N, d)
    head(graph, states, readout, level)   -> (B, C)
    forward(batch)                        -> (B, C) logits, or (B, 1) regression outputs

``options`` (resolved by models.registry) used here: residual, norm, norm_position,
pairnorm_scale, dropout, activation, jk, pool, fully_adjacent_last, fully_adjacent_all,
self_loops, output_bias.

Message graphs: layer l aggregates over the example graph, with one self-loop per node when
``self_loops`` is set (gcn, gat, mixhop, sign). With ``fully_adjacent_last`` the last layer
instead uses models.adjacency.fully_adjacent: for node-level tasks every node of a graph
gains an edge to each target node of that graph, read from ``graph.ndata["target"]``
(bool (N,); ``forward`` sets it from the batch's readout, and ``TaskDataset[i]`` graphs
carry it); for graph-level tasks, or a graph without ``ndata["target"]``, every member
graph becomes all-to-all (with self-loops), Alon & Yahav's original layer. With
``fully_adjacent_all`` every layer uses that fully-adjacent graph (the input edges plus
the edges to the targets), so one layer reads any node of the target's graph.

Depth 0 is allowed (no message passing: the head reads h^(0)); it raises ``ValueError``
with ``fully_adjacent_last``, which needs a last layer.

Node-level batches of at least ``target_blocks.MIN_NODES`` nodes compute only the targets'
receptive fields (models.target_blocks) when every layer gives there the result it has on
the whole graph (``Block.supports_blocks``: gcn, gat, ggnn, sage, and gin without
BatchNorm, each with a per-node norm). The outputs are those of
:meth:`DepthModel.forward_all_nodes` up to float summation order (with dropout, the same in
distribution: the masks are drawn for the computed rows only).
"""
from __future__ import annotations

from typing import Any, Callable

import torch
from torch import nn

from depthlab.models import target_blocks
from depthlab.models.adjacency import fully_adjacent, with_self_loops
from depthlab.models.block import Block
from depthlab.models.encoders import make_encoder
from depthlab.models.norms import make_norm
from depthlab.models.readout import combine_layers, jk_width, read_out
from depthlab.models.task_info import TaskInfo
from depthlab.tasks.dgl_view import ExampleBatch
from depthlab.tasks.quiet_dgl import dgl


class DepthModel(nn.Module):
    """A depth-``depth``, width-``width`` network of family ``family`` (see module docs).

    ``make_layer()`` returns a fresh conv module ``(graph, h (N, d)) -> (N, d)``.
    """

    def __init__(self, family: str, info: TaskInfo, depth: int, width: int,
                 make_layer: Callable[[], nn.Module], options: dict[str, Any]) -> None:
        super().__init__()
        if options["fully_adjacent_last"] and depth < 1:
            raise ValueError(f"depth={depth} is invalid with fully_adjacent_last=True: "
                             "expected depth >= 1 (a last layer to make fully adjacent)")
        self.family = family
        self.info = info
        self.depth = depth
        self.width = width
        self.options = dict(options)
        self.encoder = make_encoder(info, width)
        self.blocks = nn.ModuleList(
            Block(make_layer(), make_norm(options["norm"], width, options["pairnorm_scale"]),
                  options["activation"], options["dropout"], options["residual"],
                  options["norm_position"])
            for _ in range(self.num_blocks())
        )
        self.output = nn.Linear(jk_width(options["jk"], depth, width), info.num_outputs,
                                bias=options["output_bias"])

    def num_blocks(self) -> int:
        """Number of :class:`Block` modules: one per layer."""
        return self.depth

    def encode(self, graph: "dgl.DGLGraph") -> torch.Tensor:
        """h^(0) (N, width) from ``graph.ndata["x"]`` (N, F)."""
        return self.encoder(graph.ndata["x"])

    def message_graphs(self, graph: "dgl.DGLGraph") -> list["dgl.DGLGraph"]:
        """The graph each of the ``depth`` layers aggregates over (module docstring)."""
        if self.options["fully_adjacent_all"]:
            return [self._with_loops(fully_adjacent(graph, self._targets(graph)))] * self.depth
        base = self._with_loops(graph)
        if not self.options["fully_adjacent_last"]:
            return [base] * self.depth
        last = self._with_loops(fully_adjacent(graph, self._targets(graph)))
        return [base] * (self.depth - 1) + [last]

    def _with_loops(self, graph: "dgl.DGLGraph") -> "dgl.DGLGraph":
        return with_self_loops(graph) if self.options["self_loops"] else graph

    def _targets(self, graph: "dgl.DGLGraph") -> torch.Tensor | None:
        """Target node ids of a node-level graph; None (every node) otherwise."""
        if self.info.level == "graph" or "target" not in graph.ndata:
            return None
        return torch.nonzero(graph.ndata["target"], as_tuple=True)[0]

    def propagate(self, graph: "dgl.DGLGraph", h0: torch.Tensor) -> list[torch.Tensor]:
        """[h^(0), h^(1), ..., h^(L)]: the states after each layer, each (N, width)."""
        states = [h0]
        for block, message_graph in zip(self.blocks, self.message_graphs(graph)):
            states.append(block(graph, message_graph, states[-1]))
        return states

    def head(self, graph: "dgl.DGLGraph", states: list[torch.Tensor], readout: torch.Tensor,
             level: str) -> torch.Tensor:
        """(B, num_outputs): jumping knowledge over ``states``, readout, then a linear map."""
        z = combine_layers(states, self.options["jk"])
        return self.output(read_out(graph, z, readout, level, self.options["pool"]))

    def reads_targets_only(self) -> bool:
        """Whether node-level batches compute only the targets' receptive fields (module
        docstring)."""
        return self.depth > 0 and all(block.supports_blocks for block in self.blocks)

    def forward(self, batch: ExampleBatch) -> torch.Tensor:
        """(B, num_outputs) for the examples of ``batch``; the batch's graph is unchanged."""
        if (batch.level == "node" and batch.graph.num_nodes() >= target_blocks.MIN_NODES
                and self.reads_targets_only()):
            return self._forward_targets(batch)
        return self.forward_all_nodes(batch)

    def forward_all_nodes(self, batch: ExampleBatch) -> torch.Tensor:
        """:meth:`forward` computing every node's state at every layer."""
        graph = batch.graph
        with graph.local_scope():
            if batch.level == "node":
                graph.ndata["target"] = self._target_mask(graph, batch.readout)
            states = self.propagate(graph, self.encode(graph))
            return self.head(graph, states, batch.readout, batch.level)

    def _forward_targets(self, batch: ExampleBatch) -> torch.Tensor:
        """:meth:`forward` on the blocks of models.target_blocks for a node-level batch."""
        graph = batch.graph
        targets, position = torch.unique(batch.readout, return_inverse=True)
        with graph.local_scope():
            graph.ndata["target"] = self._target_mask(graph, targets)
            blocks = target_blocks.target_blocks(self.message_graphs(graph), targets)
            states = [self.encoder(graph.ndata["x"][blocks[0].srcdata[dgl.NID]])]
            for block, message_block in zip(self.blocks, blocks):
                states.append(block(graph, message_block, states[-1]))
        z = combine_layers([state[:len(targets)] for state in states], self.options["jk"])
        return self.output(z[position])

    @staticmethod
    def _target_mask(graph: "dgl.DGLGraph", targets: torch.Tensor) -> torch.Tensor:
        """bool (N,): True at ``targets``."""
        mask = torch.zeros(graph.num_nodes(), dtype=torch.bool, device=graph.device)
        mask[targets] = True
        return mask

    def extra_repr(self) -> str:
        return f"family={self.family!r}, depth={self.depth}, width={self.width}"
