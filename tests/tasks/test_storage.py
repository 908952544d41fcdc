import json

import numpy as np
import pytest

from depthlab.tasks import load_task
from depthlab.tasks.storage import ARRAYS_FILE, META_FILE, sha256_of


def test_round_trip(tiny_dataset, tmp_path):
    tiny_dataset.save(tmp_path)
    loaded = load_task(tmp_path)
    for name, array in tiny_dataset.arrays().items():
        assert np.array_equal(getattr(loaded, name), array) and getattr(loaded, name).dtype == array.dtype
    assert (loaded.name, loaded.params, loaded.seed, loaded.level, loaded.num_classes) == (
        "tiny", {"kind": "hand-built"}, 0, "node", 3)


def test_meta_describes_the_arrays(tiny_dataset, tmp_path):
    tiny_dataset.save(tmp_path)
    meta = json.loads((tmp_path / META_FILE).read_text())
    assert meta["arrays_sha256"] == sha256_of(tmp_path / ARRAYS_FILE)
    assert meta["required_radius"] == 3
    assert meta["arrays"]["x"] == {"shape": [9, 2], "dtype": "<i8"}
    assert meta["split_sizes"] == {"train": 2, "val": 0, "test": 1}


def test_archive_is_a_plain_npz_without_pickles(tiny_dataset, tmp_path):
    tiny_dataset.save(tmp_path)
    with np.load(tmp_path / ARRAYS_FILE, allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(tiny_dataset.arrays())


def test_bytes_are_identical_across_saves(tiny_dataset, tmp_path):
    tiny_dataset.save(tmp_path / "a")
    tiny_dataset.save(tmp_path / "b")
    assert (tmp_path / "a" / ARRAYS_FILE).read_bytes() == (tmp_path / "b" / ARRAYS_FILE).read_bytes()


def test_checksum_mismatch_is_refused(tiny_dataset, tmp_path):
    tiny_dataset.save(tmp_path)
    data = bytearray((tmp_path / ARRAYS_FILE).read_bytes())
    data[-40] ^= 0xFF
    (tmp_path / ARRAYS_FILE).write_bytes(bytes(data))
    with pytest.raises(ValueError, match="checksum mismatch"):
        load_task(tmp_path)


def test_missing_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="meta.json"):
        load_task(tmp_path / "nowhere")
