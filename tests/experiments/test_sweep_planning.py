"""Sweep planning builds no model (issue 10, item 8): sizes come from the config, a run
over the memory budget is refused with its estimate, and a huge spec asks for --yes."""
import time

import numpy as np
import pytest

from depthlab import models
from depthlab.experiments.cli import main
from depthlab.experiments.spec import count_runs, expand, load_spec
from depthlab.models.registry import list_models, make_model, model_size
from depthlab.tasks import make_task
from tests.hostile import run_cli

SPEC = """
[[task]]
name = "tree-neighbors-match"
params = {{ radius = 2 }}
[[model]]
family = "gin"
depth = {depth}
width = {width}
[train]
epochs = 1
"""


def _spec(tmp_path, **fields):
    path = tmp_path / "spec.toml"
    path.write_text(SPEC.format(**fields))
    return path


@pytest.mark.parametrize("name", sorted(list_models()))
def test_parameter_count_is_exact_without_building(name):
    info = models.TaskInfo.from_dataset(make_task("grid-chain", seed=0, radius=2, num_examples=20))
    step = 4 if name in ("gat", "graphormer") else 1
    for depth, width, options in [(0, 4 * step, {}), (3, 6 * step, {"jk": "cat"}), (5, 5 * step, {})]:
        try:
            built = make_model(name, info, depth, width, **options)
        except ValueError:
            continue
        assert model_size(name, info, depth, width, **options) == (width, models.count_parameters(built))


def test_huge_width_is_refused_with_the_estimate_and_bounded_memory(tmp_path):
    result = run_cli("sweep", str(_spec(tmp_path, depth=3, width=100000)), "--db",
                     str(tmp_path / "runs.db"))
    result.assert_refused("width=100000", "needs about", "GiB", "parameters", "over the memory budget of 16.0 GiB")
    assert result.peak_mib < 800, result.peak_mib
    assert not (tmp_path / "runs.db").exists()


def test_huge_depth_plans_in_seconds(tmp_path):
    start = time.perf_counter()
    with pytest.raises(ValueError, match="depth=100000 width=32 .* needs about"):
        expand(load_spec(_spec(tmp_path, depth=100000, width=32)), memory_budget=2**30)
    assert time.perf_counter() - start < 30
    with pytest.raises(ValueError, match=r"depth=100001 is invalid: expected an int in \[0, 100000\]"):
        expand(load_spec(_spec(tmp_path, depth=100001, width=32)))


def test_a_huge_spec_asks_for_yes_with_count_and_time(tmp_path, capsys):
    seeds = list(range(600))
    path = tmp_path / "big.toml"
    path.write_text(SPEC.format(depth=list(range(1, 11)), width=list(range(8, 108)))
                    + f"seeds = {seeds}\n".replace("seeds", "# seeds"))
    text = path.read_text().replace("[[task]]", f"seeds = {seeds}\n[[task]]", 1)
    path.write_text(text)
    assert count_runs(load_spec(path)) == 600_000
    assert main(["sweep", str(path), "--db", str(tmp_path / "runs.db")]) == 2
    err = capsys.readouterr().err
    assert "expands to up to 600,000 runs" in err and "pass --yes" in err and " on " in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "runs.db").exists()


def test_count_is_an_upper_bound_for_shipped_specs():
    for name in ("quick", "rewiring", "transfer", "oversmoothing"):
        spec = load_spec(name)
        assert count_runs(spec) >= len(expand(spec)), name
