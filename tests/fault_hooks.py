"""Replications that misbehave, for the fault tests.

Worker processes import this module by name (the tests put it in place of
``sim.runner.run_replication``), so it must stay importable from ``tests/``.
A replication's behaviour is chosen by its number; ``MARKER`` files tell the
test when a replication has started.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from sim.runner import run_replication


def wait_for(condition, seconds: float = 60.0) -> None:
    """Wait until ``condition()`` holds; fail after ``seconds`` rather than hang the suite."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        time.sleep(0.05)


def marker_folder(tmp_path: Path, monkeypatch) -> Path:
    """A fresh folder for the ``MARKER`` files, named to the replications by the environment."""
    folder = tmp_path / "markers"
    folder.mkdir()
    monkeypatch.setenv("DYADSIM_TEST_MARKERS", str(folder))
    return folder


def killed_in_replication_1(scenario, seed, replication, events):
    """Replication 1 dies as the out-of-memory killer would end it."""
    if replication == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return run_replication(scenario, seed, replication, events)


def hangs_in_replication_1(scenario, seed, replication, events):
    """Replication 1 does not end by itself (for two minutes); it leaves a marker file first.

    The marker is named after its process. When something ends the replication
    without killing its process (a Dask worker's thread is stopped), it leaves
    a ``stopped-`` marker too.
    """
    if replication == 1:
        folder = Path(os.environ["DYADSIM_TEST_MARKERS"])
        (folder / f"hanging-{os.getpid()}").write_text("")
        give_up = time.monotonic() + 120  # a bound, so a regression fails instead of hanging
        try:
            while time.monotonic() < give_up:
                time.sleep(0.02)
        finally:
            (folder / f"stopped-{os.getpid()}").write_text("")
    return run_replication(scenario, seed, replication, events)


def slow_in_replication_1(scenario, seed, replication, events):
    """Replication 1 takes a second longer than the others; it leaves a marker when it starts."""
    if replication == 1:
        folder = Path(os.environ["DYADSIM_TEST_MARKERS"])
        (folder / f"slow-{os.getpid()}").write_text("")
        time.sleep(1.0)
    return run_replication(scenario, seed, replication, events)


def exits_on_start(conn, task, parent):
    """A worker that ends before it can run anything (a script without a main guard)."""
    raise SystemExit(3)
