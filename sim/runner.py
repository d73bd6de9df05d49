"""Running replications: seeds, executors, shards and resuming.

Replication ``i`` of master seed ``s`` always simulates with
``SeedSequence(s, spawn_key=(i,))`` (the i-th child of ``SeedSequence(s)``),
so results do not depend on the number of workers, the executor or the order
in which replications finish.

Executors (:mod:`sim.executors`): ``local`` runs replications in worker
processes (spawned, so it also works from a notebook; with one worker and no
time limit, in this process) and ``dask`` submits them to a Dask cluster
(``scheduler`` address, or a ``LocalCluster`` started for the run).

A run owns its results folder (a second run on it is refused), writes each
replication as it finishes, and survives what can go wrong: a replication
that raises, runs out of time or loses its worker is recorded as failed; a
damaged shard is set aside and run again by :func:`resume`; Ctrl-C or a full
disk leave a partial bundle that :func:`resume` completes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import os
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from sim.engine import replication_seed
from sim.executors import ExecutorError, connect, outcomes
from sim.models import MODEL_MODULES, get_model
from sim.pool import WorkerPool
from sim.results import (
    Bundle,
    BundleError,
    Results,
    RunFailed,
    describe_error,
    run_identity,
)
from sim.scenario import MAX_REPLICATIONS, Scenario, load_scenario, validate
from sim.units import counted
from sim.version import __version__

__all__ = ["ExecutorError", "Outcome", "RunFailed", "RunInterrupted", "resume", "run",
           "run_replication", "worker_pool"]

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


@contextlib.contextmanager
def worker_pool(workers: int | None = None, *, start: bool = False,
                models: tuple[str, ...] = ()) -> Iterator[WorkerPool]:
    """One set of local worker processes for several runs (``run(..., pool=...)``).

    A sweep's points or a comparison's scenarios then start ``workers``
    processes (default: the number of cores) once instead of once per run;
    results are the same either way. With ``start`` the workers start at
    once and import the runner and ``models`` (model names) while the caller
    goes on. The workers end with the ``with`` block.
    """
    workers = workers or os.cpu_count() or 1
    with WorkerPool(None, workers, _lost) as pool:
        if start and workers > 1:
            pool.prestart(("sim.runner", *(MODEL_MODULES[m] for m in models)))
        yield pool


class RunInterrupted(KeyboardInterrupt):
    """The run was interrupted; ``results`` holds what had finished (status ``partial``)."""

    def __init__(self, results: Results):
        super().__init__("run interrupted")
        self.results = results


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
    timeout: float | None = None,
    progress: Progress | None = None,
    pool: WorkerPool | None = None,
) -> Results:
    """Run the replications of ``scenario`` (a Scenario, a file or a bundled name).

    ``replications`` and ``seed`` default to the scenario's own, ``timeout``
    (seconds of real time per replication) to the scenario's ``timeout``. With
    ``out`` the results are written as a bundle (see :mod:`sim.results`) as
    they finish; an existing non-empty folder is refused unless ``force``.
    Interrupting (Ctrl-C) keeps every finished replication and marks the bundle
    ``partial``; :func:`resume` completes it. A replication that raises, runs
    out of time or loses its worker is recorded as failed and the others go
    on; when none succeeds, :class:`RunFailed` is raised. A local run uses the
    worker processes of ``pool`` (see :func:`worker_pool`) when given; its
    size is then the default of ``workers``.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    replications = scenario.replications if replications is None else replications
    seed = scenario.seed if seed is None else seed
    timeout = scenario.timeout if timeout is None else timeout
    _check_counts(replications, workers, timeout)
    manifest = {
        "dyadsim_version": __version__,
        "scenario": scenario.model_dump(mode="json", by_alias=True),
        "model": scenario.model,
        "seed": seed,
        "replications": replications,
        "events": events,
        "csv": csv,
        "timeout": timeout,
        "status": "running",
        "started": _now(),
    }
    vocabulary = getattr(get_model(scenario.model), "VOCABULARY", None)
    if vocabulary is not None:  # the model's own words (stages, end reasons) travel with its tables
        manifest["vocabulary"] = vocabulary
    workers = workers or (pool.workers if pool else None) or os.cpu_count() or 1
    if out is None:
        with connect(executor, workers, scheduler) as dask:
            return _execute(scenario, manifest, None, set(), workers, dask, progress, pool)
    bundle = Bundle(Path(out))
    bundle.check_target(force=force)
    with connect(executor, workers, scheduler) as dask, bundle.claim():
        _prepare(bundle, force)
        return _execute(scenario, manifest, bundle, set(), workers, dask, progress, pool)


def resume(
    out: str | Path,
    *,
    workers: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    timeout: float | None = None,
    progress: Progress | None = None,
) -> Results:
    """Run the replications a bundle is missing (unfinished, failed or damaged) and combine.

    Every shard is checked against its record first; one that is missing,
    partial, foreign or corrupt is set aside (listed in the manifest's
    ``rejected``) and its replication run again.
    """
    bundle = Bundle(Path(out))
    bundle.read_manifest()  # a bundle, before a lock file is made in it
    _check_counts(1, workers, timeout)
    workers = workers or os.cpu_count() or 1
    with connect(executor, workers, scheduler) as dask, bundle.claim():
        manifest = bundle.read_manifest()
        if manifest.get("status") == "complete":
            return bundle.load()
        scenario = validate(manifest["scenario"])
        if timeout is not None:
            manifest["timeout"] = timeout
        done, rejected = bundle.verified(manifest["replications"], run_identity(manifest))
        for replication in rejected:
            bundle.set_aside(replication)
        manifest["rejected"] = _rejected_list(rejected)
        manifest["resumed"] = _now()
        return _execute(scenario, manifest, bundle, done, workers, dask, progress)


def _check_counts(replications: int, workers: int | None, timeout: float | None) -> None:
    if not 1 <= replications <= MAX_REPLICATIONS:
        raise ValueError(f"replications must be in [1, {MAX_REPLICATIONS}], got {replications}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if timeout is not None and not (math.isfinite(timeout) and timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout}")


def _prepare(bundle: Bundle, force: bool) -> None:
    try:
        bundle.prepare(force=force)
    except OSError as error:
        raise BundleError(f"cannot write to {bundle.path}: {describe_error(error)}") from None


def _rejected_list(rejected: dict[int, str]) -> list[dict]:
    return [{"replication": r, "problem": rejected[r]} for r in sorted(rejected)]


def _execute(scenario, manifest, bundle, done, workers, dask, progress, pool=None) -> Results:
    seed, total, events = manifest["seed"], manifest["replications"], manifest["events"]
    todo = [i for i in range(total) if i not in done]
    failures: dict[int, str] = {}
    collected: dict[int, dict] = {}
    finished = set(done)
    identity = run_identity(manifest)
    if bundle is not None:
        manifest["failures"] = []
        manifest["status"] = "running"
        _write(bundle, manifest)
    if progress:
        progress(len(finished), total)
    interrupted, disk_error = False, None
    task = functools.partial(run_replication, scenario, seed, events=events)
    running = outcomes(task, todo, _lost, workers=workers, dask=dask,
                       timeout=manifest.get("timeout"), pool=pool)
    try:
        for outcome in running:
            if outcome.error is not None:
                failures[outcome.replication] = outcome.error
            elif bundle is not None:
                bundle.write_shard(outcome.replication, outcome.tables, identity)
            else:
                collected[outcome.replication] = outcome.tables
            finished.add(outcome.replication)
            if progress:
                progress(len(finished), total)
    except KeyboardInterrupt:
        interrupted = True
    except OSError as error:  # the disk is full or the folder went away: keep what is written
        interrupted, disk_error = True, error
    except ExecutorError:  # the workers cannot run at all: leave the bundle resumable
        if bundle is not None:
            manifest.update(status="partial", finished=_now())
            _record_done(manifest, sorted(finished - set(failures)))
            with contextlib.suppress(OSError):
                bundle.write_manifest(manifest)
        raise
    finally:
        running.close()

    succeeded = sorted(finished - set(failures))
    manifest.update(
        status="partial" if interrupted else ("failed" if failures else "complete"),
        failures=[{"replication": r, "traceback": failures[r]} for r in sorted(failures)],
        finished=_now(),
    )
    if disk_error is not None:
        raise _disk_trouble(bundle, manifest, succeeded, disk_error)
    results = _combine(scenario, manifest, bundle, succeeded, collected)
    if interrupted:
        raise RunInterrupted(results)
    return results


def _lost(replication: int, message: str) -> Outcome:
    return Outcome(replication, None, message)


def _write(bundle: Bundle, manifest: dict) -> None:
    try:
        bundle.write_manifest(manifest)
    except OSError as error:
        raise BundleError(f"cannot write to {bundle.path}: {describe_error(error)}") from None


def _record_done(manifest: dict, succeeded: list[int]) -> None:
    total = manifest["replications"]
    manifest.update(done=len(succeeded),
                    missing=[i for i in range(total) if i not in set(succeeded)])


def _disk_trouble(bundle, manifest, succeeded, error: OSError) -> BundleError:
    manifest["status"] = "partial"  # even when every replication ran: resume combines them again
    _record_done(manifest, succeeded)
    with contextlib.suppress(OSError):  # the shards on disk are what counts; resume checks them
        bundle.write_manifest(manifest)
    return BundleError(
        f"cannot write to {bundle.path}: {describe_error(error)}; kept {len(succeeded)} of "
        f"{counted(manifest['replications'], 'replication')}; make room, then finish with: "
        f"dyadsim run --resume {bundle.path}"
    )


def _combine(scenario, manifest, bundle, succeeded, collected) -> Results:
    if bundle is not None:
        succeeded, tables = _read_verified(bundle, manifest, succeeded)
    else:
        tables = {}
        for replication in succeeded:
            for name, table in collected[replication].items():
                tables.setdefault(name, []).append(table)
        tables = {n: pd.concat(f, ignore_index=True) for n, f in tables.items()}
    _record_done(manifest, succeeded)
    path = bundle.path if bundle is not None else None
    summary = {"scenario": scenario.name, "model": scenario.model,
               "replications": len(succeeded)}
    if not succeeded:
        if manifest["status"] != "partial":
            manifest["status"] = "failed"
        if bundle is not None:
            _write(bundle, manifest)
        if manifest["status"] == "failed":
            raise RunFailed(manifest, path)
        return Results(manifest, pd.DataFrame(), pd.DataFrame(), None, summary, path)
    summary.update(get_model(scenario.model).summarize(tables, scenario))
    if bundle is None:
        return Results(manifest, tables.get("pairs", pd.DataFrame()),
                       tables.get("timeseries", pd.DataFrame()), tables.get("events"), summary)
    try:
        bundle.write_tables(tables, csv=manifest.get("csv", False))
        bundle.write_summary(summary)
        bundle.write_manifest(manifest)
    except OSError as error:
        raise _disk_trouble(bundle, manifest, succeeded, error) from None
    if manifest["status"] == "complete":
        bundle.remove_shards()
    return bundle.load()


def _read_verified(bundle: Bundle, manifest: dict, succeeded: list[int]):
    """The shards that pass their checks; the others are set aside for a resume."""
    good, rejected = bundle.verified(manifest["replications"], run_identity(manifest))
    rejected = {r: p for r, p in rejected.items() if r in succeeded}
    tables, unreadable = bundle.read_shards([r for r in succeeded if r in good])
    rejected.update(unreadable)
    rejected.update({r: "no shard" for r in succeeded if r not in good and r not in rejected})
    for replication in rejected:
        bundle.set_aside(replication)
    if rejected:
        manifest["rejected"] = [*manifest.get("rejected", []), *_rejected_list(rejected)]
        if manifest["status"] == "complete":
            manifest["status"] = "partial"
    return [r for r in succeeded if r not in rejected], tables


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
