"""PairNorm and NodeNorm outputs satisfy their definitions exactly."""
from __future__ import annotations

import pytest
import torch

from depthlab.models.norms import NodeNorm, PairNorm, make_norm
from depthlab.tasks.quiet_dgl import dgl


def batched(sizes):
    """A batch of edgeless graphs of the given sizes (norms read only the node partition)."""
    return dgl.batch([dgl.graph(([], []), num_nodes=n) for n in sizes])


def test_pair_norm_centres_and_rescales_each_graph():
    graph = batched([3, 5, 2])
    h = torch.randn(10, 4, generator=torch.Generator().manual_seed(0)) * 7 + 3
    out = PairNorm(scale=1.5)(graph, h)
    for part, orig in zip(torch.split(out, [3, 5, 2]), torch.split(h, [3, 5, 2])):
        torch.testing.assert_close(part.mean(0), torch.zeros(4), atol=1e-5, rtol=0)
        torch.testing.assert_close(part.pow(2).sum(1).mean(), torch.tensor(1.5 ** 2))
        centred = orig - orig.mean(0)
        ratio = part / centred                      # one positive factor per graph
        torch.testing.assert_close(ratio, ratio[0, 0].expand_as(ratio))


def test_pair_norm_of_a_constant_graph_is_zero():
    out = PairNorm()(batched([4]), torch.ones(4, 3))
    assert torch.equal(out, torch.zeros(4, 3))
    with pytest.raises(ValueError, match="pairnorm_scale=0"):
        PairNorm(scale=0)


def test_node_norm_gives_unit_std_rows_without_centring():
    h = torch.randn(6, 5, generator=torch.Generator().manual_seed(1)) * 4 + 2
    out = NodeNorm()(batched([6]), h)
    torch.testing.assert_close(out.std(1, unbiased=False), torch.ones(6))
    torch.testing.assert_close(out * h.std(1, unbiased=False, keepdim=True), h)


def test_make_norm_names():
    assert isinstance(make_norm("pair", 4), PairNorm)
    h = torch.randn(3, 4)
    assert torch.equal(make_norm("none", 4)(batched([3]), h), h)
    with pytest.raises(ValueError, match="norm='group' is invalid: expected one of none, batch"):
        make_norm("group", 4)
