import os
import sqlite3

import pytest

from depthlab.experiments.store import Store

CONFIG = {"task": {"name": "t"}, "seed": 0}


def test_created_database_is_wal_and_identified(tmp_path):
    path = tmp_path / "sub" / "r.db"
    Store(path, create=True).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert dict(conn.execute("SELECT name, value FROM meta")) == {
        "application": "depthlab", "schema_version": "1"}


def test_records_round_trip(tmp_path):
    with Store(tmp_path / "r.db", create=True) as store:
        store.put_finished("a", CONFIG, {"test_acc": 0.5, "energy": [1.0, 2.0]})
        store.put_failed("b", CONFIG, "Traceback ...\nRuntimeError: boom")
    with Store(tmp_path / "r.db") as store:
        assert store.statuses() == {"a": "finished", "b": "failed"}
        rows = {r["key"]: r for r in store.rows()}
    assert rows["a"]["record"] == {"test_acc": 0.5, "energy": [1.0, 2.0]}
    assert rows["a"]["config"] == CONFIG and rows["a"]["error"] is None
    assert rows["b"]["record"] is None and rows["b"]["error"].endswith("boom")


def test_finished_is_final_and_replaces_failed(tmp_path):
    with Store(tmp_path / "r.db", create=True) as store:
        store.put_finished("a", CONFIG, {"v": 1})
        store.put_finished("a", CONFIG, {"v": 2})
        store.put_failed("a", CONFIG, "late failure")
        store.put_failed("b", CONFIG, "first")
        store.put_failed("b", CONFIG, "second")
        store.put_finished("b", CONFIG, {"v": 3})
        store.put_failed("b", CONFIG, "after success")
        rows = {r["key"]: r for r in store.rows()}
    assert (rows["a"]["status"], rows["a"]["record"], rows["a"]["attempts"]) == ("finished", {"v": 1}, 1)
    assert (rows["b"]["status"], rows["b"]["record"], rows["b"]["attempts"]) == ("finished", {"v": 3}, 3)
    assert rows["b"]["error"] is None


def test_missing_database_is_not_created_for_reading(tmp_path):
    with pytest.raises(FileNotFoundError, match="depthlab sweep"):
        Store(tmp_path / "none.db")
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("create", [False, True])
def test_text_file_is_refused(tmp_path, create):
    path = tmp_path / "notes.txt"
    path.write_text("not a database at all, just some text\n" * 20)
    with pytest.raises(ValueError, match="not a depthlab result database"):
        Store(path, create=create)
    assert path.read_text().startswith("not a database")


@pytest.mark.parametrize("create", [False, True])
def test_foreign_sqlite_database_is_refused_untouched(tmp_path, create):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(ValueError, match="not a depthlab result database"):
        Store(path, create=create)
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["people"]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_directory_is_refused(tmp_path):
    with pytest.raises(ValueError, match="is a directory"):
        Store(tmp_path, create=True)


def test_path_under_a_file_is_unwritable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(PermissionError, match="cannot create the directory"):
        Store(blocker / "r.db", create=True)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only directories anyway")
def test_read_only_directory_is_unwritable(tmp_path):
    directory = tmp_path / "ro"
    directory.mkdir()
    directory.chmod(0o500)
    try:
        with pytest.raises(PermissionError, match="not writable"):
            Store(directory / "r.db", create=True)
    finally:
        directory.chmod(0o700)


def test_uncreatable_file_is_unwritable():
    with pytest.raises(PermissionError, match="cannot open the result database /proc/"):
        Store("/proc/depthlab-test.db", create=True)
