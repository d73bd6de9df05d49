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


def killed_in_replication_1(scenario, seed, replication, events):
    """Replication 1 dies as the out-of-memory killer would end it."""
    if replication == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return run_replication(scenario, seed, replication, events)


def hangs_in_replication_1(scenario, seed, replication, events):
    """Replication 1 never ends; it leaves a marker file named after its process first."""
    if replication == 1:
        folder = Path(os.environ["DYADSIM_TEST_MARKERS"])
        (folder / f"hanging-{os.getpid()}").write_text("")
        while True:
            time.sleep(1)
    return run_replication(scenario, seed, replication, events)


def exits_on_start(conn, task, parent):
    """A worker that ends before it can run anything (a script without a main guard)."""
    raise SystemExit(3)
