"""A reproduction context that serves hand-made results instead of running scenarios.

A reproduction's verdict is a function of the tables it reads; with tables
whose answer is known (a hazard that is higher in one stage, a trust that
bends down with age) the verdict logic is tested without a simulation.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from reproduce.framework import Context, Settings
from sim.results import Results

STAGES = ("pre", "early", "development", "long_term", "final")
HORIZON = 520.0
"""The horizon of the bundled lifecycle scenarios (weeks)."""


class StubContext(Context):
    """A :class:`Context` whose runs come from ``make(scenario, overrides, events)``.

    ``calls`` lists every run it was asked to make, in order, as
    ``(scenario, overrides, replications, seed, events)``.
    """

    def __init__(self, make: Callable[[str, tuple, bool], Results], folder: Path,
                 quick: bool = True):
        super().__init__(Settings(quick=quick, figures=Path(folder) / "figures"),
                         runner=self._serve)
        self.make = make
        self.calls: list[tuple] = []

    def _load(self, name, overrides):  # the name stands for the scenario
        return (name, tuple(overrides))

    def _serve(self, scenario, replications, seed, events):
        name, overrides = scenario
        self.calls.append((name, overrides, replications, seed, events))
        return self.make(name, overrides, events)


def manifest(name: str = "baseline") -> dict:
    """The manifest of a run of bundled scenario ``name``: its resolved scenario."""
    return {"scenario": dict(_scenario(name))}


@lru_cache
def _scenario(name: str) -> dict:
    return sim.load_scenario(name).model_dump(mode="json", by_alias=True)


def pair_rows(replication: int, rows: list[dict]) -> pd.DataFrame:
    """Pairs of one replication; stage times absent from a row are NaN, a missing ``censored``
    is False and a missing ``end`` the horizon."""
    frame = pd.DataFrame(rows)
    for stage in STAGES[1:]:
        if f"t_{stage}" not in frame:
            frame[f"t_{stage}"] = np.nan
    frame.insert(0, "replication", replication)
    frame["censored"] = (frame["censored"].fillna(False).astype(bool) if "censored" in frame
                         else False)
    frame["end"] = frame["end"].fillna(HORIZON) if "end" in frame else HORIZON
    return frame


def results(pairs: pd.DataFrame, timeseries: pd.DataFrame | None = None,
            events: pd.DataFrame | None = None, *, scenario: str = "baseline",
            summary: dict | None = None, manifest_data: dict | None = None) -> Results:
    """:class:`Results` holding ``pairs`` (and the rest) of bundled ``scenario``."""
    return Results(manifest_data if manifest_data is not None else manifest(scenario),
                   pairs, timeseries if timeseries is not None else pd.DataFrame(), events,
                   summary or {})
