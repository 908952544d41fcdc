"""SIGN's and MixHop's hop features equal dense powers of the normalised adjacency."""
from __future__ import annotations

import numpy as np
import torch

from depthlab.models import TaskInfo, make_model
from depthlab.models.adjacency import with_self_loops
from depthlab.models.diffusion import hop_features
from depthlab.tasks.dgl_view import example_batch
from depthlab.tasks.quiet_dgl import dgl


def dense_a_hat(src, dst, n):
    """D_in^{-1/2} A^T D_out^{-1/2}, A[u, v] = 1 per edge u -> v, degrees clamped at 1."""
    a = np.zeros((n, n))
    np.add.at(a, (src, dst), 1.0)
    d_out = np.maximum(a.sum(1), 1)
    d_in = np.maximum(a.sum(0), 1)
    return np.diag(d_in ** -0.5) @ a.T @ np.diag(d_out ** -0.5)


def test_hop_features_match_dense_powers():
    src, dst = np.array([1, 2, 3, 3, 0, 4]), np.array([0, 0, 1, 2, 4, 0])
    graph = with_self_loops(dgl.graph((torch.from_numpy(src), torch.from_numpy(dst)), num_nodes=5))
    s, d = (t.numpy() for t in graph.edges())
    a = dense_a_hat(s, d, 5)
    x = np.random.default_rng(0).normal(size=(5, 3))
    hops = hop_features(torch.from_numpy(x).float(), [graph] * 4)
    for k, h in enumerate(hops):
        np.testing.assert_allclose(h.numpy(), np.linalg.matrix_power(a, k) @ x, rtol=1e-5, atol=1e-6)


def test_sign_states_are_projected_dense_powers(toy):
    ds = toy("node-reg")
    batch = example_batch(ds, np.arange(len(ds)))
    model = make_model("sign", TaskInfo.from_dataset(ds), 3, 8, activation="identity")
    h0 = model.encode(batch.graph)
    states = model.propagate(batch.graph, h0)
    loops = with_self_loops(batch.graph)
    a = torch.from_numpy(dense_a_hat(*(t.numpy() for t in loops.edges()), loops.num_nodes())).float()
    x = h0
    for k, block in enumerate(model.blocks):
        torch.testing.assert_close(states[k], block.conv.linear(x), rtol=1e-4, atol=1e-5)
        x = a @ x


def test_mixhop_layer_concatenates_projected_powers(toy):
    ds = toy("node-cls")
    batch = example_batch(ds, np.arange(len(ds)))
    model = make_model("mixhop", TaskInfo.from_dataset(ds), 1, 8, activation="identity")
    h0 = model.encode(batch.graph)
    loops = with_self_loops(batch.graph)
    a = torch.from_numpy(dense_a_hat(*(t.numpy() for t in loops.edges()), loops.num_nodes())).float()
    maps = model.blocks[0].conv.maps
    assert [m.out_features for m in maps] == [3, 3, 2]
    expected = torch.cat([maps[0](h0), maps[1](a @ h0), maps[2](a @ a @ h0)], 1)
    torch.testing.assert_close(model.propagate(batch.graph, h0)[1], expected, rtol=1e-4, atol=1e-5)
