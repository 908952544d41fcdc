"""Helpers of the hostile-input tests: run the CLI as a user does, and forge dataset files.

``run_cli`` runs ``depthlab`` in a fresh process and reports its exit code, output and
peak resident memory (``os.wait4``'s rusage of that one child). The forgers write files
that ``TaskDataset`` itself would refuse to build: re-hashed edits, broken archives and a
deflated zip bomb.
"""
from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from depthlab.tasks.storage import ARRAYS_FILE, META_FILE, sha256_of, write_npz


@dataclass
class CliResult:
    code: int
    out: str
    err: str
    peak_mib: float

    def assert_refused(self, *fragments: str) -> None:
        """Exit 2 with one ``error:`` line on stderr holding ``fragments``, no traceback."""
        lines = self.err.strip().splitlines()
        assert self.code == 2, (self.code, self.err)
        assert len(lines) == 1 and lines[0].startswith("error: "), self.err
        assert "Traceback" not in self.err
        for fragment in fragments:
            assert fragment in lines[0], (fragment, lines[0])


# The CLI, reporting the peak resident memory of its own address space (VmHWM, which a
# fork's rusage would inherit from pytest's) to the file $DEPTHLAB_TEST_HWM at exit.
_LAUNCHER = """
import atexit, os, re, sys
def report():
    status = open("/proc/self/status").read()
    open(os.environ["DEPTHLAB_TEST_HWM"], "w").write(re.search(r"VmHWM:\\s+(\\d+)", status)[1])
atexit.register(report)
from depthlab.experiments.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> CliResult:
    """``depthlab ARGS`` in a subprocess (stdin closed) with its peak RSS in MiB (Linux)."""
    with tempfile.TemporaryDirectory() as scratch:
        hwm = Path(scratch) / "hwm"
        completed = subprocess.run(
            [sys.executable, "-c", _LAUNCHER, *args], cwd=cwd, stdin=subprocess.DEVNULL,
            capture_output=True, text=True,
            env={**os.environ, "COLUMNS": "80", "DEPTHLAB_TEST_HWM": str(hwm), **(env or {})})
        peak = int(hwm.read_text()) / 1024 if hwm.exists() else float("nan")
    return CliResult(completed.returncode, completed.stdout, completed.stderr, peak)


def write_raw_dataset(directory: Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write ``arrays`` and ``meta`` as a dataset, re-hashing so the checksum matches (what
    an editing user or another tool would produce); meta's array specs follow the arrays."""
    directory.mkdir(parents=True, exist_ok=True)
    write_npz(directory / ARRAYS_FILE, arrays)
    rehash(directory, {**meta, "arrays": {k: {"shape": list(v.shape), "dtype": v.dtype.str}
                                          for k, v in arrays.items()}})


def rehash(directory: Path, meta: dict) -> None:
    """Write ``meta`` with the sha256 of the archive as it now is."""
    meta = {**meta, "arrays_sha256": sha256_of(directory / ARRAYS_FILE)}
    (directory / META_FILE).write_text(json.dumps(meta))


def write_bomb(directory: Path, arrays: dict[str, np.ndarray], meta: dict, name: str,
               declared: int) -> None:
    """A dataset whose member ``name`` is a deflated run of zeros declaring ``declared``
    int64 entries (8 * declared bytes) in a file of about a megabyte; meta.json and the
    npy header agree with it and the checksum matches."""
    members = {}
    for key, array in arrays.items():
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, array, allow_pickle=False)
        members[key] = (buffer.getvalue(), None)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<i8", "fortran_order": False,
                                                  "shape": (declared,)})
    members[name] = (header.getvalue(), 8 * declared)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / ARRAYS_FILE).write_bytes(_zip(members))
    specs = {k: {"shape": list(v.shape), "dtype": v.dtype.str} for k, v in arrays.items()}
    specs[name] = {"shape": [declared], "dtype": "<i8"}
    rehash(directory, {**meta, "arrays": specs})


def _zip(members: dict[str, tuple[bytes, int | None]]) -> bytes:
    """A zip of ``members`` (name -> (bytes, None) stored, or (npy header, zero bytes)
    deflated), written by hand so a deflated member can be built without compressing
    gigabytes."""
    body, directory = b"", b""
    for key, (head, zeros) in members.items():
        filename = (key + ".npy").encode()
        if zeros is None:
            data, size, crc, method = head, len(head), zlib.crc32(head), 0
        else:
            data, size, crc, method = _deflated_zeros(head, zeros), len(head) + zeros, 0, 8
        fields = (20, 0, method, 0, 0x21, crc, len(data), size, len(filename), 0)
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + filename
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0,
                                 len(body)) + filename
        body += local + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                      len(directory), len(body), 0)
    return body + directory + end


def _deflated_zeros(head: bytes, zeros: int) -> bytes:
    chunk = 1 << 20
    assert zeros % chunk == 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(chunk)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return start + block * (zeros // chunk) + compressor.flush()
