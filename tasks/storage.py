"""The open on-disk format: ``meta.json`` + ``arrays.npz``.

``arrays.npz`` is a plain NumPy archive (uncompressed, no pickled objects) written with
fixed zip timestamps, so the same dataset always gives the same bytes. ``meta.json`` holds
the task's metadata, every array's shape and dtype (id arrays are int32 where their values
fit, int64 beyond; readers accept both), and the archive's sha256. :func:`load_task`
checks all of it, and the npy headers against a memory budget, before reading an array,
then validates the graphs' structure; :func:`save_dataset` writes atomically.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from depthlab.tasks.atomic_files import atomic_directory
from depthlab.tasks.dataset import ARRAY_NAMES, EXTRA_PREFIX, TaskDataset

META_FILE = "meta.json"
ARRAYS_FILE = "arrays.npz"
FORMAT_VERSION = 1
_EPOCH = (1980, 1, 1, 0, 0, 0)
DEFAULT_MEMORY_BUDGET = 4 * 2**30
MAX_META_BYTES = 16 * 2**20
_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0,
                   (2, 0): np.lib.format.read_array_header_2_0}
META_KEYS = {
    "format_version": (int,), "task": (str,), "params": (dict,), "seed": (int,),
    "depthlab_version": (str,), "level": (str,), "num_classes": (int, type(None)),
    "arrays": (dict,), "arrays_sha256": (str,),
}


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


def save_dataset(ds: TaskDataset, directory, force: bool = False) -> Path:
    """Save ``ds`` as ``directory/meta.json`` and ``directory/arrays.npz``, atomically.

    Both files are written into a temporary sibling directory that is renamed to
    ``directory`` when complete, so an interrupted save leaves nothing. An existing
    non-empty ``directory`` is refused (``ValueError``) unless ``force``, and even then
    only if it holds nothing but a previous dataset. ``OSError`` names the path when it
    cannot be written. Returns the directory.
    """
    with atomic_directory(directory, force, replaceable=is_dataset_directory) as out:
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
    return Path(directory)


def is_dataset_directory(path: Path) -> bool:
    """True when ``path`` is a directory holding nothing but a dataset's files."""
    return path.is_dir() and {p.name for p in path.iterdir()} <= {META_FILE, ARRAYS_FILE}


def load_task(directory, memory_budget: int = DEFAULT_MEMORY_BUDGET) -> TaskDataset:
    """Read a dataset written by :meth:`TaskDataset.save`, refusing anything malformed.

    In order, before any array is read: ``meta.json`` must parse and hold every key of
    the format with the right type; the archive's sha256 must match it; every member must
    be stored uncompressed (so nothing expands: memory stays within the file's size), its
    npy header must declare the shape and dtype ``meta.json`` gives, its byte count must
    agree with the zip directory and fit in the file, and the declared bytes must total at
    most ``memory_budget``. The arrays are then read without pickles
    and their structure checked (:func:`tasks.validation.check_dataset_arrays`).
    Raises ``FileNotFoundError`` if a file is missing and ``ValueError`` (one line, naming
    the file, array or key) for anything else.
    """
    src = Path(directory)
    meta_path, arrays_path = src / META_FILE, src / ARRAYS_FILE
    for path in (meta_path, arrays_path):
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found: is {src} a dataset saved by depthlab?")
    meta = read_meta(meta_path)
    actual = sha256_of(arrays_path)
    if actual != meta["arrays_sha256"]:
        raise ValueError(
            f"checksum mismatch for {arrays_path}: meta.json records sha256 "
            f"{meta['arrays_sha256']}, the file has {actual}; refusing to load a modified dataset"
        )
    stored = read_arrays(arrays_path, meta["arrays"], memory_budget)
    arrays = {name: stored[name] for name in ARRAY_NAMES}
    extras = {name[len(EXTRA_PREFIX):]: array for name, array in stored.items()
              if name.startswith(EXTRA_PREFIX)}
    return TaskDataset(
        name=meta["task"], params=meta["params"], seed=meta["seed"], level=meta["level"],
        num_classes=meta["num_classes"], version=meta["depthlab_version"],
        extras=extras, info=meta.get("info", {}), **arrays,
    )


def read_meta(path: Path) -> dict[str, Any]:
    """``meta.json`` parsed and checked: every key of :data:`META_KEYS` with its type, and
    a shape and dtype for every array. Raises ``ValueError`` naming the key."""
    if path.stat().st_size > MAX_META_BYTES:
        raise ValueError(f"{path} is {path.stat().st_size} bytes, over the {MAX_META_BYTES} "
                         "a dataset's meta.json needs: refusing to read it")
    try:
        meta = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path} is not valid JSON: {error}") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{path} must hold a JSON object, got {type(meta).__name__}")
    for key, types in META_KEYS.items():
        if key not in meta:
            raise ValueError(f"{path} lacks the key {key!r}: is it a depthlab dataset?")
        value = meta[key]
        if isinstance(value, bool) or not isinstance(value, types):
            raise ValueError(f"{path}: key {key!r} is {value!r}, expected "
                             f"{' or '.join(t.__name__ for t in types)}")
    if meta["format_version"] != FORMAT_VERSION:
        raise ValueError(f"{path}: format_version {meta['format_version']} is not supported "
                         f"(this depthlab reads version {FORMAT_VERSION})")
    unknown = sorted(k for k in meta["arrays"] if k not in ARRAY_NAMES and not k.startswith(EXTRA_PREFIX))
    if unknown:
        raise ValueError(f"{path}: arrays {', '.join(unknown)} are not part of the format "
                         f"(expected {', '.join(ARRAY_NAMES)} and {EXTRA_PREFIX}<name> extras)")
    for name in (*ARRAY_NAMES, *(k for k in meta["arrays"] if k not in ARRAY_NAMES)):
        spec = meta["arrays"].get(name)
        if not (isinstance(spec, dict) and isinstance(spec.get("dtype"), str)
                and isinstance(spec.get("shape"), list)
                and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in spec["shape"])):
            raise ValueError(f"{path}: arrays.{name} must be {{\"shape\": [ints >= 0], "
                             f"\"dtype\": str}}, got {spec!r}")
    return meta


def read_arrays(path: Path, specs: dict[str, Any], memory_budget: int) -> dict[str, np.ndarray]:
    """The arrays ``specs`` names (the core arrays and any extras) from the archive
    ``path``, each checked against ``specs[name]`` (``{"shape", "dtype"}``) from its npy
    header before it is read, the declared bytes against ``memory_budget``. Raises
    ``ValueError``."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: info for info in archive.infolist()}
            missing = [name for name in specs if name + ".npy" not in members]
            if missing:
                raise ValueError(f"{path} lacks arrays {', '.join(missing)}")
            declared = 0
            for name in specs:
                declared += _check_member(archive, members[name + ".npy"], specs[name], path)
            if declared > memory_budget:
                raise ValueError(f"{path} declares {declared / 2**30:.2f} GiB of arrays, over the "
                                 f"memory budget of {memory_budget / 2**30:.2f} GiB")
            arrays = {}
            for name in specs:
                with archive.open(members[name + ".npy"]) as handle:
                    arrays[name] = np.lib.format.read_array(handle, allow_pickle=False)
            return arrays
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, NotImplementedError,
            OSError) as error:
        raise ValueError(f"{path} is not a readable npz archive (truncated or corrupt): "
                         f"{error}") from None


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, spec: dict[str, Any],
                  path: Path) -> int:
    """Bytes member ``info`` declares, after checking its npy header against ``spec`` and
    its sizes against the zip directory and the file."""
    where = f"{path} member {info.filename}"
    if info.compress_type != zipfile.ZIP_STORED:
        raise ValueError(f"{where} is compressed (zip method {info.compress_type}) and declares "
                         f"{info.file_size} bytes in {info.compress_size}: depthlab archives "
                         "store arrays uncompressed (np.savez), so a member never expands on read")
    with archive.open(info) as handle:
        try:
            version = np.lib.format.read_magic(handle)
            if version not in _HEADER_READERS:
                raise ValueError(f"npy format version {version} is not supported")
            shape, _, dtype = _HEADER_READERS[version](handle)
        except ValueError as error:
            raise ValueError(f"{where} has no valid npy header: {error}") from None
        header_bytes = handle.tell()
    if list(shape) != spec["shape"] or dtype.str != spec["dtype"] or dtype.hasobject:
        raise ValueError(f"{where} declares shape {list(shape)} and dtype {dtype.str}, but "
                         f"meta.json gives {spec['shape']} and {spec['dtype']}")
    nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if info.file_size != header_bytes + nbytes:
        raise ValueError(f"{where} holds {info.file_size - header_bytes} bytes of data, but its "
                         f"header declares {nbytes}")
    if info.compress_size != info.file_size or info.header_offset + info.file_size > path.stat().st_size:
        raise ValueError(f"{where} declares {info.file_size} bytes, more than the file holds")
    return nbytes
