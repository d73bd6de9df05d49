"""Where replications run: in this process, in local worker processes, or on Dask.

:func:`outcomes` yields each replication's outcome as it finishes, whatever
runs it, and turns Ctrl-C into a :class:`~sim.pool.Stop`: the first stops
starting replications (running ones finish and are kept), the second cancels
the running ones. Either way the iteration ends by raising KeyboardInterrupt,
so the caller keeps what finished and marks the run partial.

Stopping a replication: local worker processes are killed
(:class:`~sim.pool.WorkerPool`). A Dask task cannot be killed from outside
once it runs, so each replication on Dask is watched from inside its task by
a thread (:func:`_on_dask_worker`): when the replication passes its time limit,
or its task is cancelled (over time, or the second Ctrl-C), the watcher raises
an exception in the replication's thread, which ends at its next Python
instruction and frees the worker for the next replication. A replication
stuck in one long call of compiled code ends when that call returns; the run
has already counted it as failed and does not wait for it.
"""

from __future__ import annotations

import ctypes
import functools
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from contextlib import contextmanager

from sim.pool import PoolError, Stop, WorkerPool

__all__ = ["ExecutorError", "connect", "outcomes"]


class ExecutorError(Exception):
    """The executor asked for cannot run replications (missing extra, unreachable scheduler)."""


@contextmanager
def connect(kind: str, workers: int, scheduler: str | None) -> Iterator[Executor | None]:
    """The Dask executor of a run (None for ``local``); connects before anything is written."""
    if kind == "local":
        if scheduler:
            raise ExecutorError("--scheduler needs --executor dask")
        yield None
    elif kind == "dask":
        with _dask_client(workers, scheduler) as client:
            yield client.get_executor(pure=False)
    else:
        raise ExecutorError(f"unknown executor {kind!r}; use 'local' or 'dask'")


@contextmanager
def _dask_client(workers: int, scheduler: str | None):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ExecutorError(
            "the dask executor needs dask.distributed: pip install 'dyadsim[dask]'"
        ) from None
    if scheduler:
        try:
            client = Client(scheduler)  # waits distributed.comm.timeouts.connect (30 s)
        except Exception as error:  # OSError, TimeoutError, ValueError for a bad address ...
            reason = " ".join(str(error).split()) or type(error).__name__
            raise ExecutorError(
                f"cannot connect to the Dask scheduler at {scheduler}: {reason}"
            ) from None
        with client:
            yield client
        return
    # No dashboard, and the scheduler's small web server on a free port: the usual
    # 8787 may be taken by another cluster on a shared machine (a warning, then).
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None,
                      scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
                      ) as cluster, Client(cluster) as client:
        yield client


def outcomes(task: Callable, todo: list[int], failure: Callable[[int, str], object], *,
             workers: int, dask: Executor | None, timeout: float | None,
             pool: WorkerPool | None = None) -> Iterator[object]:
    """Yield ``task(replication)`` for each of ``todo`` as it finishes (see the module docstring).

    ``failure(replication, message)`` is the outcome of a replication lost with
    its worker or stopped by ``timeout`` (seconds). Local runs use ``pool``
    (shared by several runs) when given, else worker processes of their own.
    """
    if not todo:
        return
    if dask is None and timeout is None and (workers == 1 or len(todo) == 1):
        for replication in todo:  # Ctrl-C interrupts the replication itself
            yield task(replication)
        return
    with _interrupt_flags() as stop:
        if dask is None:
            pool = pool or WorkerPool(task, workers, failure, timeout)
            try:
                yield from pool.outcomes(todo, stop, task, timeout)
            except PoolError as error:
                raise ExecutorError(str(error)) from None
        else:
            watched = functools.partial(_on_dask_worker, task, failure, timeout)
            yield from _futures(dask, watched, todo, failure, workers, timeout, stop)


def _futures(executor: Executor, task, todo, failure, workers, timeout, stop: Stop):
    """Run on a ``concurrent.futures`` executor, ``workers`` replications in flight.

    A replication over ``timeout`` (counted from its submission) is reported as
    failed and its task cancelled, which stops it on its worker
    (:func:`_on_dask_worker`).
    """
    queue = list(reversed(todo))
    running: dict = {}
    try:
        while queue or running:
            if stop.cancelling.is_set():
                break
            if stop.stopping.is_set():
                queue.clear()
                stop.notice(len(running))
            while queue and len(running) < workers:
                replication = queue.pop()
                running[executor.submit(task, replication)] = (replication, time.monotonic())
            finished, _ = wait(list(running), timeout=0.2, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: running[f][0]):
                replication, _ = running.pop(future)
                try:
                    yield future.result()
                except Exception as error:  # a lost worker, a cancelled task ...
                    yield failure(replication, f"{type(error).__name__}: {error}")
            now = time.monotonic()
            for future, (replication, started) in list(running.items()):
                if timeout is not None and now - started > timeout:
                    future.cancel()
                    del running[future]
                    yield failure(replication, f"TimeoutError: ran longer than {timeout:g} s "
                                               "(the time limit of a replication)")
        if stop.stopping.is_set():
            raise KeyboardInterrupt
    finally:
        for future in running:
            future.cancel()


WATCH_EVERY = 0.1
"""Seconds between two looks of a Dask replication's watcher at its deadline and its task."""


class _Stopped(BaseException):
    """Raised inside a replication on a Dask worker to end it.

    A BaseException, so that no ``except Exception`` on the way (the runner's
    own, which records a failure) takes it for an error of the model.
    """


def _on_dask_worker(task: Callable, failure: Callable[[int, str], object],
                    timeout: float | None, replication: int) -> object:
    """``task(replication)`` on a Dask worker, ended at ``timeout`` seconds or when cancelled."""
    watcher = _Watcher(threading.get_ident(), timeout, _cancelled_check())
    try:
        try:
            watcher.start()
            return task(replication)
        finally:
            watcher.finish()
    except _Stopped:
        return failure(replication, watcher.reason)


class _Watcher(threading.Thread):
    """Ends the replication running in thread ``target`` when its time is up or it is cancelled."""

    def __init__(self, target: int, timeout: float | None, cancelled: Callable[[], bool]):
        super().__init__(name="dyadsim-replication-watcher", daemon=True)
        self.target = target
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.timeout = timeout
        self.cancelled = cancelled
        self.reason = ""
        self._lock = threading.Lock()
        self._finished = threading.Event()

    def run(self) -> None:
        while not self._finished.wait(WATCH_EVERY):
            reason = self._why_stop()
            if reason:
                with self._lock:
                    if not self._finished.is_set():
                        self.reason = reason
                        _raise_in(self.target, _Stopped)
                return

    def _why_stop(self) -> str:
        if self.deadline is not None and time.monotonic() > self.deadline:
            return (f"TimeoutError: ran longer than {self.timeout:g} s "
                    "(the time limit of a replication)")
        return "CancelledError: the run cancelled this replication" if self.cancelled() else ""

    def finish(self) -> None:
        """The replication has returned: no stop may reach its thread any more."""
        with self._lock:
            self._finished.set()
            _raise_in(self.target, None)  # withdraw a stop raised too late to land


def _raise_in(thread: int, exception: type[BaseException] | None) -> None:
    """Raise ``exception`` in ``thread`` at its next Python instruction (None withdraws it)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), None if exception is None else ctypes.py_object(exception))


def _cancelled_check() -> Callable[[], bool]:
    """Whether the Dask task running in this thread has been cancelled (False off Dask)."""
    try:
        from distributed import get_worker
        from distributed.worker import thread_state

        worker, key = get_worker(), thread_state.key
    except (ImportError, ValueError, AttributeError):
        return lambda: False

    def cancelled() -> bool:
        try:
            state = worker.state.tasks.get(key)
        except Exception:  # a worker's internals differ between releases: time limit only
            return False
        return state is None or state.state in ("cancelled", "released", "forgotten")

    return cancelled


@contextmanager
def _interrupt_flags() -> Iterator[Stop]:
    """Turn Ctrl-C into :class:`Stop` flags while replications run elsewhere."""
    stop = Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: stop.interrupt())
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)
