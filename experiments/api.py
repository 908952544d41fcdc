"""The Python API of sweeps and results; each function mirrors a CLI command.

>>> from depthlab.experiments import sweep, report
>>> sweep("quick", db="out/demo.db", workers=2)          # doctest: +SKIP
>>> report("out/demo.db", x="radius", y="test_acc", by=["model"])   # doctest: +SKIP
"""
from __future__ import annotations

import functools
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Sequence

import pandas as pd

from depthlab.experiments.executors import MAX_WORKERS, Outcome, RunFunction, available_cores, execute
from depthlab.experiments.results import aggregate, frame_of, report_frame, results_frame, run_row
from depthlab.experiments.run import (HEARTBEAT_SECONDS, checkpoint_dir, checkpoint_path,
                                      run_config, task_dataset)
from depthlab.experiments.spec import (RUN_MEMORY_BUDGET, Run, count_runs, describe_duration,
                                       describe_estimate, expand, first_runs, load_spec,
                                       resolve_run)
from depthlab.tasks.params import check_number
from depthlab.experiments.store import FAILED, FINISHED, Store
from depthlab.tasks.atomic_files import write_text_atomic

DEFAULT_DB = "depthlab.db"
MAX_RUNS_WITHOUT_YES = 10_000
Echo = Callable[[str], None]
MAX_THREADS = 1024  # torch/DGL threads per run
STALE_TEMPORARY_SECONDS = 600  # a checkpoint's temporary this old is a killed write's


def sweep(spec: str | Path, db: str | Path = DEFAULT_DB, workers: int | None = None,
          executor: str = "local", address: str | None = None, retry_failed: bool = False,
          progress: bool = False, echo: Echo | None = None,
          device: str | None = None, yes: bool = False,
          memory_budget: float = RUN_MEMORY_BUDGET, threads: int | None = None) -> pd.DataFrame:
    """Run every run of the spec file (or shipped spec name) ``spec`` not yet finished in
    ``db``, storing each as it completes; return the spec's runs as a results frame (failed
    runs included, with ``status`` "failed" and empty metrics). Failed runs are retried only
    with ``retry_failed``. ``echo`` receives the plan and estimate lines. ``device`` ("cpu",
    "cuda", "auto"; default the spec's ``device``) is where the runs compute, with
    ``threads`` torch/DGL threads each (default 1, see :func:`sweep_runs`).

    Planning builds no model: a spec of more than ``MAX_RUNS_WITHOUT_YES`` runs is refused
    (``ValueError`` with the count and a time estimate) unless ``yes``, and a run whose
    estimated memory exceeds ``memory_budget`` bytes is refused with the estimate
    (:func:`experiments.spec.expand`)."""
    parsed = load_spec(spec)
    memory_budget = check_number("memory_budget", memory_budget, "float", low=0, low_open=True)
    if threads is not None:
        check_number("threads", threads, "int", low=1, high=MAX_THREADS)
    workers = available_cores() if workers is None else check_number(
        "workers", workers, "int", low=1, high=MAX_WORKERS)
    count = count_runs(parsed)
    if count > MAX_RUNS_WITHOUT_YES and not yes:
        sample = expand(first_runs(parsed), memory_budget)
        each = sample[0].estimate_seconds if sample else 0.0
        raise ValueError(
            f"spec {parsed.name} expands to up to {count:,} runs, about {each:.0f} s each: "
            f"{describe_duration(count * each / max(1, workers))} on {workers} worker(s); "
            f"above {MAX_RUNS_WITHOUT_YES:,} runs depthlab asks first: pass --yes (yes=True) "
            "to run them")
    return sweep_runs(expand(parsed, memory_budget), db, workers, executor, address,
                      retry_failed, progress, echo, device=device or parsed.device,
                      checkpoints=checkpoint_dir(db), heartbeat=log_heartbeat(progress),
                      threads=threads)



def sweep_runs(runs: Sequence[Run], db: str | Path = DEFAULT_DB, workers: int | None = None,
               executor: str = "local", address: str | None = None, retry_failed: bool = False,
               progress: bool = False, echo: Echo | None = None,
               run_fn: RunFunction = run_config, device: str | None = None,
               checkpoints: str | Path | None = None,
               heartbeat: float | None = None, threads: int | None = None) -> pd.DataFrame:
    """:func:`sweep` over explicit ``runs`` with the run function ``run_fn`` (which must be
    importable by worker processes: a module-level function), called with ``device=device``
    when a device is given and ``checkpoints=DIR`` when ``checkpoints`` is (the directory of
    training checkpoints, :func:`checkpoint_dir`; a run's checkpoint is removed once its
    record is stored, or at the start for runs stored earlier, the directory once empty;
    ``ValueError`` before any run if something else is in its place), ``heartbeat=S`` when
    ``heartbeat`` is given (:func:`log_heartbeat`), and ``threads=N`` when ``threads`` is.

    Threads: torch/DGL threads per run (default ``run.THREADS_PER_RUN`` = 1, which keeps
    results bit-identical on CPU whatever the executor; more speed up one long run on idle
    cores, results equal within float tolerance; not part of a run's key, so a run may
    resume from its checkpoint with other threads). ``ValueError`` unless an int in
    1..``MAX_THREADS``; ``RuntimeWarning`` when runs have more than one thread and a local
    sweep's busy workers x threads exceed the cores. Time estimates assume one thread.

    A local sweep checks the device before any run starts. With Ray on several machines,
    runs resume from checkpoints only where the directory is on a file system they share."""
    workers = available_cores() if workers is None else workers
    if threads is not None:
        threads = check_number("threads", threads, "int", low=1, high=MAX_THREADS)
        run_fn = functools.partial(run_fn, threads=threads)
    if checkpoints is not None:
        if Path(checkpoints).exists() and not Path(checkpoints).is_dir():
            raise ValueError(f"{checkpoints} is in the way of the runs' training checkpoints: "
                             "it must be a directory (move it, or the database)")
        run_fn = functools.partial(run_fn, checkpoints=str(checkpoints))
    if heartbeat is not None:
        run_fn = functools.partial(run_fn, heartbeat=heartbeat)
    if device is not None:
        if executor == "local":
            from depthlab.models.device import resolve_device

            resolve_device(device)
        run_fn = functools.partial(run_fn, device=device)
    runs = list({run.key: run for run in runs}.values())
    with Store(db, create=True) as store:
        stored = store.statuses()
        skip = {FINISHED} if retry_failed else {FINISHED, FAILED}
        todo = [run for run in runs if stored.get(run.key) not in skip]
        busy_workers, cores = min(workers, len(todo)), available_cores()
        if executor == "local" and (threads or 1) > 1 and busy_workers * threads > cores:
            warnings.warn(f"{busy_workers} worker(s) x {threads} threads = "
                          f"{busy_workers * threads} threads on {cores} cores: oversubscribed "
                          "runs go many times slower (13x measured, benchmarks/bench_threads.py); "
                          "lower --workers or --threads", RuntimeWarning, stacklevel=2)
        if echo is not None:
            finished = sum(stored.get(run.key) == FINISHED for run in runs)
            failed = sum(stored.get(run.key) == FAILED for run in runs) if not retry_failed else 0
            parts = [f"{len(runs)} runs in the spec", f"{finished} already finished"]
            if failed:
                parts.append(f"{failed} failed earlier (skipped; --retry-failed reruns them)")
            echo(", ".join(parts) + "; " + describe_estimate(todo, workers))

        configs = {run.key: run.config for run in todo}
        if checkpoints is not None:
            _remove_stale_temporaries(Path(checkpoints))
            for run in runs:
                if stored.get(run.key) == FINISHED:
                    _remove_checkpoint(checkpoints, run.config)

        def store_outcome(outcome: Outcome) -> None:
            if outcome.status == FINISHED:
                store.put_finished(outcome.key, configs[outcome.key], outcome.record)
                if checkpoints is not None:
                    _remove_checkpoint(checkpoints, configs[outcome.key])
            else:
                store.put_failed(outcome.key, configs[outcome.key], outcome.error)

        if progress:
            with _progress(len(todo), configs) as bar:
                execute(todo, run_fn, bar.wrap(store_outcome), workers, executor, address)
        else:
            execute(todo, run_fn, store_outcome, workers, executor, address)
        if checkpoints is not None:
            _remove_if_empty(Path(checkpoints))
        wanted = {run.key for run in runs}
        rows = [run_row(r["key"], r["status"], r["config"], r["record"])
                for r in store.rows() if r["key"] in wanted]
    return frame_of(rows)


def log_heartbeat(progress: bool) -> float | None:
    """Seconds between the "still training" lines each run writes (``run.heartbeat_lines``)
    when ``progress`` goes to a log, i.e. stderr is not a terminal; None otherwise (a
    terminal has the progress bar)."""
    import sys

    return HEARTBEAT_SECONDS if progress and not sys.stderr.isatty() else None


def _remove_checkpoint(checkpoints: str | Path, config: dict[str, Any]) -> None:
    """Remove a stored run's checkpoint; failing to (no permission) only warns: the run's
    record is safe, and a sweep must not stop over a leftover file."""
    path = checkpoint_path(checkpoints, config)
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        warnings.warn(f"could not remove the checkpoint of a stored run: {error}",
                      RuntimeWarning, stacklevel=2)


def _remove_stale_temporaries(checkpoints: Path) -> None:
    """Remove the temporaries of checkpoint writes killed midway (``.KEY.pt.*.tmp``, from
    ``tasks.atomic_files``) last touched more than ``STALE_TEMPORARY_SECONDS`` ago; a write
    takes milliseconds, so a live one is never that old. Failing to only warns."""
    if not checkpoints.is_dir():
        return
    cutoff = time.time() - STALE_TEMPORARY_SECONDS
    for temporary in checkpoints.glob(".*.pt.*.tmp"):
        try:
            if temporary.stat().st_mtime < cutoff:
                temporary.unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            warnings.warn(f"could not remove {temporary}: {error}", RuntimeWarning, stacklevel=2)


def _remove_if_empty(directory: Path) -> None:
    if directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()


RUNS_COLUMNS = ("key", "status", "task", "task_params", "model", "depth", "width", "seed",
                *(f"{s}_{m}" for m in ("acc", "mse", "nmse") for s in ("train", "val", "test")),
                "test_ceiling", "test_ceiling_nmse", "epochs", "stop_reason", "wall_seconds")


def runs(db: str | Path = DEFAULT_DB, status: str | None = None) -> pd.DataFrame:
    """Every stored run (or those of ``status``): key, status, main config fields, train,
    val and test accuracy (classification) or MSE and normalised MSE (regression), the
    model's test ceiling, epochs, stopping reason, wall time, attempts, last update time
    and the last line of a failure's traceback."""
    if status not in (None, FINISHED, FAILED):
        raise ValueError(f"status={status!r} is invalid: expected {FINISHED} or {FAILED}")
    with Store(db) as store:
        rows = []
        for r in store.rows(status):
            row = run_row(r["key"], r["status"], r["config"], r["record"])
            rows.append({
                **{c: row[c] for c in RUNS_COLUMNS}, "attempts": r["attempts"],
                "updated": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r["updated_at"])),
                "error": r["error"].strip().splitlines()[-1] if r["error"] else None,
            })
    return pd.DataFrame(rows, columns=[*RUNS_COLUMNS, "attempts", "updated", "error"])


def export_runs(db: str | Path = DEFAULT_DB, path: str | Path | None = None,
                format: str = "csv", curves: bool = False,
                status: str | None = None) -> str | None:
    """``depthlab runs --format FORMAT [--curves] [--output PATH]``: the runs of ``db`` (or,
    with ``curves``, their curve points) as CSV, JSON or parquet
    (:func:`experiments.export.run_table` / :func:`~experiments.export.curve_table`,
    :func:`~experiments.export.write_table`); the text without ``path``, else None after
    writing ``path`` atomically. Curves default to finished runs."""
    from depthlab.experiments.export import curve_table, run_table, write_table

    if curves:
        frame = curve_table(db, status or FINISHED)
    else:
        frame = run_table(db, status)
    return write_table(frame, format, path)


def report(db: str | Path = DEFAULT_DB, x: str = "radius", y: str = "test_acc",
           by: str | Sequence[str] = ("model",)) -> pd.DataFrame:
    """Mean, std and n of ``y`` over seeds per config (:func:`experiments.results.aggregate`);
    ``x`` or ``by`` may be ``example_radius`` (:func:`experiments.results.report_frame`)."""
    return aggregate(report_frame(results_frame(db), x, by), x=x, y=y, by=by)


def check(hypotheses: str | Path | Sequence = "all",
          db: str | Path | pd.DataFrame = DEFAULT_DB) -> list:
    """Verdicts (:class:`depthlab.theory.verdict.Verdict`) of ``hypotheses`` (a built-in
    name, "all", a TOML file, or resolved hypotheses) on the finished runs of ``db`` (a
    result database or a results frame), as ``depthlab check HYPOTHESES --db DB`` prints them."""
    from depthlab.theory.hypotheses import check as verdict_of, resolve_hypotheses
    from depthlab.theory.predictions import TheoryValues

    resolved = (resolve_hypotheses(str(hypotheses)) if isinstance(hypotheses, (str, Path))
                else list(hypotheses))
    frame = db if isinstance(db, pd.DataFrame) else results_frame(db)
    theory = TheoryValues()
    return [verdict_of(h, frame, theory) for h in resolved]


def evaluate(dataset, predictions, depth: int, sees_degrees: bool = False) -> dict[str, Any]:
    """``depthlab evaluate``: :func:`depthlab.theory.prediction_audit.audit_predictions` of
    ``predictions`` (an array or tensor, or the path of a ``.npy`` file, read with
    ``allow_pickle=False``) for the test split of ``dataset`` (a TaskDataset or a saved
    dataset directory) at ``depth`` rounds (with degree-aware colours if ``sees_degrees``).
    Raises ``ValueError`` / ``FileNotFoundError``
    naming a bad file, shape, dtype or class range."""
    from depthlab.tasks import TaskDataset, load_task
    from depthlab.theory.prediction_audit import audit_predictions, check_test_predictions

    ds = dataset if isinstance(dataset, TaskDataset) else load_task(dataset)
    if isinstance(predictions, (str, Path)):
        predictions = check_test_predictions(ds, _read_npy(Path(predictions)))
    return audit_predictions(ds, predictions, depth, sees_degrees)


def _read_npy(path: Path):
    """The array in the ``.npy`` file ``path``, memory-mapped (shape and dtype are checked
    before the data is read); never unpickles."""
    import numpy as np

    if not path.exists():
        raise FileNotFoundError(f"--predictions {path}: no such file")
    if not path.is_file():
        raise ValueError(f"--predictions {path} is not a regular file: give a .npy file")
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise ValueError(f"--predictions {path} is not a readable .npy array without pickled "
                         f"objects ({str(error).splitlines()[0]})") from None
    if not isinstance(array, np.ndarray):
        raise ValueError(f"--predictions {path} is an .npz archive: save one array with np.save")
    return array


def train_one(task: str, model: str, depth: int | str, width: int = 32,
              task_params: dict[str, Any] | None = None, options: dict[str, Any] | None = None,
              train: dict[str, Any] | None = None, seed: int = 0, data_seed: int = 0,
              db: str | Path | None = None, device: str = "cpu") -> pd.DataFrame:
    """Train one config in this process on ``device`` ("cpu", "cuda" or "auto"); return its
    results-frame row (one-row DataFrame). ``depth`` may be relative to the task's radius
    ("r+1"). With ``db`` the run is also stored under the key a sweep gives the same config
    (:func:`experiments.spec.resolve_run`), so a later sweep of it does not train it again."""
    from depthlab.models.device import resolve_device

    resolve_device(device)
    from depthlab.tasks import resolve_params

    task_config = {"name": task, "params": resolve_params(task, **(task_params or {})),
                   "data_seed": data_seed}
    run = resolve_run(task_dataset(task_config), task_config,
                      {"name": model, "depth": depth, "width": width, **(options or {})},
                      dict(train or {}), seed)
    record = run_config(run.config, device)
    if db is not None:
        with Store(db, create=True) as store:
            store.put_finished(run.key, run.config, record)
    return frame_of([run_row(run.key, FINISHED, run.config, record)])


def _progress(total: int, configs: dict[str, dict[str, Any]]):
    """A rich progress bar when stderr is a terminal, else one line per finished run."""
    import sys

    return _ProgressBar(total) if sys.stderr.isatty() else _ProgressLines(total, configs)


class _ProgressLines:
    """One line on stderr per finished run (for logs, e.g. on a cluster): done/total, the
    run, its status, why it stopped and its wall time, then elapsed time and an ETA (the
    mean time per finished run times the runs left)."""

    def __init__(self, total: int, configs: dict[str, dict[str, Any]]) -> None:
        self._total, self._configs, self._done = total, configs, 0
        self._started = time.perf_counter()

    def wrap(self, on_outcome: Callable[[Outcome], None]) -> Callable[[Outcome], None]:
        import sys

        def report(outcome: Outcome) -> None:
            on_outcome(outcome)
            self._done += 1
            elapsed = time.perf_counter() - self._started
            eta = elapsed / self._done * (self._total - self._done)
            config = self._configs.get(outcome.key, {})
            record = outcome.record or {}
            what = (f"{config['task']['name']} {config['model']['name']} depth "
                    f"{config['model']['depth']} seed {config['seed']}" if config else outcome.key)
            detail = (f"{record.get('stop_reason', '')}, {record.get('wall_seconds', 0):.0f} s"
                      if outcome.status == FINISHED else outcome.status)
            sys.stderr.write(f"[{self._done}/{self._total}] {what}: {detail}; elapsed "
                             f"{_minutes(elapsed)}, ETA {_minutes(eta)}\n")
            sys.stderr.flush()

        return report

    def __enter__(self) -> "_ProgressLines":
        return self

    def __exit__(self, *exc) -> None:
        pass


def _minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


class _ProgressBar:
    """A rich progress bar on stderr: done/total, failures, elapsed time and ETA."""

    def __init__(self, total: int) -> None:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        from depthlab.experiments.console import error_console

        self._progress = Progress(
            TextColumn("sweep"), BarColumn(), MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed"), TimeElapsedColumn(),
            TextColumn("ETA"), TimeRemainingColumn(), console=error_console)
        self._task = self._progress.add_task("sweep", total=total, failed=0)
        self._failed = 0

    def wrap(self, on_outcome: Callable[[Outcome], None]) -> Callable[[Outcome], None]:
        def advance(outcome: Outcome) -> None:
            on_outcome(outcome)
            self._failed += outcome.status == FAILED
            self._progress.update(self._task, advance=1, failed=self._failed)

        return advance

    def __enter__(self) -> "_ProgressBar":
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()


DEMO_METRICS = ("train_acc", "test_acc")
FITTED_TRAIN_ACC = 0.99


def _stopping_summary(frame: pd.DataFrame) -> str:
    """Markdown lines: how many runs stopped for each reason, then every run cut short by
    the budget (stop reason "cap")."""
    reasons = frame["stop_reason"].fillna("unknown").value_counts().sort_index()
    lines = ["Stopping: " + ", ".join(f"{reason} {count}" for reason, count in reasons.items())
             + " (fitted: 100% train accuracy; plateau: the protocol's patience ran out)."]
    cut = frame[frame["stop_reason"] == "cap"]
    if len(cut):
        lines.append(f"Cut short by the budget (accuracy is a lower bound), {len(cut)} run(s):")
        lines += [f"- {r.task} {r.task_params} {r.model} depth {r.depth} seed {r.seed}: "
                  f"train_acc {r.train_acc:.3f} after {r.epochs} passes"
                  for r in cut.itertuples()]
    else:
        lines.append("No run was cut short by the budget.")
    return "\n".join(lines + _memorised_lines(frame)) + "\n"


def _memorised_lines(frame: pd.DataFrame) -> list[str]:
    """Markdown lines naming the classification runs that fit their training split (train
    accuracy >= ``FITTED_TRAIN_ACC``) but whose test accuracy is not above chance (the
    lower end of its 95% Wilson interval at or below the test chance accuracy): memorised,
    so they say nothing on whether the model can compute the task."""
    from depthlab.theory.statistics import wilson_interval

    scored = frame.dropna(subset=["train_acc", "test_acc", "chance", "n_test"])
    scored = scored[(scored["train_acc"] >= FITTED_TRAIN_ACC) & (scored["n_test"] > 0)]
    if not len(scored):
        return []
    lower, _ = wilson_interval((scored["test_acc"] * scored["n_test"]).round(),
                               scored["n_test"])
    memorised = scored[lower <= scored["chance"]]
    if not len(memorised):
        return []
    return [f"Memorised: {len(memorised)} run(s) fit the training split but are not above "
            "chance on test (95% Wilson interval). The training set is too small to show "
            "whether the model computes the task; more examples (the published protocol: "
            "`depthlab reproduce`) tell:"] + [
        f"- {r.task} {r.task_params} {r.model} depth {r.depth} seed {r.seed}: train_acc "
        f"{r.train_acc:.3f}, test_acc {r.test_acc:.3f} (chance {r.chance:.3f}, "
        f"{int(r.n_test)} test examples)" for r in memorised.itertuples()]


def demo(out: str | Path = "out", spec: str | Path = "quick", workers: int | None = None,
         executor: str = "local", progress: bool = False, echo: Echo | None = None,
         device: str | None = None, threads: int | None = None) -> dict[str, Path]:
    """Run ``spec`` into ``out/demo.db`` and write ``report.md``, ``report.csv``,
    ``accuracy_vs_radius.png`` and ``depth_radius_heatmap.png`` (train and test accuracy,
    mean and std over seeds, per task and model) to ``out``; return the paths by name
    (``db``, ``report_md``, ``report_csv``, ``curves``, ``heatmap``). ``report.md`` ends with
    how the runs stopped, naming every run the budget cut short (stop reason "cap"), whose
    accuracy is a lower bound rather than what the model can fit, and every run that
    memorised its training split (:func:`_memorised_lines`); where the spec has
    tree-neighbors-match runs of the Alon & Yahav preset and protocol, then those beside
    the published figure (``reproductions.published_section``), plotted to
    ``against_published.png`` (path ``published``); ``echo`` gets these notes too."""
    from depthlab.experiments.plots import plot_curves, plot_heatmap
    from depthlab.experiments.reproductions import comparison, plot_reproduction, published_section
    from depthlab.experiments.results import render

    out = Path(out)
    paths = {"db": out / "demo.db", "report_md": out / "report.md",
             "report_csv": out / "report.csv", "curves": out / "accuracy_vs_radius.png",
             "heatmap": out / "depth_radius_heatmap.png"}
    sweep(spec, paths["db"], workers=workers, executor=executor, progress=progress, echo=echo,
          device=device, threads=threads)
    frame = results_frame(paths["db"])
    table = aggregate(frame, x="radius", y=DEMO_METRICS, by=["model"])
    notes = [_stopping_summary(frame)]
    published = comparison(paths["db"], setup="preset")
    if len(published):
        paths["published"] = plot_reproduction(published, out / "against_published.png")
        notes.append(published_section(published))
    write_text_atomic(paths["report_md"], "\n".join([render(table, "md"), *notes]))
    write_text_atomic(paths["report_csv"], render(table, "csv"))
    if echo is not None:
        echo("\n".join(notes).strip())
    plot_curves(frame, paths["curves"], x="radius", y=DEMO_METRICS, by=["model"])
    plot_heatmap(frame, paths["heatmap"], y=DEMO_METRICS, by=["model"])
    return paths
