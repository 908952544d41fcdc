"""Jacobian sensitivity against autograd's full Jacobian, and Topping et al.'s bound on
random dense GCN stacks and on models.make_model("gcn")."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from depthlab.models import make_model
from depthlab.models.gcn import GCNLayer
from depthlab.models.task_info import TaskInfo
from depthlab.tasks.dgl_view import example_batch
from depthlab.tasks.quiet_dgl import dgl
from tests.conftest import make_tiny_dataset
from depthlab.theory.sensitivity import (
    ACTIVATION_LIPSCHITZ,
    block_norms,
    jacobian_blocks,
    model_sensitivity,
)
from depthlab.theory.spectrum import normalised_adjacency, power_rows

ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh, "identity": lambda z: z,
               "gelu": torch.nn.functional.gelu}


def random_dense_gcn(rng: np.random.Generator, n: int, width: int, depth: int, activation: str):
    """(fn, A_hat dense, weights) of h -> act(A_hat h W_l + b_l) repeated ``depth`` times,
    on a random directed graph with self-loops, float64."""
    m = int(rng.integers(n, 3 * n))
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    a_hat = normalised_adjacency(src, dst, n)
    a = torch.tensor(a_hat.toarray())
    weights = [torch.tensor(rng.normal(scale=0.7, size=(width, width))) for _ in range(depth)]
    biases = [torch.tensor(rng.normal(size=width)) for _ in range(depth)]
    act = ACTIVATIONS[activation]

    def fn(h):
        for w, b in zip(weights, biases):
            h = act(a @ h @ w + b)
        return h

    return fn, a_hat, weights


def test_jacobian_blocks_match_autograd_full_jacobian():
    rng = np.random.default_rng(0)
    fn, _, _ = random_dense_gcn(rng, 7, 3, 2, "tanh")
    h0 = torch.tensor(rng.normal(size=(7, 3)))
    full = torch.autograd.functional.jacobian(fn, h0)          # (N, d_out, N, d_in)
    blocks = jacobian_blocks(fn, h0, 4)
    torch.testing.assert_close(blocks, full[4])
    spectral, frobenius = block_norms(blocks)
    for u in range(7):
        block = full[4, :, u, :].numpy()
        assert spectral[u] == pytest.approx(np.linalg.norm(block, 2))
        assert frobenius[u] == pytest.approx(np.linalg.norm(block, "fro"))
    with pytest.raises(ValueError, match="target=7"):
        jacobian_blocks(fn, h0, 7)


@pytest.mark.parametrize("activation", ["relu", "tanh", "identity", "gelu"])
def test_topping_bound_holds_on_random_dense_gcns(activation):
    rng = np.random.default_rng(1)
    alpha = ACTIVATION_LIPSCHITZ[activation]
    for _ in range(8):
        n, width, depth = int(rng.integers(3, 9)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
        fn, a_hat, weights = random_dense_gcn(rng, n, width, depth, activation)
        h0 = torch.tensor(rng.normal(size=(n, width)))
        factor = np.prod([alpha * np.linalg.norm(w.numpy(), 2) for w in weights])
        for target in range(n):
            spectral, _ = block_norms(jacobian_blocks(fn, h0, target))
            bound = factor * power_rows(a_hat, target, depth)[depth]
            assert np.all(spectral <= bound * (1 + 1e-9) + 1e-12)


def test_gelu_lipschitz_constant_is_its_largest_slope():
    z = torch.linspace(-6, 6, 200001, dtype=torch.float64, requires_grad=True)
    torch.nn.functional.gelu(z).sum().backward()
    assert ACTIVATION_LIPSCHITZ["gelu"] == pytest.approx(float(z.grad.max()), abs=1e-8)


def test_normalised_adjacency_is_the_gcn_layer_with_identity_weights():
    rng = np.random.default_rng(2)
    n = 9
    src, dst = rng.integers(0, n, 20), rng.integers(0, n, 20)
    layer = GCNLayer(4)
    with torch.no_grad():
        layer.conv.weight.copy_(torch.eye(4))
        layer.conv.bias.zero_()
    h = torch.tensor(rng.normal(size=(n, 4)), dtype=torch.float32)
    for self_loops in (True, False):
        keep = src != dst
        loops = np.arange(n) if self_loops else np.array([], dtype=np.int64)
        graph = dgl.graph((torch.tensor(np.concatenate([src[keep], loops])),
                           torch.tensor(np.concatenate([dst[keep], loops]))), num_nodes=n)
        expected = normalised_adjacency(src[keep], dst[keep], n, self_loops=self_loops) @ h.numpy()
        np.testing.assert_allclose(layer(graph, h).detach().numpy(), expected, atol=1e-5)


def test_power_rows_match_dense_powers():
    rng = np.random.default_rng(3)
    a = normalised_adjacency(rng.integers(0, 6, 12), rng.integers(0, 6, 12), 6)
    rows = power_rows(a, 2, 3)
    for k in range(4):
        np.testing.assert_allclose(rows[k], np.linalg.matrix_power(a.toarray(), k)[2])
    with pytest.raises(ValueError, match="row=6"):
        power_rows(a, 6, 1)


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_bound_holds_for_models_gcn(activation):
    ds = make_tiny_dataset("node")
    torch.manual_seed(0)
    model = make_model("gcn", TaskInfo.from_dataset(ds), depth=3, width=6,
                       activation=activation).eval()
    batch = example_batch(ds, np.arange(len(ds)))
    target = int(batch.readout[2])          # the path 8 -> 7 -> 6 -> 5, target 5
    result = model_sensitivity(model, batch, target)
    summary = result.summary()
    assert summary["bound_holds"] and summary["min_slack"] >= -1e-6
    assert 0 < summary["max_ratio"] <= 1 + 1e-6
    support = result.propagation > 0
    assert support.sum() == 4                 # the target's own 3-hop in-neighbourhood
    assert np.all(result.spectral[~support] == 0)
    assert summary["sensitivity_outside_support"] == 0.0


def test_no_bound_for_other_families_or_gcn_variants():
    ds = make_tiny_dataset("node")
    info = TaskInfo.from_dataset(ds)
    batch = example_batch(ds, np.arange(len(ds)))
    torch.manual_seed(1)
    for model in (make_model("gin", info, depth=2, width=4),
                  make_model("gcn", info, depth=2, width=4, residual=True)):
        result = model_sensitivity(model.eval(), batch, int(batch.readout[0]), layer=1)
        assert result.bound is None and "bound_holds" not in result.summary()
        assert result.spectral.shape == (batch.graph.num_nodes(),)
    with pytest.raises(ValueError, match="layer=3"):
        model_sensitivity(model, batch, 0, layer=3)
