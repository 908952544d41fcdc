import numpy as np
import pytest

import depthlab.tasks.sparse_bernoulli as sparse_bernoulli
from depthlab.tasks.sparse_bernoulli import bernoulli_successes


@pytest.mark.parametrize("batch", [sparse_bernoulli.BATCH_DRAWS, 64])
def test_successes_are_sorted_distinct_and_in_range(monkeypatch, batch):
    monkeypatch.setattr(sparse_bernoulli, "BATCH_DRAWS", batch)
    hits = bernoulli_successes(10_500, 0.3, np.random.default_rng(0))
    assert hits.dtype == np.int64 and (np.diff(hits) > 0).all()
    assert 0 <= hits[0] and hits[-1] < 10_500
    assert abs(len(hits) - 3150) < 5 * np.sqrt(10_500 * 0.3 * 0.7)


@pytest.mark.parametrize("batch", [sparse_bernoulli.BATCH_DRAWS, 3])
def test_every_trial_is_equally_likely(monkeypatch, batch):
    monkeypatch.setattr(sparse_bernoulli, "BATCH_DRAWS", batch)
    rng = np.random.default_rng(1)
    counts = np.zeros(50)
    for _ in range(400):
        counts[bernoulli_successes(50, 0.2, rng)] += 1
    assert np.abs(counts / 400 - 0.2).max() < 5 * np.sqrt(0.2 * 0.8 / 400)


def test_huge_sparse_populations_cost_only_their_successes():
    hits = bernoulli_successes(10**15, 1e-12, np.random.default_rng(2))
    assert abs(len(hits) - 1000) < 5 * np.sqrt(1000) and hits[-1] < 10**15


def test_edge_probabilities():
    rng = np.random.default_rng(0)
    assert len(bernoulli_successes(1000, 0.0, rng)) == 0
    assert np.array_equal(bernoulli_successes(1000, 1.0, rng), np.arange(1000))
    assert len(bernoulli_successes(0, 0.5, rng)) == 0
    with pytest.raises(ValueError, match="p=2 is out of range"):
        bernoulli_successes(10, 2, rng)
