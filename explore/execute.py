"""Evaluating every point x replication of a study, keeping what finished.

Each task (one point, one replication) goes through the runner's executor (a
local process pool, or a Dask cluster) and comes back as a :class:`Record`:
the replication's metrics, or the traceback of its failure. Records are
appended to the study's journal (``runs.jsonl``, one JSON line each, flushed
as they arrive), so Ctrl-C keeps every finished task and resuming runs only
the missing and the failed ones. A failing task is recorded and the others go
on. Results depend only on (point, replication), never on the number of
workers or the order in which tasks finish.
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass, field
from pathlib import Path

from explore.models import Model, PointFailed

# The runner's pool (spawned workers that leave Ctrl-C to the parent, or a Dask
# client) and its Ctrl-C handling, so a study stops and scales as a run does.
from sim.runner import _executor, _interrupt_flag

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


def evaluate_tasks(model: Model, tasks: list[Task], seed: int, journal: Journal, *,
                   workers: int | None = None, executor: str = "local",
                   scheduler: str | None = None, progress: Progress | None = None,
                   already: int = 0, total: int | None = None) -> bool:
    """Evaluate ``tasks``, appending each record to ``journal`` as it arrives.

    Returns True when Ctrl-C stopped the work (what finished is in the
    journal), False when every task has a record. ``progress(done, total)``
    is called as tasks finish, counting ``already`` finished ones.
    """
    total = already + len(tasks) if total is None else total
    done = already
    if progress:
        progress(done, total)
    records = _records(model, tasks, seed, workers, executor, scheduler)
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


def _records(model, tasks: list[Task], seed, workers, executor, scheduler) -> Iterator[Record]:
    if not tasks:
        return
    workers = workers or os.cpu_count() or 1
    if executor == "local" and (workers == 1 or len(tasks) == 1):
        for task in tasks:
            yield evaluate_task(model, task, seed)
        return
    with _executor(executor, workers, scheduler) as pool, _interrupt_flag() as interrupted:
        pending = {pool.submit(evaluate_task, model, task, seed) for task in tasks}
        stopping = False
        try:
            while pending:
                finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                yield from _in_order(f.result() for f in finished if not f.cancelled())
                if interrupted.is_set() and not stopping:
                    # Tasks already running finish and are kept; the rest never start.
                    stopping = True
                    pending = {future for future in pending if not future.cancel()}
            if stopping:
                raise KeyboardInterrupt
        finally:
            for future in pending:
                future.cancel()


def _in_order(records: Iterable[Record]) -> list[Record]:
    return sorted(records, key=lambda record: record.key)
