"""The simulation engine: random streams, the event loop and event recording.

The engine knows no model. It gives a replication one independent random
stream per purpose, derived from the replication's ``SeedSequence`` by a stable
key, so adding a new purpose never shifts the numbers of another; it runs a
SimPy environment to a horizon (``run_until``); and it keeps a compact log of
what happened when a run asks for events.
"""

from __future__ import annotations

import heapq
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import simpy

_NORMAL = 1  # SimPy's priority of an ordinary event (``simpy.core.NORMAL``)

__all__ = ["EventLog", "Streams", "call_at", "replication_seed", "run_until"]


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The seed sequence of replication ``replication`` of master seed ``seed``.

    Equal to ``SeedSequence(seed).spawn(replication + 1)[replication]``, but
    derived directly, so it never depends on how many replications run, on
    the number of workers or on the order in which they finish.
    """
    return np.random.SeedSequence(seed, spawn_key=(replication,))


def run_until(env: simpy.Environment, until: float) -> None:
    """Process every event scheduled before ``until``, then set the clock to ``until``.

    The same events in the same order as ``env.run(until=until)``, in a
    tighter loop: SimPy's ``run`` calls ``step`` once per event inside a
    ``try`` and stops at an extra event of its own, which costs about as much
    as a small model's own work per event. A failed event that nothing
    defused raises its exception, as in SimPy.
    """
    if until <= env.now:
        raise ValueError(f"until ({until}) must be greater than the current time ({env.now})")
    queue, pop = env._queue, heapq.heappop
    while queue and queue[0][0] < until:
        env._now, _, _, event = pop(queue)
        callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            failure = event._value
            raise type(failure)(*failure.args) from failure
    env._now = until


def call_at(env: simpy.Environment, time: float, callback) -> None:
    """Call ``callback(event)`` at week ``time`` exactly, as a timeout's event would be.

    ``env.timeout(time - env.now)`` would fire at ``now + (time - now)``,
    which rounding can move off ``time``; this schedules the event at ``time``
    itself, after the events already due then (SimPy's normal priority, in
    the order of scheduling).
    """
    if time < env.now:
        raise ValueError(f"time ({time}) is before the current time ({env.now})")
    event = env.event()
    event._ok, event._value = True, None
    event.callbacks.append(callback)  # type: ignore[union-attr]
    heapq.heappush(env._queue, (time, _NORMAL, next(env._eid), event))  # type: ignore[attr-defined]


class Streams:
    """Independent random generators, one per named purpose.

    >>> streams = Streams(np.random.SeedSequence(1))
    >>> a = streams["orders"].random()
    >>> Streams(np.random.SeedSequence(1))["orders"].random() == a
    True
    """

    def __init__(self, seed: np.random.SeedSequence):
        self._seed = seed
        self._generators: dict[str, np.random.Generator] = {}

    def __getitem__(self, purpose: str) -> np.random.Generator:
        generator = self._generators.get(purpose)
        if generator is None:
            key = zlib.crc32(purpose.encode())
            child = np.random.SeedSequence(
                self._seed.entropy, spawn_key=(*self._seed.spawn_key, key)
            )
            generator = self._generators[purpose] = np.random.default_rng(child)
        return generator


class EventLog:
    """Records events as rows when enabled, and costs nothing when not.

    Each row is a mapping of column to value; ``frame`` turns the rows into a
    table whose columns are the union of the keys, in first-seen order.
    """

    def __init__(self, enabled: bool, columns: Iterable[str] = ()):
        self.enabled = enabled
        self._columns = list(columns)
        self._rows: list[dict] = []

    def record(self, **row) -> None:
        """Append one event (ignored unless the log is enabled)."""
        if self.enabled:
            self._rows.append(row)

    def __len__(self) -> int:
        return len(self._rows)

    def frame(self) -> pd.DataFrame:
        """The recorded events as a DataFrame."""
        columns = list(self._columns)
        for row in self._rows:
            for key in row:
                if key not in columns:
                    columns.append(key)
        return pd.DataFrame(self._rows, columns=columns)
