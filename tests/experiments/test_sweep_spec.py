import pytest

from depthlab.experiments.spec import config_key, expand, find_spec, load_spec, parse_depth, shipped_specs


@pytest.mark.parametrize("depth, radius, expected", [
    (3, 5, 3), ("r", 4, 4), ("r+1", 4, 5), ("r - 1", 2, 1), ("2r", 3, 6), ("2*r+1", 3, 7),
    (" r+0 ", 2, 2),
])
def test_parse_depth(depth, radius, expected):
    assert parse_depth(depth, radius) == expected


@pytest.mark.parametrize("depth, match", [
    ("r-5", "at radius 2 is -3"), ("x+1", "expression in the radius r"), (True, "invalid"),
    ("r*2", "expression"),
])
def test_parse_depth_rejects(depth, match):
    with pytest.raises(ValueError, match=match):
        parse_depth(depth, 2)


def test_config_key_is_canonical():
    a = {"task": {"name": "t", "params": {"a": 1, "b": 2}}, "seed": 0}
    b = {"seed": 0, "task": {"params": {"b": 2, "a": 1}, "name": "t"}}
    assert config_key(a) == config_key(b) and len(config_key(a)) == 16
    assert config_key(a) != config_key({**a, "seed": 1})


def _write(tmp_path, text):
    path = tmp_path / "spec.toml"
    path.write_text(text)
    return path


TINY = """
seeds = [0, 1]
[[task]]
name = "tree-neighbors-match"
params = { radius = [2, 3], max_examples = 64 }
[[model]]
family = "gin"
depth = ["r", 3]
width = 8
[train]
epochs = 2
"""


def test_expand_resolves_relative_depths_defaults_and_duplicates(tmp_path):
    runs = expand(load_spec(_write(tmp_path, TINY)))
    cells = [(r.config["task"]["params"]["radius"], r.config["model"]["depth"], r.config["seed"])
             for r in runs]
    # depth "r" and 3 coincide at radius 3: that config is run once per seed
    assert cells == [(2, 2, 0), (2, 2, 1), (2, 3, 0), (2, 3, 1), (3, 3, 0), (3, 3, 1)]
    assert len({r.key for r in runs}) == 6
    first = runs[0].config
    assert first["task"]["params"]["arity"] == 2 and first["task"]["data_seed"] == 0
    assert first["train"]["epochs"] == 2 and first["train"]["lr"] == 1e-3
    assert "threads" not in first["train"]
    assert first["model"]["residual"] is False and first["model"]["width"] == 8
    assert all(r.key == config_key(r.config) and r.estimate_seconds > 0 for r in runs)
    assert [r.key for r in expand(load_spec(_write(tmp_path, TINY)))] == [r.key for r in runs]


@pytest.mark.parametrize("edit, match", [
    (("tree-neighbors-match", "no-such-task"), "unknown task 'no-such-task'; choose one of:.*grid-chain"),
    (("max_examples", "max_exemples"), "unknown parameter.*max_exemples.*its parameters are"),
    (('family = "gin"', 'family = "gnn"'), "unknown model 'gnn'; choose one of:.*gcn"),
    (("width = 8", "width = 8\noptions = { resid = true }"), "unknown option.*resid"),
    (("epochs = 2", "epochs = 2\nthreads = 2"), "threads is set by depthlab"),
    (("epochs = 2", "epoch = 2"), "unknown train option.*epoch"),
    (("seeds = [0, 1]", "seeds = [0, 1]\nseed = 3"), "unknown key.*seed; allowed"),
    (("width = 8", "width = 8\nparam_budget = 100"), "exactly one of width or param_budget"),
    (('depth = ["r", 3]', 'depth = ["r", "r-3"]'), "depth='r-3' at radius 2 is -1"),
    (("seeds = [0, 1]", "seeds = [-1]"), "seeds"),
    (("[train]", "[train"), "not valid TOML"),
    (("epochs = 2", "epochs = 2\ntrain_examples = 100000"),
     r"train_examples=100000 is invalid for task tree-neighbors-match .*train split has"),
])
def test_bad_specs_fail_before_running_with_choices(tmp_path, edit, match):
    with pytest.raises(ValueError, match=match):
        expand(load_spec(_write(tmp_path, TINY.replace(*edit))))


def test_missing_spec_lists_shipped_ones():
    with pytest.raises(FileNotFoundError, match="quick"):
        find_spec("no-such-spec")


def test_shipped_specs_parse_and_the_quick_ones_expand():
    assert {"quick", "full", "oversmoothing", "alon-yahav"} <= set(shipped_specs())
    assert len(load_spec("full").tasks) == 2
    quick = expand(load_spec("quick"))
    assert len(quick) == (2 + 3) * 4 * 2        # radii of both tasks x families x depths, 1 seed
    assert {r.config["train"]["protocol"] for r in quick} == {"alon-yahav"}
    assert {r.config["model"]["preset"] for r in quick} == {"alon-yahav"}
    assert {(r.config["model"]["depth"] - r.config["task"]["params"]["radius"]) for r in quick} == {-1, 1}
    over = expand(load_spec("oversmoothing"))
    assert {r.config["model"]["depth"] for r in over} == {2, 4, 8, 16, 32}
    assert {(r.config["model"]["residual"], r.config["model"]["norm"]) for r in over} == {
        (False, "none"), (True, "none"), (False, "pair"), (False, "node")}


def test_the_beyond_depth_specs_expand_as_documented():
    from depthlab.models.facts import facts_of

    attention = expand(load_spec("attention-quick"))
    assert len(attention) == 5 * (2 + 4 * 2) * 2     # 5 tasks, graphormer x2 + 4 MPNNs x2 depths, 2 seeds
    assert {r.config["model"]["param_budget"] for r in attention} == {12000}
    below = {r.config["model"]["name"] for r in attention
             if r.config["model"]["depth"] < r.config["task"]["params"]["radius"]}
    assert below == {"graphormer", "gin", "gcn", "gat", "ggnn"}
    assert len(load_spec("attention").tasks) == 2
    richness = expand(load_spec("richness"))
    reach = {(r.config["model"]["name"], r.config["model"]["depth"] *
              facts_of(r.config["model"]["name"], r.config["model"]).hops_per_layer)
             for r in richness}
    assert {k for _, k in reach} == {2, 4, 8}
    assert {m for m, _ in reach} == {"gcn", "sign", "mixhop"}
    curves = expand(load_spec("learning-curves"))
    assert sorted({r.config["train"]["train_examples"] for r in curves}) == [
        25, 50, 100, 200, 400, 800, 1500]
