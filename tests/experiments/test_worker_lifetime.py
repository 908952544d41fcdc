"""Pool workers die with their parent (issue 10, item 9): a scheduler's `kill -9` of the
sweep process leaves no worker running."""
import os
import signal
import subprocess
import sys
import time

import pytest

from depthlab.experiments.executors import die_with_parent


def _survivors_of_killing(parent: subprocess.Popen, gate, workers: int, grace: float) -> list:
    """Wait until ``workers`` fake runs have started (their pids in ``gate/started``),
    SIGKILL ``parent``, wait up to ``grace`` seconds; kill and return the runs still alive."""
    started = gate / "started"
    deadline = time.time() + 180
    while time.time() < deadline and (not started.exists() or len(started.read_text().split()) < workers):
        time.sleep(0.1)
    pids = [int(pid) for pid in started.read_text().split()]
    assert len(pids) >= workers and all(_alive(pid) for pid in pids)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.time() + grace
    while time.time() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.1)
    survivors = [pid for pid in pids if _alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    return survivors


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_the_sweep_is_killed(tmp_path):
    gate = tmp_path / "gate"
    gate.mkdir()
    env = {**os.environ, "FAKE_RUN_GATE": str(gate)}
    sweep = subprocess.Popen(
        [sys.executable, "-c", "import sys; from tests.experiments.sweep_fakes import main; "
         "main(sys.argv[1:])", str(tmp_path / "runs.db"), "4", "0", "2"], env=env,
        start_new_session=True)
    assert _survivors_of_killing(sweep, gate, 2, grace=10) == []


def test_a_process_whose_parent_is_gone_exits_at_once():
    child = subprocess.run(
        [sys.executable, "-c", "from depthlab.experiments.executors import die_with_parent; "
         "die_with_parent(1 if __import__('os').getppid() != 1 else 2); print('survived')"],
        capture_output=True, text=True, timeout=60)
    assert child.returncode == 1 and "survived" not in child.stdout


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ray_tasks_do_not_outlive_their_driver(tmp_path):
    pytest.importorskip("ray")
    gate = tmp_path / "gate"
    gate.mkdir()
    code = ("import sys; sys.path.insert(0, 'tests/experiments'); "
            "from sweep_fakes import fake_run, fake_runs; "
            "from depthlab.experiments.executors import execute; "
            "execute(fake_runs(4), fake_run, print, 2, 'ray')")
    driver = subprocess.Popen([sys.executable, "-c", code], start_new_session=True,
                              env={**os.environ, "FAKE_RUN_GATE": str(gate)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert _survivors_of_killing(driver, gate, 2, grace=30) == []
