"""Evaluating every point x replication of a study, keeping what finished.

Each task (one point, one replication) runs where the runner runs
replications (:func:`sim.executors.outcomes`: this process, local worker
processes or a Dask cluster, with the same Ctrl-C handling, lost-worker
recovery and time limits) and comes back as a :class:`Record`: the
replication's metrics, or the reason it failed. Records are appended to the
study's journal (``runs.jsonl``, one JSON line each, flushed as they
arrive), so Ctrl-C keeps every finished task and resuming runs only the
missing and the failed ones. A failing task is recorded and the others go
on. Results depend only on (point, replication), never on the number of
workers or the order in which tasks finish.
"""

from __future__ import annotations

import functools
import json
import traceback
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from explore.models import Model, PointFailed
from sim.executors import outcomes

__all__ = ["Journal", "Record", "Task", "evaluate_tasks"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Task:
    """One replication at one point of the design."""

    point: int
    replication: int
    values: Mapping[str, float]


@dataclass
class Record:
    """What a task gave: its metrics, or the error that stopped it."""

    point: int
    replication: int
    metrics: dict[str, float] | None = None
    error: str | None = None

    @property
    def key(self) -> tuple[int, int]:
        return (self.point, self.replication)


def evaluate_task(model: Model, task: Task, seed: int) -> Record:
    """Evaluate one task; never raises (a failure comes back with its traceback)."""
    try:
        metrics = model.evaluate(task.values, seed, task.replication)
        return Record(task.point, task.replication, metrics)
    except PointFailed as failure:
        return Record(task.point, task.replication, error=str(failure))
    except Exception:
        return Record(task.point, task.replication, error=traceback.format_exc())


@dataclass
class Journal:
    """The append-only record of finished tasks (``runs.jsonl``)."""

    path: Path
    _handle: object = field(default=None, repr=False)

    def read(self) -> dict[tuple[int, int], Record]:
        """The latest record of each task; a line cut short by a crash is ignored."""
        records: dict[tuple[int, int], Record] = {}
        if not self.path.exists():
            return records
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                data = json.loads(line)
                record = Record(int(data["point"]), int(data["replication"]),
                                data.get("metrics"), data.get("error"))
            except (ValueError, KeyError, TypeError):
                continue
            records[record.key] = record
        return records

    def append(self, record: Record) -> None:
        """Add one record and flush it, so Ctrl-C or a crash of the study never loses it."""
        if self._handle is None:
            self._handle = self.path.open("a", encoding="utf-8")
        line = json.dumps({"point": record.point, "replication": record.replication,
                           "metrics": record.metrics, "error": record.error})
        self._handle.write(line + "\n")
        self._handle.flush()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


@dataclass(frozen=True)
class _Evaluate:
    """``task(index)`` for the executor: the tasks travel once to each worker."""

    model: Model
    tasks: tuple[Task, ...]
    seed: int

    def __call__(self, index: int) -> Record:
        return evaluate_task(self.model, self.tasks[index], self.seed)


def _lost(tasks: Sequence[Task], index: int, message: str) -> Record:
    return Record(tasks[index].point, tasks[index].replication, error=message)


def evaluate_tasks(model: Model, tasks: list[Task], seed: int, journal: Journal, *,
                   workers: int = 1, dask: Executor | None = None,
                   timeout: float | None = None, progress: Progress | None = None,
                   already: int = 0, total: int | None = None) -> bool:
    """Evaluate ``tasks``, appending each record to ``journal`` as it arrives.

    ``dask`` is a connected Dask executor (None: local processes, or this
    one with ``workers == 1``); ``timeout`` limits each task (seconds).
    Returns True when Ctrl-C stopped the work (what finished is in the
    journal), False when every task has a record. ``progress(done, total)``
    is called as tasks finish, counting ``already`` finished ones.
    """
    total = already + len(tasks) if total is None else total
    done = already
    if progress:
        progress(done, total)
    batch = tuple(tasks)
    records = outcomes(_Evaluate(model, batch, seed), list(range(len(batch))),
                       functools.partial(_lost, batch), workers=workers, dask=dask,
                       timeout=timeout)
    try:
        for record in records:
            journal.append(record)
            done += 1
            if progress:
                progress(done, total)
    except KeyboardInterrupt:
        return True
    finally:
        records.close()
        journal.close()
    return False
