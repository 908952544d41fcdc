"""Atomic output: every file or directory depthlab writes appears whole or not at all.

Output is written into a temporary sibling (same directory, so the same file system) and
renamed into place; on any error or interruption the temporary is removed. An existing
output is refused unless ``force``; an empty path is refused. OS failures (a file in the
way, no permission, a full disk) become ``OSError`` with a one-line message naming the
path.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterator


def output_path(path, what: str = "output", force: bool = False,
                replaceable: Callable[[Path], bool] | None = None) -> Path:
    """``path`` as a ``Path``, checked before anything is computed or written.

    Raises ``ValueError`` for an empty path, or when ``path`` exists and ``force`` is
    false (an empty directory does not count), or exists and ``replaceable(path)`` says it
    may not be replaced even with ``force``.
    """
    if path is None or str(path).strip() == "":
        raise ValueError(f"{what} path {str(path or '')!r} is empty: give a file or directory path")
    path = Path(path)
    if _occupied(path):
        if not force:
            raise ValueError(f"{what} {path} already exists: pass --force (force=True) to replace it")
        if replaceable is not None and not replaceable(path):
            raise ValueError(f"refusing to replace {path}: it is not a previous {what} "
                             "(it holds other files); choose another path")
    return path


@contextlib.contextmanager
def atomic_file(path, force: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed to ``path``.

    ``force`` false refuses an existing ``path`` (``ValueError``). The parent directory is
    created. Raises ``OSError`` naming ``path`` when it cannot be written.
    """
    path = output_path(path, "output file", force)
    with _os_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(handle)
        os.chmod(name, 0o666 & ~_umask())
    temporary = Path(name)
    try:
        with _os_errors(path):
            yield temporary
            os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_text_atomic(path, text: str, force: bool = True) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_file`); return the path."""
    with atomic_file(path, force) as temporary:
        temporary.write_text(text)
    return Path(path)


@contextlib.contextmanager
def atomic_directory(path, force: bool = False,
                     replaceable: Callable[[Path], bool] | None = None) -> Iterator[Path]:
    """Yield a new temporary directory beside ``path``; on success it replaces ``path``.

    An existing non-empty ``path`` is refused unless ``force`` and ``replaceable(path)``
    (``ValueError``); with both, the old directory is removed only after the new one is in
    place. Raises ``OSError`` naming ``path`` when it cannot be written.
    """
    path = output_path(path, "output directory", force, replaceable)
    with _os_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
        os.chmod(temporary, 0o777 & ~_umask())
    old = None
    try:
        with _os_errors(path):
            yield temporary
            if _occupied(path):
                old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
                os.replace(path, old / "replaced")
            elif path.is_dir():
                path.rmdir()
            os.replace(temporary, path)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    """The process umask (read by setting and restoring it), so that outputs get the
    permissions a plain ``open`` would give them rather than the temporary's 0600."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _occupied(path: Path) -> bool:
    """True when ``path`` exists as a file or a non-empty directory."""
    if path.is_dir():
        return any(path.iterdir())
    return path.exists() or path.is_symlink()


@contextlib.contextmanager
def _os_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        raise OSError(f"cannot write {path}: {error.strerror or error}") from None
