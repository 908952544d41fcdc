"""A [[task]] transform rewires every dataset of a sweep: it is part of the run's config
(and key), of the results row, and of the dataset theory regenerates."""
import json

import numpy as np
import pytest

from depthlab.experiments.results import config_columns, frame_of, run_row
from depthlab.experiments.run import task_dataset
from depthlab.experiments.spec import expand, load_spec
from depthlab.tasks import make_task
from depthlab.tasks.rewiring import rewire
from depthlab.theory.predictions import TheoryValues, dataset_keys

SPEC = """
[[task]]
name = "grid-chain"
params = { radius = 4, num_examples = 30 }
transform = %s

[[model]]
family = "gin"
depth = 2
width = 8

[train]
epochs = 1
"""


def spec_file(tmp_path, transform):
    path = tmp_path / "spec.toml"
    path.write_text(SPEC % transform)
    return path


def test_transform_expands_into_the_task_config(tmp_path):
    runs = expand(load_spec(spec_file(tmp_path, '[{ name = "sdrf", iterations = 2 }, { name = "gtr" }]')))
    transforms = [run.config["task"]["transform"] for run in runs]
    assert transforms == [{"name": "sdrf", "iterations": 2, "c_plus": None},
                          {"name": "gtr", "iterations": 10}]
    assert len({run.key for run in runs}) == 2
    rewired = task_dataset(runs[0].config["task"])
    expected = rewire(make_task("grid-chain", radius=4, num_examples=30), "sdrf", iterations=2)
    assert np.array_equal(rewired.src, expected.src) and np.array_equal(rewired.radius, expected.radius)


def test_results_rows_and_theory_keys_carry_the_transform(tmp_path):
    runs = expand(load_spec(spec_file(tmp_path, '{ name = "fosr", iterations = 3 }')))
    row = run_row(runs[0].key, "finished", runs[0].config, {"radius": 3, "radius_mean": 2.5})
    assert json.loads(row["transform"])["name"] == "fosr" and row["transform.iterations"] == 3
    frame = frame_of([row])
    assert "transform.name" in config_columns(frame) and frame["radius_mean"][0] == 2.5
    key = dataset_keys(frame)[0]
    regenerated = TheoryValues().dataset(key)
    assert regenerated.info["transforms"][0]["name"] == "fosr"


@pytest.mark.parametrize("transform, message", [
    ('{ name = "ricci" }', "transform name='ricci' is invalid"),
    ('{ name = "sdrf", steps = 3 }', "unknown parameter.*steps"),
    ('"sdrf"', "transform must be a table"),
])
def test_bad_transforms_are_named_before_anything_runs(tmp_path, transform, message):
    with pytest.raises(ValueError, match=message):
        expand(load_spec(spec_file(tmp_path, transform)))


def test_shipped_transfer_and_rewiring_specs_expand():
    transfer = expand(load_spec("transfer"))
    assert len(transfer) == 4 * 2 * 2 * 3
    assert all(r.config["model"]["depth"] == r.config["task"]["params"]["distance"] for r in transfer)
    rewiring = expand(load_spec("rewiring"))
    names = {r.config["task"].get("transform", {}).get("name") for r in rewiring}
    assert names == {None, "sdrf", "fosr", "gtr"} and len(rewiring) == 4 * 2 * 2
