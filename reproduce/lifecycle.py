"""What the lifecycle reproductions share: run sizes, the baseline run, and measures on pairs.

A relationship's age runs from its first trial order (``t_early``): a
contact that never got past the pre-relationship stage has no life to
measure. The stages' hazards are endings per week spent in the stage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reproduce.framework import Context

__all__ = [
    "ACTIVE_STAGES",
    "SEED",
    "WEEKS_PER_YEAR",
    "baseline",
    "began",
    "cluster_bootstrap",
    "dissolution_exposure",
    "dissolution_hazard",
    "horizon_of",
    "pooled_resamples",
    "replications",
    "run",
    "snapshot",
    "stage_hazards",
]

SEED = 50000
"""Master seed of every lifecycle run of the reproductions (common random numbers)."""
WEEKS_PER_YEAR = 52.0
ACTIVE_STAGES = ("pre", "early", "development", "long_term", "final")
_NEXT = {"early": "t_development", "development": "t_long_term", "long_term": "t_final"}
BOOTSTRAP_SEED = 20240601
BOOTSTRAP_RESAMPLES = 1999


def replications(context: Context) -> int:
    """Seeds of a lifecycle scenario: 12 in a quick run, 20 in a full one."""
    return context.settings.pick(12, 20)


def run(context: Context, scenario: str, overrides=(), events: bool = False):
    """A bundled lifecycle scenario run at the shared seed (cached across reproductions)."""
    return context.run(scenario, replications=replications(context), seed=SEED,
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
    """Per replication: ``endings`` of begun relationships and their ``exposure`` (weeks lived)."""
    started = began(pairs)
    grouped = started.assign(ended=~started["censored"]).groupby("replication")
    return pd.DataFrame({"endings": grouped["ended"].sum().astype(float),
                         "exposure": grouped["age"].sum()})


def dissolution_hazard(pairs: pd.DataFrame) -> pd.Series:
    """Per replication: endings of begun relationships per relationship-week (per week)."""
    table = dissolution_exposure(pairs)
    return table["endings"] / table["exposure"]


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


def pooled_resamples(sums: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pooled means and their bootstrap resamples, resampling whole replications.

    ``sums`` and ``counts`` have one row per replication (and any columns):
    the pooled mean of a column is its total sum over its total count. Pairs
    of one replication share a market, so replications, not pairs, are
    resampled, and every column of a resample takes the same replications
    (common random numbers stay paired). Returns the pooled means, one per
    column (flattened), and an array of ``BOOTSTRAP_RESAMPLES`` rows of them.
    """
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    size = sums.shape[0]
    weights = rng.multinomial(size, np.full(size, 1 / size), size=BOOTSTRAP_RESAMPLES)
    flat_sums, flat_counts = sums.reshape(size, -1), counts.reshape(size, -1)
    with np.errstate(invalid="ignore", divide="ignore"):
        resampled = (weights @ flat_sums) / (weights @ flat_counts)
        mean = flat_sums.sum(axis=0) / flat_counts.sum(axis=0)
    return mean, resampled


def cluster_bootstrap(sums: np.ndarray, counts: np.ndarray,
                      confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pooled means and bootstrap intervals, resampling whole replications.

    See :func:`pooled_resamples`. Returns ``(mean, low, high)``, each shaped
    like one row of ``sums``.
    """
    mean, resampled = pooled_resamples(sums, counts)
    alpha = (1 - confidence) / 2
    low, high = np.nanquantile(resampled, [alpha, 1 - alpha], axis=0)
    shape = sums.shape[1:]
    return mean.reshape(shape), low.reshape(shape), high.reshape(shape)
