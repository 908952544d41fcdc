"""The open on-disk format: ``meta.json`` + ``arrays.npz``.

``arrays.npz`` is a plain NumPy archive (uncompressed, no pickled objects) written with
fixed zip timestamps, so the same dataset always gives the same bytes. ``meta.json`` holds
the task's metadata, array shapes and dtypes, and the archive's sha256, which
:func:`load_task` checks before reading.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from importlib import metadata
from pathlib import Path

import numpy as np

from depthlab.tasks.dataset import ARRAY_NAMES, EXTRA_PREFIX, TaskDataset

META_FILE = "meta.json"
ARRAYS_FILE = "arrays.npz"
FORMAT_VERSION = 1
_EPOCH = (1980, 1, 1, 0, 0, 0)


def package_version() -> str:
    """The installed depthlab version, or ``"unknown"`` when run from an uninstalled tree."""
    try:
        return metadata.version("depthlab")
    except metadata.PackageNotFoundError:
        return "unknown"


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` as an uncompressed ``.npz`` whose bytes depend only on the arrays."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(name + ".npy", date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            with zf.open(info, "w", force_zip64=True) as handle:
                np.lib.format.write_array(handle, np.ascontiguousarray(array), allow_pickle=False)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def save_dataset(ds: TaskDataset, directory) -> None:
    """Save ``ds`` under ``directory`` as ``meta.json`` and ``arrays.npz``."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    arrays = ds.arrays()
    write_npz(out / ARRAYS_FILE, arrays)
    meta = {
        "format_version": FORMAT_VERSION,
        "task": ds.name,
        "params": ds.params,
        "seed": ds.seed,
        "depthlab_version": ds.version or package_version(),
        "level": ds.level,
        "num_classes": ds.num_classes,
        "required_radius": ds.required_radius,
        "split_sizes": ds.split_sizes(),
        "info": ds.info,
        "arrays": {k: {"shape": list(v.shape), "dtype": v.dtype.str} for k, v in arrays.items()},
        "arrays_sha256": sha256_of(out / ARRAYS_FILE),
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


def load_task(directory) -> TaskDataset:
    """Read a dataset written by :meth:`TaskDataset.save`.

    Raises ``FileNotFoundError`` if a file is missing and ``ValueError`` if the archive's
    sha256 differs from the one in ``meta.json`` or the arrays disagree with it.
    """
    src = Path(directory)
    meta_path, arrays_path = src / META_FILE, src / ARRAYS_FILE
    for path in (meta_path, arrays_path):
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found: is {src} a dataset saved by depthlab?")
    meta = json.loads(meta_path.read_text())
    actual = sha256_of(arrays_path)
    if actual != meta.get("arrays_sha256"):
        raise ValueError(
            f"checksum mismatch for {arrays_path}: meta.json records sha256 "
            f"{meta.get('arrays_sha256')}, the file has {actual}; refusing to load a modified dataset"
        )
    with np.load(arrays_path, allow_pickle=False) as archive:
        missing = sorted(set(ARRAY_NAMES) - set(archive.files))
        if missing:
            raise ValueError(f"{arrays_path} lacks arrays {', '.join(missing)}")
        stored = {name: archive[name] for name in archive.files
                  if name in ARRAY_NAMES or name.startswith(EXTRA_PREFIX)}
    for name, spec in meta["arrays"].items():
        if name not in stored or list(stored[name].shape) != spec["shape"] or (
                stored[name].dtype.str != spec["dtype"]):
            raise ValueError(f"array {name!r} in {arrays_path} does not match meta.json")
    arrays = {name: stored[name] for name in ARRAY_NAMES}
    extras = {name[len(EXTRA_PREFIX):]: array for name, array in stored.items()
              if name.startswith(EXTRA_PREFIX)}
    return TaskDataset(
        name=meta["task"], params=meta["params"], seed=meta["seed"], level=meta["level"],
        num_classes=meta["num_classes"], version=meta["depthlab_version"],
        extras=extras, info=meta.get("info", {}), **arrays,
    )
