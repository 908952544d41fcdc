"""The OGB-style Evaluator: metrics, formats, and errors that say what was expected."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from depthlab import Evaluator
from depthlab.tasks import make_task


@pytest.fixture(scope="module")
def tnm():
    return make_task("tree-neighbors-match", seed=0, radius=2)


@pytest.fixture(scope="module")
def counts():
    return make_task("motif-count", seed=0, num_graphs=30, n=8)


def test_accuracy_from_ids_and_scores(tnm):
    ev = Evaluator(tnm)
    y = tnm.y[tnm.get_idx_split()["test"].numpy()]
    wrong = (y + 1) % tnm.num_classes
    half = np.where(np.arange(len(y)) % 2 == 0, y, wrong)
    assert ev.eval({"y_true": y, "y_pred": y}) == {"acc": 1.0}
    assert ev.eval({"y_true": y[:, None], "y_pred": torch.from_numpy(half)})["acc"] == \
        pytest.approx(np.mean(half == y))
    scores = np.eye(tnm.num_classes, dtype=np.float32)[wrong]
    assert ev.eval({"y_true": torch.from_numpy(y), "y_pred": scores}) == {"acc": 0.0}
    assert "(n, 4) float scores" in ev.expected_input_format


def test_nmse_is_mse_over_variance(counts):
    ev = Evaluator(counts)
    y = counts.y.astype(np.float64)
    assert ev.eval({"y_true": y, "y_pred": np.full_like(y, y.mean())})["nmse"] == pytest.approx(1.0)
    out = ev.eval({"y_true": y, "y_pred": y + 1.0})
    assert out["mse"] == pytest.approx(1.0) and out["nmse"] == pytest.approx(1.0 / y.var())
    assert ev.metric == "nmse" and "nmse" in ev.expected_output_format


@pytest.mark.parametrize("y_pred, message", [
    (np.zeros(5, dtype=np.int64), r"y_pred has shape \(5,\): expected \(20,\) or \(20, 1\)"),
    (np.zeros(20), r"y_pred has dtype float64: expected int class ids in \[0, 4\)"),
    (np.full(20, 4), r"class ids from 4 to 4: expected ids in \[0, 4\)"),
    (np.zeros((20, 3), dtype=np.float32), r"shape \(20, 3\)"),
    (np.full((20, 4), np.nan, dtype=np.float32), "NaN"),
    ([0] * 20, "must be a numpy array or torch tensor, got list"),
])
def test_bad_predictions_say_what_was_expected(tnm, y_pred, message):
    y = tnm.y[tnm.split_indices("test")]
    assert len(y) == 20
    with pytest.raises(ValueError, match=message):
        Evaluator(tnm).eval({"y_true": y, "y_pred": y_pred})


def test_bad_truth_and_dict(tnm, counts):
    with pytest.raises(ValueError, match="keys 'y_true' and 'y_pred'"):
        Evaluator(tnm).eval({"y_true": np.zeros(3, dtype=np.int64)})
    with pytest.raises(ValueError, match=r"y_true holds class ids from -1"):
        Evaluator(tnm).eval({"y_true": np.array([-1, 0]), "y_pred": np.array([0, 0])})
    with pytest.raises(ValueError, match="constant"):
        Evaluator(counts).eval({"y_true": np.ones(4), "y_pred": np.ones(4)})
    with pytest.raises(ValueError, match="NaN or infinite"):
        Evaluator(counts).eval({"y_true": np.arange(3.0), "y_pred": np.array([0, np.inf, 1])})
