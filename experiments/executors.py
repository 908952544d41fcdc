"""Executors: run many configs through a run function, reporting each outcome as it lands.

``execute(runs, run_fn, on_outcome, workers, executor, address)`` calls ``run_fn(config)``
for every run in worker processes (a local process pool, or Ray tasks) and calls
``on_outcome(outcome)`` in the calling process as each one completes, so the caller can
store it at once: killing the caller loses only the runs in flight. A run whose function
raises becomes a ``failed`` outcome with its traceback; it never stops the sweep. Workers
never outlive the caller: local pool workers exit when it dies, even by SIGKILL
(:func:`die_with_parent`); a local Ray cluster started by ``execute`` shares its fate
(Ray kills a dead driver's tasks and its own processes).
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable, Sequence

EXECUTORS = ("local", "ray")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
PR_SET_PDEATHSIG = 1
MAX_WORKERS = 1024
WATCHDOG_SECONDS = 1.0


@dataclass(frozen=True)
class Outcome:
    """The result of one run: ``status`` "finished" with ``record``, or "failed" with
    ``error`` (a formatted traceback)."""

    key: str
    status: str
    record: dict[str, Any] | None = None
    error: str | None = None


RunFunction = Callable[[dict[str, Any]], dict[str, Any]]
OnOutcome = Callable[[Outcome], None]


def available_cores() -> int:
    """CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def guarded(run_fn: RunFunction, key: str, config: dict[str, Any]) -> Outcome:
    """``run_fn(config)`` as an :class:`Outcome`; an exception becomes a failed outcome."""
    try:
        return Outcome(key, "finished", record=run_fn(config))
    except Exception:
        return Outcome(key, "failed", error=traceback.format_exc())


def execute(runs: Sequence, run_fn: RunFunction, on_outcome: OnOutcome, workers: int,
            executor: str = "local", address: str | None = None) -> None:
    """Run every ``run`` (objects with ``key`` and ``config``) through ``run_fn``.

    ``workers`` processes run at once (local) or at most that many Ray tasks are in flight
    (ray); worker processes get ``OMP_NUM_THREADS=1`` (and MKL/OpenBLAS likewise), as Ray
    sets for one-CPU tasks, so that ``workers`` runs use at most ``workers`` cores.
    ``address`` joins an existing Ray cluster; without it a local one is started with
    ``workers`` CPUs and shut down afterwards. Raises ``ValueError`` for a bad executor or
    worker count, ``ImportError`` with the install command when Ray is missing.
    """
    if executor not in EXECUTORS:
        raise ValueError(f"executor={executor!r} is invalid: expected one of {', '.join(EXECUTORS)}")
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS:
        raise ValueError(f"workers={workers!r} is invalid: expected an int in [1, {MAX_WORKERS}]")
    if address is not None and executor != "ray":
        raise ValueError("--address joins a Ray cluster: use it with --executor ray")
    if not runs:
        return
    if executor == "local":
        _execute_local(list(runs), run_fn, on_outcome, workers)
    else:
        _execute_ray(list(runs), run_fn, on_outcome, workers, address)


def _init_worker(parent: int) -> None:
    """Pool worker set-up: one thread per library, and death with the parent ``parent``."""
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"
    die_with_parent(parent)


def die_with_parent(parent: int) -> None:
    """Make this process exit when the process ``parent`` dies, even by SIGKILL (which
    gives it no chance to shut its pool down): on Linux the kernel sends SIGKILL at the
    parent's death (``prctl(PR_SET_PDEATHSIG)``); everywhere a daemon thread checks every
    ``WATCHDOG_SECONDS`` that the parent is still this process's parent, and exits if not
    (also covering a parent that died before the ``prctl``)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCHDOG_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="depthlab-parent-watchdog", daemon=True).start()


def _execute_local(runs: list, run_fn: RunFunction, on_outcome: OnOutcome, workers: int) -> None:
    """Run ``runs`` on a pool of ``workers``. If a worker dies (killed, out of memory), the
    runs that were in flight are rerun one by one in a pool of their own, so only the run
    that kills its worker is reported failed; the rest go on in a fresh pool."""
    queue = deque(runs)
    while queue:
        for suspect in _run_pool(queue, run_fn, on_outcome, workers):
            if _run_pool(deque([suspect]), run_fn, on_outcome, 1):
                on_outcome(Outcome(suspect.key, "failed", error=(
                    "the worker process running this run died (killed by a signal, out of "
                    "memory, or a crash in native code)")))


def _run_pool(queue: deque, run_fn: RunFunction, on_outcome: OnOutcome, workers: int) -> list:
    """Feed runs from ``queue`` to a new pool, ``2 * workers`` in flight, reporting each
    outcome; return [] when the queue is done, or the unreported in-flight runs if the pool
    broke."""
    workers = min(workers, len(queue))
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker, initargs=(os.getpid(),))
    pending: dict[Future, Any] = {}
    try:
        while queue or pending:
            while queue and len(pending) < 2 * workers:
                run = queue.popleft()
                pending[pool.submit(guarded, run_fn, run.key, run.config)] = run
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = []
            for future in done:
                run = pending.pop(future)
                error = future.exception()
                if isinstance(error, BrokenProcessPool):
                    broken.append(run)
                elif error is not None:
                    on_outcome(Outcome(run.key, "failed", error="".join(
                        traceback.format_exception(error))))
                else:
                    on_outcome(future.result())
            if broken:
                return broken + list(pending.values())
        return []
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _execute_ray(runs: list, run_fn: RunFunction, on_outcome: OnOutcome, workers: int,
                 address: str | None) -> None:
    try:
        import ray
    except ImportError:
        raise ImportError("the ray executor needs Ray: pip install 'depthlab[ray]'") from None
    import logging

    started = not ray.is_initialized()
    if started:
        if address is not None:
            ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, logging_level=logging.ERROR,
                     log_to_driver=False,
                     runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}})
    try:
        remote = ray.remote(num_cpus=1, max_retries=0)(guarded)
        todo = iter(runs)
        pending: dict[Any, Any] = {}

        def refill() -> None:
            for run in todo:
                pending[remote.remote(run_fn, run.key, run.config)] = run
                if len(pending) >= 2 * workers:
                    return

        refill()
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                run = pending.pop(ref)
                try:
                    outcome = ray.get(ref)
                except ray.exceptions.RayError as error:
                    outcome = Outcome(run.key, "failed", error=f"the Ray task failed: {error}")
                on_outcome(outcome)
            refill()
    finally:
        if started:
            ray.shutdown()
