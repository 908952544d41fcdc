import json

from depthlab.experiments.cli import main


def test_tasks_lists_every_task_with_parameters(capsys):
    assert main(["tasks", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert set(listing) == {"tree-neighbors-match", "grid-chain", "motif-count", "csbm", "transfer"}
    assert listing["transfer"]["radius"].startswith("= distance")
    names = [p["name"] for p in listing["tree-neighbors-match"]["params"]]
    assert {"radius", "arity", "max_permutations", "max_examples", "train_fraction", "self_loops"} <= set(names)


def test_generate_then_describe(tmp_path, capsys):
    out = tmp_path / "tnm"
    assert main(["generate", "tree-neighbors-match", "--radius", "2", "--seed", "3",
                 "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["examples"], summary["nodes"], summary["num_classes"]) == (96, 96 * 7, 4)
    assert summary["radius_min"] == summary["radius_max"] == 2
    assert summary["chance_accuracy"] == 0.25 and summary["seconds"] >= 0
    assert main(["describe", str(out), "--json"]) == 0
    described = json.loads(capsys.readouterr().out)
    assert described["examples"] == 96 and described["seed"] == 3


def test_dashed_parameter_names(capsys):
    assert main(["generate", "grid-chain", "--radius", "3", "--num-examples", "20", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["examples"] == 20


def test_bad_input_is_one_line_and_exit_2(capsys):
    assert main(["generate", "tree-neighbors-match", "--radius", "1"]) == 2
    err = capsys.readouterr().err
    assert "radius=1" in err and "Traceback" not in err
    assert main(["generate", "no-such-task"]) == 2
    assert "choose one of" in capsys.readouterr().err
    assert main(["generate", "tree-neighbors-match", "--radius", "12", "--memory-budget", "0.01"]) == 2
    assert "GiB" in capsys.readouterr().err
    assert main(["describe", "/nonexistent/dir"]) == 2
