"""Local worker processes for replications: deaths, time limits and stopping.

:class:`WorkerPool` runs one replication at a time in each of its worker
processes and always knows which replication a worker holds, so

- a worker that dies (killed by the out-of-memory killer, a segfault) loses
  only its own replication, which is reported as failed, and a new worker
  takes its place;
- a replication that runs longer than ``timeout`` seconds has its worker
  killed and is reported as failed;
- stopping (see :class:`Stop`) lets running replications finish and starts no
  new one, and cancelling kills the running ones.

Used as a context manager, the pool keeps its idle workers from one call of
:meth:`WorkerPool.outcomes` to the next, so the runs of a sweep or a
comparison share one set of processes (each costs about a second to start and
import the model); each worker is sent a run's task once, then only numbers.

Workers ignore Ctrl-C from the moment they start (the parent decides what an
interrupt means) and never outlive the parent: on Linux the kernel kills them
when it dies (``PR_SET_PDEATHSIG``), elsewhere a thread watches the parent.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import importlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import wait

__all__ = ["PoolError", "Stop", "WorkerPool"]

log = logging.getLogger(__name__)

POLL = 0.2
"""Seconds between checks of the stop flags while waiting on workers."""

STARTUP_DEATHS = 3
"""Workers allowed to die before any has started, before the run gives up."""


class PoolError(Exception):
    """The worker processes cannot run replications at all."""


@dataclass
class Stop:
    """What the user asked: ``stopping`` (first Ctrl-C), ``cancelling`` (second)."""

    stopping: threading.Event = field(default_factory=threading.Event)
    cancelling: threading.Event = field(default_factory=threading.Event)

    announced: bool = False

    def interrupt(self) -> None:
        """One Ctrl-C: stop starting replications, or (the second time) cancel running ones."""
        (self.cancelling if self.stopping.is_set() else self.stopping).set()

    def notice(self, running: int) -> None:
        """Say once (outside the signal handler) what the first Ctrl-C does to ``running``."""
        if self.stopping.is_set() and not self.announced and running:
            self.announced = True
            log.warning("stopping: %d running replications finish and are kept; press Ctrl-C "
                        "again to cancel them", running)


@dataclass
class _Worker:
    process: multiprocessing.Process
    conn: object
    ready: bool = False
    replication: int | None = None
    started: float = 0.0
    task: Callable | None = None


class WorkerPool:
    """Run ``task(replication)`` in ``workers`` processes (see the module docstring).

    ``failure(replication, message)`` builds the outcome reported for a
    replication whose worker died or ran out of time.
    """

    def __init__(self, task: Callable | None, workers: int,
                 failure: Callable[[int, str], object], timeout: float | None = None):
        self.task = task
        self.workers = workers
        self.failure = failure
        self.timeout = timeout
        self.starts = 0
        """Worker processes started so far (replacements of dead ones included)."""
        self._context = multiprocessing.get_context("spawn")
        self._kept: list[_Worker] | None = None

    def __enter__(self) -> WorkerPool:
        self._kept = []
        return self

    def __exit__(self, *exc) -> None:
        kept, self._kept = self._kept or [], None
        for worker in kept:
            _kill(worker)

    def prestart(self, modules: tuple[str, ...] = ()) -> None:
        """Start the workers now (inside ``with``), each importing ``modules`` at once.

        They then import while this process goes on with its own work, instead
        of when the first run needs them.
        """
        if self._kept is None:
            raise RuntimeError("prestart needs the pool as a context manager")
        while len(self._kept) < self.workers:
            self._kept.append(self._start(None, modules))

    def outcomes(self, todo: list[int], stop: Stop, task: Callable | None = None,
                 timeout: float | None = None) -> Iterator[object]:
        """Yield each replication's outcome as it finishes; raise KeyboardInterrupt if stopped.

        ``task`` and ``timeout`` default to the pool's own.
        """
        task = task or self.task
        timeout = self.timeout if timeout is None else timeout
        queue = deque(todo)
        pool = self._take(task, min(self.workers, len(queue)))
        deaths = 0
        try:
            while queue or any(w.replication is not None for w in pool):
                if stop.cancelling.is_set():
                    break
                if stop.stopping.is_set():
                    queue.clear()
                    stop.notice(sum(w.replication is not None for w in pool))
                self._dispatch(pool, queue, task)
                ready = wait([w.conn for w in pool] + [w.process.sentinel for w in pool],
                             timeout=_wait_time(pool, timeout))
                for worker in list(pool):
                    outcome, dead = self._collect(worker, ready)
                    if outcome is not None:
                        yield outcome
                    if dead:
                        pool.remove(worker)
                        deaths += not worker.ready
                        if deaths >= STARTUP_DEATHS and not any(w.ready for w in pool):
                            raise PoolError(_startup_message(worker.process.exitcode))
                        if queue:
                            pool.append(self._start(task))
                for worker in _overdue(pool, timeout):
                    pool.remove(worker)
                    _kill(worker)
                    yield self.failure(worker.replication,
                                       f"TimeoutError: ran longer than {timeout:g} s "
                                       "(the time limit of a replication)")
                    if queue:
                        pool.append(self._start(task))
            if stop.stopping.is_set():
                raise KeyboardInterrupt
        finally:
            self._release(pool, stop)

    def _take(self, task: Callable, count: int) -> list[_Worker]:
        """``count`` workers: kept ones first (alive), then new ones."""
        pool = []
        while self._kept and len(pool) < count:
            worker = self._kept.pop()
            if worker.process.is_alive():
                pool.append(worker)
            else:
                _kill(worker)
        pool.extend(self._start(task) for _ in range(count - len(pool)))
        return pool

    def _release(self, pool: list[_Worker], stop: Stop) -> None:
        """Keep idle workers for the next call (inside ``with``); end the others."""
        for worker in pool:
            idle = worker.replication is None and worker.process.is_alive()
            if self._kept is not None and idle and not stop.stopping.is_set():
                self._kept.append(worker)
            else:
                _kill(worker)

    def _start(self, task: Callable | None, modules: tuple[str, ...] = ()) -> _Worker:
        parent, child = self._context.Pipe()
        preload = (modules,) if modules else ()
        process = self._context.Process(target=_serve, args=(child, task, os.getpid(), *preload),
                                        daemon=True)
        with _interrupts_held():
            process.start()
        self.starts += 1
        child.close()
        return _Worker(process, parent, task=task)

    def _dispatch(self, pool: list[_Worker], queue: deque, task: Callable) -> None:
        for worker in pool:
            if worker.ready and worker.replication is None and queue:
                worker.replication = queue.popleft()
                worker.started = time.monotonic()
                with contextlib.suppress(OSError):  # a dead worker: its sentinel tells the loop
                    if worker.task is not task:  # a kept worker, last used by another run
                        worker.conn.send(("task", task))
                        worker.task = task
                    worker.conn.send(("run", worker.replication))

    def _collect(self, worker: _Worker, ready: list) -> tuple[object | None, bool]:
        """The outcome ``worker`` sent (if any) and whether it has died."""
        if worker.conn not in ready and worker.process.sentinel not in ready:
            return None, False
        try:
            if worker.conn.poll():
                kind, payload = worker.conn.recv()
                if kind == "ready":
                    worker.ready = True
                    return None, False
                worker.replication = None
                return payload, False
        except (EOFError, OSError):
            pass  # died while sending: the replication is lost
        if worker.process.is_alive():
            return None, False
        worker.process.join()
        lost = worker.replication
        worker.conn.close()
        if lost is None:
            return None, True
        return self.failure(lost, f"WorkerDied: {_death(worker.process.exitcode)}"), True



def _wait_time(pool: list[_Worker], timeout: float | None) -> float:
    if timeout is None:
        return POLL
    running = [w.started for w in pool if w.replication is not None]
    if not running:
        return POLL
    left = min(running) + timeout - time.monotonic()
    return max(0.0, min(POLL, left))


def _overdue(pool: list[_Worker], timeout: float | None) -> list[_Worker]:
    if timeout is None:
        return []
    now = time.monotonic()
    return [w for w in pool if w.replication is not None and now - w.started > timeout]


def _kill(worker: _Worker) -> None:
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join()
    worker.conn.close()


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        hint = " (the system may have run out of memory)" if name == "SIGKILL" else ""
        return f"the worker process running it was killed by {name}{hint}"
    return f"the worker process running it exited with code {exitcode}"


def _startup_message(exitcode: int | None) -> str:
    return (f"worker processes stop as they start (exit code {exitcode}); a script that "
            "runs replications needs `if __name__ == '__main__':` around its code")


@contextlib.contextmanager
def _interrupts_held():
    """Start a worker with Ctrl-C ignored and blocked, so it inherits both.

    A Ctrl-C that arrives meanwhile stays pending and reaches the parent's
    handler as soon as the worker has started.
    """
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    handler = None
    if threading.current_thread() is threading.main_thread():
        handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        if handler is not None:
            signal.signal(signal.SIGINT, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _serve(conn, task: Callable | None, parent: int, modules: tuple[str, ...] = ()) -> None:
    """A worker's life: import ``modules``, announce itself, then run replications.

    It receives ``("run", replication)``, or ``("task", task)`` when a kept
    worker moves on to another run, until the pipe closes.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _die_with_parent(parent)
    for module in modules:
        importlib.import_module(module)
    conn.send(("ready", None))
    while True:
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError):
            return
        if kind == "task":
            task = payload
        else:
            conn.send(("done", task(payload)))


def _die_with_parent(parent: int) -> None:
    """Make sure this process ends when ``parent`` does."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        pr_set_pdeathsig = 1
        if libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # the parent died before the request
                os._exit(1)
            return
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
