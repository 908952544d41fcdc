"""Sweeps resume after SIGKILL, tolerate concurrent writers, and record failures."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from depthlab.experiments.api import sweep_runs
from depthlab.experiments.store import Store
from sweep_fakes import fake_run, fake_runs

HERE = Path(__file__).parent


def _stored(db):
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT key, status, record, attempts FROM runs").fetchall()
    conn.close()
    return rows


def _sweep_process(db, n, sleep, workers, *extra, gate=None):
    code = f"import sweep_fakes; sweep_fakes.main({[str(db), str(n), str(sleep), str(workers), *extra]!r})"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    if gate is not None:
        env["FAKE_RUN_GATE"] = str(gate)
    return subprocess.Popen([sys.executable, "-c", code], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_sweep_stores_every_run_and_rerun_skips_them(tmp_path):
    db = tmp_path / "r.db"
    runs = fake_runs(5, seeds=2)
    frame = sweep_runs(runs, db, workers=2, run_fn=fake_run)
    assert sorted(frame["key"]) == sorted(r.key for r in runs)
    assert set(frame["status"]) == {"finished"}
    before = {key: record for key, _, record, _ in _stored(db)}
    again = sweep_runs(fake_runs(5, seeds=2), db, workers=2, run_fn=fake_run)
    assert len(again) == 10
    assert {key: record for key, _, record, _ in _stored(db)} == before


def test_failed_run_keeps_traceback_and_is_retried_only_on_request(tmp_path):
    db = tmp_path / "r.db"
    failing = fake_runs(2, fail=True)
    frame = sweep_runs(failing, db, workers=1, run_fn=fake_run)
    assert list(frame["status"]) == ["failed", "failed"]
    with Store(db) as store:
        errors = [r["error"] for r in store.rows()]
    assert all("Traceback" in e and "RuntimeError: fake failure of run" in e for e in errors)
    sweep_runs(failing, db, workers=1, run_fn=fake_run)
    assert [a for *_, a in _stored(db)] == [1, 1]
    sweep_runs(failing, db, workers=1, run_fn=fake_run, retry_failed=True)
    assert [a for *_, a in _stored(db)] == [2, 2]


def test_worker_crash_fails_its_run_and_the_sweep_goes_on(tmp_path):
    db = tmp_path / "r.db"
    runs = fake_runs(1, crash=True) + fake_runs(3)
    sweep_runs(runs, db, workers=1, run_fn=fake_run)
    statuses = {key: status for key, status, _, _ in _stored(db)}
    assert statuses[runs[0].key] == "failed"
    assert [statuses[r.key] for r in runs[1:]] == ["finished"] * 3


def test_sigkilled_sweep_resumes_without_loss_or_duplicates(tmp_path):
    db = tmp_path / "r.db"
    n = 16
    proc = _sweep_process(db, n, 0.4, 2)
    deadline = time.time() + 60
    finished = []
    while time.time() < deadline and len(finished) < 4:
        time.sleep(0.1)
        if db.exists():
            try:
                finished = [r for r in _stored(db) if r[1] == "finished"]
            except sqlite3.OperationalError:
                continue
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    before = {key: record for key, status, record, _ in _stored(db) if status == "finished"}
    assert 4 <= len(before) < n
    sweep_runs(fake_runs(n), db, workers=2, run_fn=fake_run)
    after = _stored(db)
    assert len(after) == len({key for key, *_ in after}) == n
    assert {status for _, status, _, _ in after} == {"finished"}
    assert {key: record for key, _, record, _ in after if key in before} == before
    assert all(attempts == 1 for *_, attempts in after)


def test_concurrent_sweeps_on_one_database_lose_and_duplicate_nothing(tmp_path):
    db = tmp_path / "shared.db"
    n = 12
    procs = [_sweep_process(db, n, 0.05, 1, gate=tmp_path),
             _sweep_process(db, n, 0.05, 1, "reverse", gate=tmp_path)]
    started = tmp_path / "started"
    deadline = time.time() + 60
    while time.time() < deadline and not (started.exists() and len(set(started.read_text().split())) >= 2):
        time.sleep(0.05)
    (tmp_path / "go").touch()  # both sweeps have a run in flight: from here they overlap
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    rows = _stored(db)
    assert sorted(key for key, *_ in rows) == sorted(r.key for r in fake_runs(n))
    assert all(status == "finished" and attempts == 1 for _, status, _, attempts in rows)
    pids = {json.loads(record)["pid"] for _, _, record, _ in rows}
    assert len(pids) == 2, "both sweeps stored runs"
