"""What the lifecycle reproductions share: run sizes, the baseline run, and measures on pairs.

A relationship's age runs from its first trial order (``t_early``): a
contact that never got past the pre-relationship stage has no life to
measure. The stages' hazards are endings per week spent in the stage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reproduce.framework import Context
from sim.units import WEEKS_PER_YEAR

__all__ = [
    "BOOTSTRAP_SEED",
    "SEED",
    "WEEKS_PER_YEAR",
    "baseline",
    "began",
    "dissolution_exposure",
    "horizon_of",
    "replications",
    "run",
    "snapshot",
    "stage_hazards",
]

SEED = 50000
"""Master seed of every lifecycle run of the reproductions (common random numbers)."""
_NEXT = {"early": "t_development", "development": "t_long_term", "long_term": "t_final"}
BOOTSTRAP_SEED = 20240601
"""Seed of the reproductions' resampling of seeds (:func:`analysis.stats.pooled_interval`)."""


def replications(context: Context) -> int:
    """Seeds of a lifecycle scenario: 12 in a quick run, 20 in a full one."""
    return context.settings.pick(12, 20)


def run(context: Context, scenario: str, overrides=(), events: bool = False, *, scale: int = 1):
    """A bundled lifecycle scenario run at the shared seed (cached across reproductions).

    ``scale`` multiplies the seeds, for a statement whose effect is small
    against its seed-to-seed noise.
    """
    return context.run(scenario, replications=replications(context) * scale, seed=SEED,
                       overrides=tuple(overrides), events=events)


def baseline(context: Context):
    """The bundled baseline, with events (stage changes, adaptations, episodes)."""
    return run(context, "baseline", events=True)


def horizon_of(results) -> float:
    """The run's horizon (weeks)."""
    from sim.units import parse_duration

    return parse_duration(results.manifest["scenario"]["horizon"])


def began(pairs: pd.DataFrame) -> pd.DataFrame:
    """Relationships that got past pre (had a first trial order), with their ``age`` (weeks)."""
    started = pairs[pairs["t_early"].notna()].copy()
    started["age"] = started["end"] - started["t_early"]
    return started


def dissolution_exposure(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per replication: ``endings`` of begun relationships and their ``exposure`` (weeks lived).

    A replication in which no relationship began has a row of zeros, so tables
    of runs with the same seeds line up.
    """
    started = began(pairs)
    grouped = started.assign(ended=~started["censored"]).groupby("replication")
    table = pd.DataFrame({"endings": grouped["ended"].sum().astype(float),
                          "exposure": grouped["age"].sum().astype(float)})
    seeds = pd.Index(np.sort(pairs["replication"].unique()), name="replication")
    return table.reindex(seeds, fill_value=0.0)


def stage_hazards(pairs: pd.DataFrame, stages=("early", "development", "long_term")):
    """Per replication and stage: endings in the stage, weeks spent in it, and their ratio."""
    rows = []
    for replication, group in pairs.groupby("replication"):
        for stage in stages:
            entered = group[group[f"t_{stage}"].notna()]
            leave = entered[_NEXT[stage]] if stage in _NEXT else entered["end"]
            stop = leave.fillna(entered["end"])
            exposure = float((stop - entered[f"t_{stage}"]).sum())
            endings = int(((~entered["censored"]) & (entered["end_stage"] == stage)).sum())
            rows.append((replication, stage, endings, exposure,
                         endings / exposure if exposure > 0 else np.nan))
    return pd.DataFrame(rows, columns=["replication", "stage", "endings", "exposure", "hazard"])


def snapshot(results, time: float) -> pd.DataFrame:
    """Relationships active at ``time`` (weeks) that had begun, with their state then.

    Events record commitment at stage changes and adaptations (not at every
    order), so the state is the one after the pair's last such event before
    ``time``: ``commitment_after``, ``trust_after`` and its ``stage`` then.
    ``left_within`` says whether the relationship ended in the following year.
    """
    pairs, events = results.pairs, results.events
    live = pairs[(pairs["t_early"] < time) & (pairs["end"] > time)]
    marks = events[events["commitment_after"].notna() & (events["time"] <= time)]
    marks = marks.assign(stage=marks["new_stage"].where(marks["kind"] == "stage_change",
                                                         marks["stage"]))
    last = (marks.sort_values("time", kind="stable")
            .groupby(["replication", "buyer", "supplier"], sort=False).tail(1)
            [["replication", "buyer", "supplier", "trust_after", "commitment_after", "stage"]])
    merged = live.merge(last, on=["replication", "buyer", "supplier"], how="inner")
    merged["left_within"] = (~merged["censored"]) & (merged["end"] <= time + WEEKS_PER_YEAR)
    return merged
