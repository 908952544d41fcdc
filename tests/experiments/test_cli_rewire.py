import json

from depthlab.experiments.cli import main
from depthlab.tasks import load_task


def test_rewire_saves_a_new_dataset_and_reports_the_new_radii(tmp_path, capsys):
    data, out = tmp_path / "tnm", tmp_path / "tnm-gtr"
    assert main(["generate", "tree-neighbors-match", "--radius", "3", "--max-examples", "64",
                 "--out", str(data), "--json"]) == 0
    capsys.readouterr()
    assert main(["rewire", str(data), "--method", "sdrf", "--iterations", "3", "--out", str(out),
                 "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    rewired = load_task(out)
    assert summary["edges_added"] == len(rewired.extras["rewire_added"]) > 0
    assert summary["radius_counts_before"] == {"3": 64}
    assert sum(summary["radius_counts_after"].values()) == 64
    assert summary["radius_mean_after"] == float(rewired.radius.mean()) < 3
    assert summary["negative_edges_after"] < summary["negative_edges_before"]


def test_rewire_refuses_an_existing_out_unless_forced(tmp_path, capsys):
    data = tmp_path / "chain"
    assert main(["generate", "grid-chain", "--radius", "4", "--num-examples", "20", "--out", str(data)]) == 0
    out = tmp_path / "taken"
    assert main(["generate", "grid-chain", "--radius", "2", "--num-examples", "5", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["rewire", str(data), "--method", "gtr", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert load_task(out).params["radius"] == 2
    assert main(["rewire", str(data), "--method", "gtr", "--iterations", "1", "--out", str(out), "--force"]) == 0
    assert load_task(out).info["transforms"][0]["name"] == "gtr"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chain", "taken"]   # nothing left behind
    assert main(["rewire", str(data), "--method", "gtr", "--seed", "1", "--out", str(tmp_path / "x")]) == 2
    assert "--seed does not apply to --method gtr" in capsys.readouterr().err
