"""Files the project reads (issue 10, items 1-3): a well-hashed but wrong graph, a broken
archive or meta.json, and a zip bomb are each refused with one line and exit code 2."""
import json

import numpy as np
import pytest

from depthlab.tasks import load_task, make_task
from depthlab.tasks.storage import ARRAYS_FILE, META_FILE
from tests.conftest import make_tiny_dataset
from tests.hostile import rehash, run_cli, write_bomb, write_raw_dataset


def tiny_meta(ds) -> dict:
    return {"format_version": 1, "task": ds.name, "params": ds.params, "seed": ds.seed,
            "depthlab_version": "test", "level": ds.level, "num_classes": ds.num_classes}


def edited(**changes) -> dict[str, np.ndarray]:
    """The tiny dataset's arrays (see tests.conftest) with entries changed in place:
    ``changes[name] = (index, value)`` or a whole replacement array."""
    arrays = {k: v.copy() for k, v in make_tiny_dataset().arrays().items()}
    for name, change in changes.items():
        if isinstance(change, tuple):
            arrays[name][change[0]] = change[1]
        else:
            arrays[name] = change
    return arrays


# Tiny dataset: node_ptr [0 3 5 9], edge_ptr [0 2 3 6], src [1 2 4 6 7 8], dst [0 0 3 5 6 7],
# targets [0 3 5], labels [1 0 2] of 3 classes, radii [1 1 3].
BAD_STRUCTURES = [
    (edited(src=(3, -7)), "array src entry 3 is -7, outside its graph 2's nodes [5, 9)"),
    (edited(dst=(2, 6)), "array dst entry 2 is 6, outside its graph 1's nodes [3, 5)"),
    (edited(src=(5, 12)), "array src entry 5 is 12"),
    (edited(node_ptr=np.array([0, 5, 3, 9])), "array node_ptr entry 2 is 3, is below entry 1"),
    (edited(edge_ptr=np.array([0, 2, 3, 5])), "array edge_ptr ends at 5: expected len(src) = 6"),
    (edited(split=(1, 5)), "array split entry 1 is 5, outside {0, 1, 2}"),
    (edited(y=(2, 3)), "array y entry 2 is 3, outside [0, 3)"),
    (edited(y=(0, -1)), "array y entry 0 is -1"),
    (edited(target=(1, 0)), "array target entry 1 is 0, outside its graph 1's nodes [3, 5)"),
    (edited(graph_id=(2, 3)), "array graph_id entry 2 is 3, outside [0, 3)"),
    (edited(radius=(0, 99)), "array radius entry 0 is 99, outside [0, 2]"),
    (edited(radius=(2, -1)), "array radius entry 2 is -1"),
]


@pytest.mark.parametrize("arrays, message", BAD_STRUCTURES, ids=[m for _, m in BAD_STRUCTURES])
def test_rehashed_wrong_graph_is_refused_naming_array_and_index(tmp_path, arrays, message):
    write_raw_dataset(tmp_path, arrays, tiny_meta(make_tiny_dataset()))
    with pytest.raises(ValueError) as error:
        load_task(tmp_path)
    assert message in str(error.value)


def test_regression_labels_must_be_finite(tmp_path):
    arrays = edited(y=np.array([0.5, np.nan, 1.0], dtype=np.float32))
    write_raw_dataset(tmp_path, arrays, {**tiny_meta(make_tiny_dataset()), "num_classes": None})
    with pytest.raises(ValueError, match="array y entry 1 is nan, is not a finite number"):
        load_task(tmp_path)


def test_radius_above_the_task_parameter_is_refused(tmp_path):
    ds = make_task("tree-neighbors-match", seed=0, radius=2)
    arrays = {k: v.copy() for k, v in ds.arrays().items()}
    arrays["radius"][7] = 3
    write_raw_dataset(tmp_path, arrays, {**tiny_meta(ds), "params": ds.params})
    with pytest.raises(ValueError, match="array radius entry 7 is 3, outside \\[0, 2\\]"):
        load_task(tmp_path)


def test_cli_refuses_a_wrong_graph_with_one_line(tmp_path):
    write_raw_dataset(tmp_path, edited(src=(3, -7)), tiny_meta(make_tiny_dataset()))
    run_cli("describe", str(tmp_path)).assert_refused("array src entry 3 is -7")


@pytest.fixture
def saved(tmp_path):
    directory = tmp_path / "ds"
    make_tiny_dataset().save(directory)
    return directory


def _meta(directory):
    return json.loads((directory / META_FILE).read_text())


def test_truncated_archive(saved):
    data = (saved / ARRAYS_FILE).read_bytes()
    (saved / ARRAYS_FILE).write_bytes(data[: len(data) // 2])
    rehash(saved, _meta(saved))
    with pytest.raises(ValueError, match="not a readable npz archive"):
        load_task(saved)


def test_corrupt_member_bytes(saved):
    data = bytearray((saved / ARRAYS_FILE).read_bytes())
    data[200:260] = bytes(60)
    (saved / ARRAYS_FILE).write_bytes(bytes(data))
    rehash(saved, _meta(saved))
    with pytest.raises(ValueError, match=ARRAYS_FILE):
        load_task(saved)


def test_missing_member(saved):
    arrays = make_tiny_dataset().arrays()
    meta = _meta(saved)
    del arrays["radius"]
    write_raw_dataset(saved, arrays, tiny_meta(make_tiny_dataset()))
    rehash(saved, {**_meta(saved), "arrays": meta["arrays"]})
    with pytest.raises(ValueError, match="lacks arrays radius"):
        load_task(saved)


@pytest.mark.parametrize("change, message", [
    ({"level": None}, "key 'level' is None, expected str"),
    ({"num_classes": "3"}, "key 'num_classes' is '3', expected int or NoneType"),
    ({"format_version": 7}, "format_version 7 is not supported"),
    ({"arrays": {"src": {"shape": [6], "dtype": "<i8"}}}, "arrays.node_ptr must be"),
])
def test_wrong_meta_keys(saved, change, message):
    rehash(saved, {**_meta(saved), **change})
    with pytest.raises(ValueError, match=message):
        load_task(saved)


def test_missing_meta_key(saved):
    meta = _meta(saved)
    del meta["task"]
    rehash(saved, meta)
    with pytest.raises(ValueError, match="lacks the key 'task'"):
        load_task(saved)


def test_meta_shape_disagreeing_with_the_npy_header(saved):
    meta = _meta(saved)
    meta["arrays"]["src"]["shape"] = [7]
    rehash(saved, meta)
    with pytest.raises(ValueError, match="src.npy declares shape \\[6\\] and dtype <i8, but meta.json gives \\[7\\]"):
        load_task(saved)


def test_meta_not_json(saved):
    (saved / META_FILE).write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_task(saved)


def test_cli_broken_files_are_one_line_exit_2(saved):
    data = (saved / ARRAYS_FILE).read_bytes()
    (saved / ARRAYS_FILE).write_bytes(data[:300])
    rehash(saved, _meta(saved))
    run_cli("describe", str(saved)).assert_refused("truncated or corrupt")
    meta = _meta(saved)
    del meta["level"]
    (saved / META_FILE).write_text(json.dumps(meta))
    run_cli("theory", "ceiling", str(saved), "--depth", "1").assert_refused("lacks the key 'level'")


ZIP_BOMB_ENTRIES = 2**27  # 1 GiB of int64 declared in about a megabyte


def test_zip_bomb_is_refused_before_reading_with_bounded_memory(tmp_path):
    ds = make_tiny_dataset()
    write_bomb(tmp_path, ds.arrays(), tiny_meta(ds), "x", ZIP_BOMB_ENTRIES)
    assert (tmp_path / ARRAYS_FILE).stat().st_size < 2 * 2**20
    result = run_cli("describe", str(tmp_path))
    result.assert_refused("member x.npy", "compressed")
    assert result.peak_mib < 200, result.peak_mib


def test_declared_bytes_over_the_budget_are_refused(tmp_path):
    ds = make_task("tree-neighbors-match", seed=0, radius=3)
    ds.save(tmp_path / "ds")
    with pytest.raises(ValueError, match="declares 0.00 GiB of arrays, over the memory budget"):
        load_task(tmp_path / "ds", memory_budget=1000)
