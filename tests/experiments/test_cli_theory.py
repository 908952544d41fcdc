import json
import re

import numpy as np

import pytest

from depthlab.experiments.cli import main
from depthlab.tasks import make_task


@pytest.fixture
def tree_dir(tmp_path):
    path = tmp_path / "tnm"
    make_task("tree-neighbors-match", seed=0, radius=2).save(path)
    return path


def run_json(capsys, *argv):
    assert main(["theory", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def edge_file(tmp_path, text):
    path = tmp_path / "edges.txt"
    path.write_text(text)
    return str(path)


def test_ceiling(tree_dir, capsys):
    deep = run_json(capsys, "ceiling", str(tree_dir), "--depth", "2")
    assert deep == {"model": "gin", "depth": 2, "rounds": 2, "input": "node features",
                    "metric": "accuracy", "splits": {"train": 1.0, "test": 1.0},
                    "stable_after": None}
    shallow = run_json(capsys, "ceiling", str(tree_dir), "--depth", "1")
    assert set(shallow["splits"]) == {"train", "test"} and shallow["splits"]["test"] < 1.0
    assert main(["theory", "ceiling", str(tree_dir), "--depth", "1"]) == 0
    assert "ceiling (accuracy)" in capsys.readouterr().out
    mixhop = run_json(capsys, "ceiling", str(tree_dir), "--depth", "1", "--model", "mixhop")
    assert mixhop["rounds"] == 2 and "in-degree" in mixhop["input"]
    assert mixhop["splits"] == deep["splits"]
    assert main(["theory", "ceiling", str(tree_dir), "--depth", "1", "--model", "nope"]) == 2
    assert "declares no facts" in capsys.readouterr().err
    assert main(["theory", "ceiling", str(tree_dir), "--depth", "1", "--model", "graphormer"]) == 2
    assert "model='graphormer' is not message passing" in capsys.readouterr().err


def test_receptive_field(tree_dir, capsys):
    out = run_json(capsys, "receptive-field", str(tree_dir))
    assert out["depth"] == 2 and out["nodes"] == 96
    assert out["min"] == out["max"] == 7 and out["mean"] == 7.0
    assert out["closed_form"]["family"] == "tree" and out["closed_form"]["value"] == 7
    assert out["closed_form"]["matching"] == 1.0
    assert run_json(capsys, "receptive-field", str(tree_dir), "--depth", "1")["max"] == 3


def test_bottleneck(capsys):
    out = run_json(capsys, "bottleneck", "--radius", "3", "--arity", "2", "--bits", "1")
    assert out == {"radius": 3, "arity": 2, "bits": 1, "min_width": 9}      # ceil(log2 315)
    assert main(["theory", "bottleneck", "--radius", "0"]) == 2
    assert "radius=0" in capsys.readouterr().err


def test_curvature(tmp_path, capsys):
    path = edge_file(tmp_path, "# C4 with a tail\n0 1\n1 2\n2 3\n3 0\n3 4\n")
    out = run_json(capsys, "curvature", path)
    assert [(e["u"], e["v"]) for e in out["edges"]] == [(0, 1), (1, 2), (2, 3), (3, 0), (3, 4)]
    assert [e["curvature"] for e in out["edges"]] == pytest.approx([1, 1, 1 / 3, 1 / 3, 0])
    assert main(["theory", "curvature", path]) == 0
    table = capsys.readouterr().out
    assert "negative" in table and "0.3333" in table


def test_curvature_summary_counts_rounding_as_zero(tmp_path, capsys, monkeypatch):
    """A curvature of -1.1e-16 (rounding of a flat edge) is not negative; -0.5 is."""
    import depthlab.theory.curvature as curvature

    monkeypatch.setattr(curvature, "balanced_forman_curvature",
                        lambda u, v: np.array([-1.1e-16, 0.0, -0.5]))
    assert main(["theory", "curvature", edge_file(tmp_path, "0 1\n1 2\n2 3\n")]) == 0
    summary = capsys.readouterr().out
    assert re.search(r"negative\s*│\s*1\b", summary), summary


def test_curvature_errors_name_the_line(tmp_path, capsys):
    assert main(["theory", "curvature", edge_file(tmp_path, "0 1\n1 two\n")]) == 2
    assert "line 2" in capsys.readouterr().err
    assert main(["theory", "curvature", edge_file(tmp_path, "0 1\n\n2 2\n")]) == 2
    assert "line 3: self-loop" in capsys.readouterr().err
    assert main(["theory", "curvature", edge_file(tmp_path, "# nothing\n")]) == 2
    assert "no edges" in capsys.readouterr().err


def test_resistance(tmp_path, capsys):
    path = edge_file(tmp_path, "1 2\n2 3\n3 4\n")                  # ids need not start at 0
    out = run_json(capsys, "resistance", path, "--pair", "1,4", "--pair", "2,2")
    assert out["total"] == pytest.approx(10.0)                     # path of 4: (64 - 4) / 6
    assert out["pairs"] == [{"u": 1, "v": 4, "resistance": pytest.approx(3.0)},
                            {"u": 2, "v": 2, "resistance": 0.0}]
    split = edge_file(tmp_path, "0 1\n2 3\n")
    out = run_json(capsys, "resistance", split, "--pair", "0,3")
    assert out == {"total": "disconnected", "pairs": [{"u": 0, "v": 3, "resistance": "disconnected"}]}
    assert run_json(capsys, "resistance", path, "--no-total")["total"] == "skipped"
    assert main(["theory", "resistance", path, "--pair", "1,9"]) == 2
    assert "node 9 does not appear" in capsys.readouterr().err
    assert main(["theory", "resistance", path, "--pair", "1-4"]) == 2
    assert "expected two node ids" in capsys.readouterr().err
