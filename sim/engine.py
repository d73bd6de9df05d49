"""The simulation engine: random streams and event recording.

The engine knows no model. It gives a replication one independent random
stream per purpose, derived from the replication's ``SeedSequence`` by a stable
key, so adding a new purpose never shifts the numbers of another, and it keeps a
compact log of what happened when a run asks for events.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["EventLog", "Streams", "replication_seed"]


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The seed sequence of replication ``replication`` of master seed ``seed``.

    Equal to ``SeedSequence(seed).spawn(replication + 1)[replication]``, but
    derived directly, so it never depends on how many replications run, on
    the number of workers or on the order in which they finish.
    """
    return np.random.SeedSequence(seed, spawn_key=(replication,))


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
