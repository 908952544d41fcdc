"""Outside predictions judged against the metric, the 1-WL ceiling and the radius claim."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from depthlab.experiments.cli import main
from depthlab.tasks import make_task
from depthlab.theory.ceiling import example_colours, mp_ceiling
from depthlab.theory.prediction_audit import audit_predictions


@pytest.fixture(scope="module")
def tnm():
    return make_task("tree-neighbors-match", seed=0, radius=2)


def majority_by_colour(ds, depth):
    """The ceiling's own predictor: in each colour class of the test split, its majority label."""
    test = ds.split_indices("test")
    colours, labels = example_colours(ds, depth)[test], ds.y[test]
    pred = np.empty_like(labels)
    for c in np.unique(colours):
        members = colours == c
        pred[members] = np.bincount(labels[members]).argmax()
    return pred


def test_ceiling_predictor_is_consistent_and_scores_the_ceiling(tnm):
    report = audit_predictions(tnm, majority_by_colour(tnm, 1), depth=1)
    assert report["score"] == pytest.approx(report["ceiling"])
    assert report["ceiling"] == pytest.approx(mp_ceiling(tnm, 1)["test"])
    assert report["ceiling_check"]["status"] == "consistent"
    assert [g["radius"] for g in report["by_radius"]] == [2]
    assert report["by_radius"][0]["reachable"] is False


def test_an_oracle_is_no_one_layer_mpnn(tnm):
    truth = tnm.y[tnm.split_indices("test")]
    shallow = audit_predictions(tnm, truth, depth=1)
    assert shallow["score"] == 1.0 and shallow["ceiling"] < 1.0
    assert shallow["ceiling_check"]["status"] == "inconsistent"
    assert "cannot come from a 1-layer" in shallow["ceiling_check"]["reason"]
    assert shallow["radius_check"]["status"] == "inconsistent"
    deep = audit_predictions(tnm, truth, depth=2)
    assert deep["ceiling_check"]["status"] == "consistent"
    assert deep["radius_check"]["status"] == "not tested"


def test_counts_report_nmse_against_the_least_mse():
    regular = make_task("motif-count", seed=0, family="regular", num_graphs=30, n=8)
    truth = regular.y[regular.split_indices("test")].astype(np.float64)
    report = audit_predictions(regular, np.full_like(truth, truth.mean()), depth=3)
    assert report["metric"] == "nmse" and report["score"] == pytest.approx(1.0)
    assert report["ceiling"] == pytest.approx(1.0)  # every regular graph has one colour
    assert report["ceiling_check"]["status"] == "consistent"
    exact = audit_predictions(regular, truth, depth=3)
    assert exact["ceiling_check"]["status"] == "inconsistent"
    assert exact["radius_check"]["status"] == "not tested"


@pytest.fixture(scope="module")
def saved(tnm, tmp_path_factory):
    directory = tmp_path_factory.mktemp("tnm")
    tnm.save(directory / "data")
    return directory


def test_cli_json_matches_the_api(tnm, saved, capsys):
    path = saved / "pred.npy"
    np.save(path, majority_by_colour(tnm, 1))
    code = main(["evaluate", str(saved / "data"), "--predictions", str(path), "--depth", "1",
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["ceiling_check"]["status"] == "consistent"
    assert out["score"] == pytest.approx(mp_ceiling(tnm, 1)["test"])
    assert main(["evaluate", str(saved / "data"), "--predictions", str(path), "--depth", "1"]) == 0
    assert "ceiling: consistent" in capsys.readouterr().out


@pytest.mark.parametrize("content, message", [
    (np.zeros(7, dtype=np.int64), r"predictions has shape \(7,\): expected \(20,\)"),
    (np.zeros(20), "predictions has dtype float64: expected int class ids"),
    (np.full(20, 9), r"class ids from 9 to 9: expected ids in \[0, 4\)"),
    (np.array([None] * 20, dtype=object), "not a readable .npy array without pickled objects"),
    ("npz", "is an .npz archive"),
    ("text", "not a readable .npy array"),
])
def test_cli_bad_predictions_exit_2_with_one_line(saved, capsys, content, message):
    path = saved / "bad.npy"
    if isinstance(content, np.ndarray):
        np.save(path, content, allow_pickle=True)
    elif content == "npz":
        np.savez(path.with_suffix(".npz"), a=np.zeros(20))
        path = path.with_suffix(".npz")
    else:
        path.write_text("0 1 2\n")
    code = main(["evaluate", str(saved / "data"), "--predictions", str(path), "--depth", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err.startswith("error:") and re.search(message, " ".join(err.split()))


def test_degree_aware_ceiling_is_at_least_the_plain_one(tnm):
    truth = tnm.y[tnm.split_indices("test")]
    plain = audit_predictions(tnm, truth, depth=1)
    degrees = audit_predictions(tnm, truth, depth=1, sees_degrees=True)
    assert degrees["input"] == "node features and degrees"
    assert degrees["ceiling"] >= plain["ceiling"]


def test_ceiling_is_the_unified_model_ceiling(tnm):
    from depthlab.models.facts import facts_of
    from depthlab.theory.model_ceiling import model_ceiling

    truth = tnm.y[tnm.split_indices("test")]
    for family, sees_degrees in (("gin", False), ("gcn", True)):
        unified = model_ceiling(tnm, family, facts_of(family), 1).splits["test"]
        assert audit_predictions(tnm, truth, 1, sees_degrees)["ceiling"] == unified
