"""Running replications: seeds, executors, shards and resuming.

Replication ``i`` of master seed ``s`` always simulates with
``SeedSequence(s, spawn_key=(i,))`` (the i-th child of ``SeedSequence(s)``),
so results do not depend on the number of workers, the executor or the order
in which replications finish.

Executors: ``local`` runs replications in a process pool (spawned processes,
so it also works from a notebook; with one worker, in this process) and
``dask`` submits them to a Dask cluster (``scheduler`` address, or a
``LocalCluster`` started for the run).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from sim.engine import replication_seed
from sim.models import get_model
from sim.results import Bundle, BundleError, Results
from sim.scenario import Scenario, load_scenario, validate
from sim.version import __version__

__all__ = ["Outcome", "RunInterrupted", "resume", "run", "run_replication"]

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` each time a replication finishes."""


class Outcome:
    """What one replication returned: its tables, or the traceback of its failure."""

    __slots__ = ("error", "replication", "tables")

    def __init__(self, replication: int, tables: dict | None, error: str | None = None):
        self.replication = replication
        self.tables = tables
        self.error = error


def run_replication(scenario: Scenario, seed: int, replication: int, events: bool) -> Outcome:
    """Simulate one replication; never raises (a failure is returned with its traceback)."""
    try:
        model = get_model(scenario.model)
        tables = model.simulate(scenario, replication_seed(seed, replication), events=events)
        for table in tables.values():
            table.insert(0, "replication", replication)
        return Outcome(replication, tables)
    except Exception:
        return Outcome(replication, None, traceback.format_exc())


def run(
    scenario: Scenario | str | Path,
    replications: int | None = None,
    seed: int | None = None,
    *,
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    out: str | Path | None = None,
    force: bool = False,
    events: bool = False,
    csv: bool = False,
    progress: Progress | None = None,
) -> Results:
    """Run the replications of ``scenario`` (a Scenario, a file or a bundled name).

    ``replications`` and ``seed`` default to the scenario's own. With ``out``
    the results are written as a bundle (see :mod:`sim.results`) as they
    finish; an existing non-empty folder is refused unless ``force``.
    Interrupting (Ctrl-C) keeps every finished replication and marks the bundle
    ``partial``; :func:`resume` completes it. A replication that raises is
    recorded as failed and the others go on.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    replications = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    if replications < 1:
        raise ValueError(f"replications must be at least 1, got {replications}")
    manifest = {
        "dyadsim_version": __version__,
        "scenario": scenario.model_dump(mode="json", by_alias=True),
        "model": scenario.model,
        "seed": seed,
        "replications": replications,
        "events": events,
        "csv": csv,
        "status": "running",
        "started": _now(),
    }
    bundle = None
    if out is not None:
        bundle = Bundle(Path(out))
        bundle.prepare(force=force)
    return _execute(scenario, manifest, bundle, set(), workers, executor, scheduler, progress)


def resume(
    out: str | Path,
    *,
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Results:
    """Run only the replications a bundle is missing (unfinished or failed) and combine."""
    bundle = Bundle(Path(out))
    manifest = bundle.read_manifest()
    scenario = validate(manifest["scenario"])
    if manifest.get("status") == "complete":
        return bundle.load()
    done = bundle.finished()
    manifest["resumed"] = _now()
    return _execute(scenario, manifest, bundle, done, workers, executor, scheduler, progress)


def _execute(scenario, manifest, bundle, done, workers, executor, scheduler, progress) -> Results:
    seed, total, events = manifest["seed"], manifest["replications"], manifest["events"]
    todo = [i for i in range(total) if i not in done]
    failures: dict[int, str] = {}
    collected: dict[int, dict] = {}
    finished = set(done)
    if bundle is not None:
        manifest["failures"] = []
        manifest["status"] = "running"
        bundle.write_manifest(manifest)
    if progress:
        progress(len(finished), total)
    interrupted = False
    outcomes = _outcomes(scenario, seed, todo, events, workers, executor, scheduler)
    try:
        for outcome in outcomes:
            if outcome.error is not None:
                failures[outcome.replication] = outcome.error
            elif bundle is not None:
                bundle.write_shard(outcome.replication, outcome.tables)
            else:
                collected[outcome.replication] = outcome.tables
            finished.add(outcome.replication)
            if progress:
                progress(len(finished), total)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        outcomes.close()

    succeeded = sorted(finished - set(failures))
    status = "partial" if interrupted else ("failed" if failures else "complete")
    manifest.update(
        status=status,
        done=len(succeeded),
        missing=[i for i in range(total) if i not in succeeded],
        failures=[{"replication": r, "traceback": failures[r]} for r in sorted(failures)],
        finished=_now(),
    )
    results = _combine(scenario, manifest, bundle, succeeded, collected)
    if interrupted:
        raise RunInterrupted(results)
    return results


class RunInterrupted(KeyboardInterrupt):
    """The run was interrupted; ``results`` holds what had finished (status ``partial``)."""

    def __init__(self, results: Results):
        super().__init__("run interrupted")
        self.results = results


def _combine(scenario, manifest, bundle, succeeded, collected) -> Results:
    if bundle is not None:
        tables = bundle.read_shards(succeeded)
    else:
        tables = {}
        for replication in succeeded:
            for name, table in collected[replication].items():
                tables.setdefault(name, []).append(table)
        tables = {n: pd.concat(f, ignore_index=True) for n, f in tables.items()}
    summary = {"scenario": scenario.name, "model": scenario.model,
               "replications": len(succeeded)}
    if succeeded:
        summary.update(get_model(scenario.model).summarize(tables, scenario))
    if bundle is None:
        return Results(manifest, tables.get("pairs", pd.DataFrame()),
                       tables.get("timeseries", pd.DataFrame()), tables.get("events"), summary)
    bundle.write_tables(tables, csv=manifest.get("csv", False))
    bundle.write_summary(summary)
    bundle.write_manifest(manifest)
    if manifest["status"] == "complete":
        bundle.remove_shards()
    return bundle.load()


def _outcomes(scenario, seed, todo, events, workers, executor, scheduler) -> Iterator[Outcome]:
    """Yield each replication's outcome as it finishes."""
    if not todo:
        return
    workers = workers or os.cpu_count() or 1
    if executor == "local" and (workers == 1 or len(todo) == 1):
        for replication in todo:
            yield run_replication(scenario, seed, replication, events)
        return
    with _executor(executor, workers, scheduler) as pool, _interrupt_flag() as interrupted:
        pending = {pool.submit(run_replication, scenario, seed, i, events) for i in todo}
        stopping = False
        try:
            while pending:
                finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                done = [f.result() for f in finished if not f.cancelled()]
                yield from sorted(done, key=lambda outcome: outcome.replication)
                if interrupted.is_set() and not stopping:
                    # Replications already running finish and are kept; the rest never start.
                    stopping = True
                    pending = {future for future in pending if not future.cancel()}
            if stopping:
                raise KeyboardInterrupt
        finally:
            for future in pending:
                future.cancel()


@contextmanager
def _interrupt_flag() -> Iterator[threading.Event]:
    """Turn Ctrl-C into a flag while waiting on workers.

    The loop then stops at a safe point: no new replication starts, those
    running finish and are kept. A second Ctrl-C interrupts the wait at once
    (running replications still finish before the pool closes).
    """
    flag = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def on_interrupt(signum, frame):
        if flag.is_set():
            raise KeyboardInterrupt
        flag.set()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _executor(kind: str, workers: int, scheduler: str | None) -> Iterator[Executor]:
    if kind == "local":
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_ignore_interrupts,
        )
        try:
            yield pool
        finally:
            # Workers are never killed: one killed while sending its result can leave the
            # pool waiting forever. Running replications finish; queued ones are cancelled.
            pool.shutdown(wait=True, cancel_futures=True)
    elif kind == "dask":
        with _dask_client(workers, scheduler) as client:
            yield client.get_executor(pure=False)
    else:
        raise ValueError(f"unknown executor {kind!r}; use 'local' or 'dask'")


@contextmanager
def _dask_client(workers: int, scheduler: str | None):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BundleError(
            "the dask executor needs dask.distributed: pip install 'dyadsim[dask]'"
        ) from None
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which stops them and keeps finished work."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
