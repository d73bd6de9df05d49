"""A sensitivity study: sample a parameter space, evaluate every point, analyse with SALib.

The study is a folder, like a run's bundle::

    manifest.json    what was asked (scenario, space, method, N, seed, replications),
                     status (running, partial, failed, complete), failures, notes, timings
    scenario.yaml    the resolved scenario every point starts from
    points.parquet   the design: one row per point, one column per parameter
    runs.jsonl       the journal: one line per finished point x replication
    runs.parquet     tidy: one row per point per replication, parameter values and metrics
    indices.parquet  tidy: one row per metric, parameter and index (see explore.indices)
    plots/*.png, report.html

Replication r of every point uses seed stream r of the study's seed (common
random numbers). Ctrl-C keeps every finished task (status ``partial``) and
:func:`resume_study` completes the study; a failing task is recorded
(status ``failed``, tracebacks in the manifest) and resuming reruns it. The
indices need every point, so they are computed once nothing is missing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from explore.design import DEFAULT_SAMPLES, Design, check_design, check_grid, sample
from explore.execute import Journal, Progress, Record, Task, evaluate_tasks
from explore.indices import analyse
from explore.models import FunctionModel, freeze, model_for, model_from_manifest
from explore.space import ParameterSpace, load_space
from sim.executors import connect
from sim.results import Bundle, BundleError

__all__ = ["Study", "StudyInterrupted", "load_study", "resume_study", "sensitivity"]

log = logging.getLogger(__name__)

DEFAULT_METRICS = ("reached_long_term", "reached_final", "mean_duration", "pair_npv",
                   "customer_value", "order_parameter")
"""Metrics analysed when none are asked for (those the model reports, up to four)."""


@dataclass
class Study:
    """A study's folder and what it holds: manifest, runs, indices and notes."""

    path: Path
    manifest: dict
    runs: pd.DataFrame
    indices: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return str(self.manifest.get("status", ""))

    @property
    def space(self) -> ParameterSpace:
        return ParameterSpace.from_dict(self.manifest["space"])


class StudyInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped the study; ``study`` holds what finished (status ``partial``)."""

    def __init__(self, study: Study):
        super().__init__("study interrupted")
        self.study = study


def _generator(seed: int, purpose: str) -> np.random.Generator:
    # Streams of their own, never those of replication r (SeedSequence(seed, spawn_key=(r,))).
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(purpose.encode())]))


def sensitivity(
    source: str, space: ParameterSpace | str | Path, method: str = "morris",
    samples: int | None = None, *, out: str | Path, replications: int = 4,
    seed: int | None = None, metrics: Sequence[str] | None = None, levels: int = 4,
    second_order: bool = False, conf_level: float = 0.95, overrides: Sequence[str] = (),
    workers: int | None = None, executor: str = "local", scheduler: str | None = None,
    timeout: float | None = None, force: bool = False, progress: Progress | None = None,
) -> Study:
    """Run a sensitivity study of ``source`` over ``space`` and write it to ``out``.

    ``source`` is a scenario file, a bundled name or ``function:NAME`` (a
    test function). ``samples`` is the number of trajectories (Morris) or
    base samples (Sobol, a power of two). Everything is checked before
    anything runs: the space against the scenario's schema (ScenarioError),
    the design and the metrics (ValueError). ``timeout`` limits each
    replication (seconds; default: the scenario's).
    """
    started = time.perf_counter()
    space = space if isinstance(space, ParameterSpace) else load_space(space)
    samples = DEFAULT_SAMPLES.get(method, 0) if samples is None else samples
    check_design(method, samples, levels, second_order)
    check_grid(space, method, levels)
    if replications < 1:
        raise ValueError(f"--replications must be at least 1, got {replications}")
    model, scenario = model_for(source, overrides)
    resolved = scenario.model_dump(mode="json", by_alias=True) if scenario else None
    model.check(space)
    _check_metrics(metrics, model.metric_names())
    seed = (resolved or {}).get("seed", 0) if seed is None else seed
    timeout = getattr(scenario, "timeout", None) if timeout is None else timeout
    workers = workers or os.cpu_count() or 1
    bundle = Bundle(Path(out))
    bundle.check_target(force=force)
    with connect(executor, workers, scheduler) as dask, bundle.claim():
        bundle.prepare(force=force)
        bundle.shards.rmdir()
        model = freeze(model, scenario, bundle.path, metrics)
        design = sample(space, method, samples, _generator(seed, "sampling"), levels=levels,
                        second_order=second_order)
        points = pd.DataFrame(design.matrix, columns=space.paths)
        points.insert(0, "point", np.arange(design.points))
        bundle.write_tables({"points": points})
        manifest = {
            "kind": "sensitivity", "method": method, "samples": samples, "levels": levels,
            "second_order": second_order, "conf_level": conf_level, "seed": seed,
            "replications": replications, "points": design.points,
            "metrics": list(metrics) if metrics else None, "source": source,
            "function": model.function if isinstance(model, FunctionModel) else None,
            "scenario": resolved or {"name": model.name}, "space": space.as_dict(),
            "timeout": timeout, "dyadsim_version": _version(), "status": "running",
            "started": _now(), "timings": {"sampling": time.perf_counter() - started},
        }
        bundle.write_manifest(manifest)
        return _evaluate(bundle, manifest, space, design, {}, workers, dask, progress)


def resume_study(out: str | Path, *, workers: int | None = None, executor: str = "local",
                 scheduler: str | None = None, progress: Progress | None = None) -> Study:
    """Evaluate the tasks a study is missing (unfinished or failed), then analyse."""
    bundle = Bundle(Path(out))
    _study_manifest(bundle)  # a study, before a lock file is made in it
    workers = workers or os.cpu_count() or 1
    with connect(executor, workers, scheduler) as dask, bundle.claim():
        manifest = _study_manifest(bundle)
        if manifest.get("status") == "complete":
            return load_study(bundle.path)
        space = ParameterSpace.from_dict(manifest["space"])
        design = _read_design(bundle.path, space, manifest)
        done = {key: record for key, record in Journal(bundle.path / "runs.jsonl").read().items()
                if record.error is None}
        manifest["resumed"] = _now()
        return _evaluate(bundle, manifest, space, design, done, workers, dask, progress)


def _study_manifest(bundle: Bundle) -> dict:
    manifest = bundle.read_manifest()
    if manifest.get("kind") != "sensitivity":
        raise BundleError(f"{bundle.path} is not a sensitivity study")
    return manifest


def load_study(path: str | Path) -> Study:
    """Read a study folder back."""
    bundle = Bundle(Path(path))
    manifest = _study_manifest(bundle)
    runs = _read(bundle.path / "runs.parquet")
    indices = _read(bundle.path / "indices.parquet")
    return Study(bundle.path, manifest, runs, indices, list(manifest.get("notes", [])))


def _read(file: Path) -> pd.DataFrame:
    return pd.read_parquet(file) if file.exists() else pd.DataFrame()


def _check_metrics(metrics: Sequence[str] | None, known: list[str]) -> None:
    from analysis.metrics import METRICS

    unknown = [m for m in metrics or () if m not in known]
    if not unknown:
        return
    if unknown[0] in {metric.name for metric in METRICS}:
        raise ValueError(f"--metric {unknown[0]}: not reported by this scenario's model; "
                         f"its metrics: {', '.join(known)}")
    raise ValueError(f"--metric {unknown[0]}: no such metric; known: {', '.join(known)}")


def _read_design(folder: Path, space: ParameterSpace, manifest: dict) -> Design:
    points = pd.read_parquet(folder / "points.parquet").sort_values("point")
    return Design(manifest["method"], manifest["samples"], manifest["levels"],
                  manifest["second_order"], points[space.paths].to_numpy(dtype=float))


def _tasks(space: ParameterSpace, design: Design, replications: int) -> list[Task]:
    return [Task(point, replication, space.values(design.matrix[point]))
            for point in range(design.points) for replication in range(replications)]


def _evaluate(bundle, manifest, space, design, done, workers, dask, progress) -> Study:
    model = model_from_manifest(manifest, bundle.path)
    tasks = [t for t in _tasks(space, design, manifest["replications"])
             if (t.point, t.replication) not in done]
    journal = Journal(bundle.path / "runs.jsonl")
    manifest["status"] = "running"
    bundle.write_manifest(manifest)
    started = time.perf_counter()
    interrupted = evaluate_tasks(model, tasks, manifest["seed"], journal, workers=workers,
                                 dask=dask, timeout=manifest.get("timeout"),
                                 progress=progress, already=len(done),
                                 total=design.points * manifest["replications"])
    timings = manifest.setdefault("timings", {})
    timings["evaluation"] = timings.get("evaluation", 0.0) + time.perf_counter() - started
    study = _finish(bundle, manifest, space, design, journal.read(), interrupted)
    if interrupted:
        raise StudyInterrupted(study)
    return study


def _finish(bundle, manifest, space, design, records: dict[tuple[int, int], Record],
            interrupted: bool) -> Study:
    replications = manifest["replications"]
    expected = [(p, r) for p in range(design.points) for r in range(replications)]
    failures = [records[key] for key in expected if key in records and records[key].error]
    missing = [key for key in expected if key not in records or records[key].error]
    runs = _runs_table(space, design, [records[k] for k in expected
                                       if k in records and records[k].error is None])
    bundle.write_tables({"runs": runs})
    manifest.update(
        status="partial" if interrupted else ("failed" if failures else "complete"),
        done=len(expected) - len(missing), missing=len(missing), finished=_now(),
        failures=[{"point": f.point, "replication": f.replication, "traceback": f.error}
                  for f in failures],
    )
    indices, notes = pd.DataFrame(), []
    if not missing:
        started = time.perf_counter()
        metrics = manifest["metrics"] or _default_metrics(runs, space)
        means = runs.groupby("point")[metrics].mean().reindex(range(design.points))
        indices, notes = analyse(space, design, means, metrics,
                                 _generator(manifest["seed"], "bootstrap"),
                                 manifest["conf_level"])
        bundle.write_tables({"indices": indices})
        manifest["analysed"] = metrics
        manifest["timings"]["analysis"] = time.perf_counter() - started
    manifest["notes"] = notes
    study = Study(bundle.path, manifest, runs, indices, notes)
    if not missing:
        _write_report(study)
    bundle.write_manifest(manifest)
    return study


def _runs_table(space: ParameterSpace, design: Design, records: list[Record]) -> pd.DataFrame:
    rows = []
    for record in records:
        values = space.values(design.matrix[record.point])
        rows.append({"point": record.point, "replication": record.replication, **values,
                     **(record.metrics or {})})
    columns = ["point", "replication", *space.paths]
    table = pd.DataFrame(rows, columns=None if rows else columns)
    return table.sort_values(["point", "replication"], kind="stable").reset_index(drop=True)


def _default_metrics(runs: pd.DataFrame, space: ParameterSpace) -> list[str]:
    present = [m for m in DEFAULT_METRICS if m in runs.columns]
    if present:
        return present[:4]
    fixed = {"point", "replication", *space.paths}
    return [c for c in runs.columns if c not in fixed][:4]


def _write_report(study: Study) -> None:
    """Figures and report.html; a failure is noted, never fatal (the tables are written)."""
    from explore.report import write_study_report

    started = time.perf_counter()
    try:
        write_study_report(study)
    except Exception as error:
        log.debug("report failed", exc_info=True)
        study.notes.append(f"report not written: {error}")
    study.manifest["timings"]["figures_and_report"] = time.perf_counter() - started


def _version() -> str:
    from sim import __version__

    return __version__


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
