"""The result store: one SQLite database (WAL mode) of runs keyed by config hash.

Schema (``SCHEMA_VERSION`` 1):

- ``meta(name TEXT PRIMARY KEY, value TEXT)``: ``application = 'depthlab'`` and
  ``schema_version``; a file without them is not a depthlab database and is refused.
- ``runs``: ``key`` (primary key), ``status`` (``finished`` or ``failed``), ``config`` (JSON
  of the full run config), ``record`` (JSON, finished runs), ``error`` (traceback, failed
  runs), ``attempts``, ``created_at`` and ``updated_at`` (Unix seconds).

Every write is one short transaction. A finished record is final: storing a key that is
already finished changes nothing, a finished result replaces a failed one, and a failure
never replaces a finished result. So any number of sweeps may write the same database at
once, or compute the same run twice, and each key is still recorded exactly once.
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterator

APPLICATION = "depthlab"
SCHEMA_VERSION = "1"
FINISHED, FAILED = "finished", "failed"
BUSY_TIMEOUT_MS = 60_000
_SQLITE_HEADER = b"SQLite format 3\x00"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    f"""CREATE TABLE IF NOT EXISTS runs (
    key TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('{FINISHED}', '{FAILED}')),
    config TEXT NOT NULL,
    record TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 1,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
)""",
)

# A finished row never changes; a failed row takes the newer outcome.
_UPSERT = f"""
INSERT INTO runs (key, status, config, record, error, attempts, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, 1, ?, ?)
ON CONFLICT (key) DO UPDATE SET
    status = excluded.status, record = excluded.record, error = excluded.error,
    attempts = runs.attempts + 1, updated_at = excluded.updated_at
WHERE runs.status = '{FAILED}'
"""


class Store:
    """A depthlab result database at ``path``.

    ``Store(path, create=True)`` creates the file (and its directory) when missing.
    Raises ``FileNotFoundError`` when the file is missing and ``create`` is false,
    ``ValueError`` when the file is not a depthlab database (or is of a newer schema), and
    ``PermissionError`` when a store opened for writing cannot be written.
    """

    def __init__(self, path: str | os.PathLike, create: bool = False) -> None:
        self.path = Path(path)
        exists = self.path.exists()
        if not exists and not create:
            raise FileNotFoundError(
                f"no result database at {self.path}; run `depthlab sweep SPEC --db {self.path}` first")
        if exists:
            _check_is_sqlite(self.path)
        if create:
            _check_writable(self.path)
        try:
            self._conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                         isolation_level=None)
        except sqlite3.OperationalError as error:
            raise PermissionError(f"cannot open the result database {self.path}: {error}") from None
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if create:
                self._initialise()
            self._check_meta()
        except BaseException as error:
            self._conn.close()
            if not isinstance(error, sqlite3.DatabaseError):
                raise
            if isinstance(error, sqlite3.OperationalError) and (
                    "unable to open" in str(error) or "readonly" in str(error)):
                raise PermissionError(f"cannot open the result database {self.path} for "
                                      f"writing: {error}") from None
            raise ValueError(f"{self.path} is not a depthlab result database ({error})") from None

    def _initialise(self) -> None:
        tables = {row[0] for row in self._conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables:
            raise ValueError(f"{self.path} is an SQLite database but not a depthlab result "
                             f"database (its tables: {', '.join(sorted(tables))})")
        self._enable_wal()
        with self._transaction():
            for statement in _SCHEMA:
                self._conn.execute(statement)
            self._conn.execute("INSERT OR IGNORE INTO meta VALUES ('application', ?)", (APPLICATION,))
            self._conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
                               (SCHEMA_VERSION,))

    def _enable_wal(self) -> None:
        """Switch to WAL mode, waiting up to ``BUSY_TIMEOUT_MS`` for other connections:
        SQLite answers a journal-mode change it cannot make now with "database is locked" at
        once, without calling the busy handler (two sweeps creating one database race here)."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
            time.sleep(0.01)

    def _check_meta(self) -> None:
        try:
            meta = dict(self._conn.execute("SELECT name, value FROM meta"))
        except sqlite3.OperationalError:
            meta = {}
        if meta.get("application") != APPLICATION:
            raise ValueError(f"{self.path} is not a depthlab result database (no depthlab "
                             "meta table); pass another --db path")
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"{self.path} has depthlab schema version "
                             f"{meta.get('schema_version')!r}; this depthlab reads version "
                             f"{SCHEMA_VERSION!r}")

    def _transaction(self):
        return _Transaction(self._conn)

    # -- writes ---------------------------------------------------------------------------
    def put_finished(self, key: str, config: dict[str, Any], record: dict[str, Any]) -> None:
        """Store a finished run (no effect if ``key`` is already finished)."""
        self._put(key, FINISHED, config, json.dumps(record, allow_nan=True), None)

    def put_failed(self, key: str, config: dict[str, Any], error: str) -> None:
        """Store a failed run with its traceback (no effect if ``key`` is finished)."""
        self._put(key, FAILED, config, None, error)

    def _put(self, key: str, status: str, config: dict[str, Any], record: str | None,
             error: str | None) -> None:
        now = time.time()
        try:
            with self._transaction():
                self._conn.execute(_UPSERT, (key, status, json.dumps(config, sort_keys=True),
                                             record, error, now, now))
        except sqlite3.OperationalError as failure:
            if "readonly" in str(failure) or "read-only" in str(failure):
                raise PermissionError(f"cannot write the result database {self.path}: {failure}") from None
            raise

    # -- reads ----------------------------------------------------------------------------
    def statuses(self) -> dict[str, str]:
        """Every stored key with its status."""
        return dict(self._conn.execute("SELECT key, status FROM runs"))

    def rows(self, status: str | None = None) -> Iterator[dict[str, Any]]:
        """Stored runs as dicts (config and record decoded), oldest first."""
        query = "SELECT key, status, config, record, error, attempts, created_at, updated_at FROM runs"
        args: tuple = ()
        if status is not None:
            query += " WHERE status = ?"
            args = (status,)
        for row in self._conn.execute(query + " ORDER BY created_at, key", args):
            key, status_, config, record, error, attempts, created, updated = row
            yield {"key": key, "status": status_, "config": json.loads(config),
                   "record": json.loads(record) if record is not None else None,
                   "error": error, "attempts": attempts, "created_at": created,
                   "updated_at": updated}

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error) on an autocommit connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        self._conn.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _check_is_sqlite(path: Path) -> None:
    if path.is_dir():
        raise ValueError(f"{path} is a directory, not a depthlab result database")
    with open(path, "rb") as handle:
        header = handle.read(len(_SQLITE_HEADER))
    if header and header != _SQLITE_HEADER:
        raise ValueError(f"{path} is not a depthlab result database (not an SQLite file)")


def _check_writable(path: Path) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PermissionError(f"cannot create the directory of the result database {path}: "
                              f"{error.strerror}") from None
    if path.exists() and not os.access(path, os.W_OK):
        raise PermissionError(f"the result database {path} is not writable")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise PermissionError(f"cannot write the result database {path}: its directory "
                              f"{directory} is not writable (SQLite needs to create journal "
                              "files beside it)")
