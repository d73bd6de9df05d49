"""Where replications run: in this process, in local worker processes, or on Dask.

:func:`outcomes` yields each replication's outcome as it finishes, whatever
runs it, and turns Ctrl-C into a :class:`~sim.pool.Stop`: the first stops
starting replications (running ones finish and are kept), the second cancels
the running ones. Either way the iteration ends by raising KeyboardInterrupt,
so the caller keeps what finished and marks the run partial.
"""

from __future__ import annotations

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
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def outcomes(task: Callable, todo: list[int], failure: Callable[[int, str], object], *,
             workers: int, dask: Executor | None, timeout: float | None) -> Iterator[object]:
    """Yield ``task(replication)`` for each of ``todo`` as it finishes (see the module docstring).

    ``failure(replication, message)`` is the outcome of a replication lost with
    its worker or stopped by ``timeout`` (seconds).
    """
    if not todo:
        return
    if dask is None and timeout is None and (workers == 1 or len(todo) == 1):
        for replication in todo:  # Ctrl-C interrupts the replication itself
            yield task(replication)
        return
    with _interrupt_flags() as stop:
        if dask is None:
            pool = WorkerPool(task, workers, failure, timeout)
            try:
                yield from pool.outcomes(todo, stop)
            except PoolError as error:
                raise ExecutorError(str(error)) from None
        else:
            yield from _futures(dask, task, todo, failure, workers, timeout, stop)


def _futures(executor: Executor, task, todo, failure, workers, timeout, stop: Stop):
    """Run on a ``concurrent.futures`` executor, ``workers`` replications in flight.

    A replication over ``timeout`` is reported as failed and its task cancelled,
    but Dask cannot stop a task that has started: its worker thread stays busy
    until the cluster closes, so on a small cluster later replications can time
    out behind it. Local worker processes (:class:`~sim.pool.WorkerPool`) are
    killed instead and do not have this limit.
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
