"""Reading what a run produced: the bundle's tables, its horizon and pair durations.

Every analysis function takes either :class:`sim.results.Results` or the path
of a results bundle. Only the bundle's tables are read; model internals never
are, so the functions work for any model whose tables carry the columns they
need and quietly return nothing when a column is missing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.results import Results, load_results
from sim.units import WEEKS_PER_YEAR

__all__ = [
    "STAGE_WORDS",
    "WEEKS_PER_YEAR",
    "Source",
    "as_results",
    "durations",
    "end_reasons_of",
    "ended",
    "has_columns",
    "horizon",
    "model_of",
    "scenario_name",
    "stage_label",
    "stage_rank",
    "stages_of",
]

Source = Results | str | Path
"""What analysis functions accept: results in memory or the path of a bundle."""


def as_results(source: Source) -> Results:
    """The results of ``source`` (a :class:`Results`, or a bundle folder to read)."""
    if isinstance(source, Results):
        return source
    return load_results(Path(source))


def has_columns(table: pd.DataFrame | None, *columns: str) -> bool:
    """True when ``table`` exists, has rows and holds every one of ``columns``."""
    return table is not None and len(table) > 0 and all(c in table.columns for c in columns)


def model_of(results: Results) -> str:
    """The model that produced ``results`` (``lifecycle``, ``markov`` ...), or ``''``."""
    manifest = results.manifest or {}
    return str(manifest.get("model") or manifest.get("scenario", {}).get("model") or "")


def scenario_name(results: Results) -> str:
    """The scenario's name as written in its file (or the bundle folder's name)."""
    scenario = (results.manifest or {}).get("scenario", {})
    if scenario.get("name"):
        return str(scenario["name"])
    return results.path.name if results.path is not None else "scenario"


def horizon(results: Results) -> float:
    """The simulated time of each replication (weeks), from the resolved scenario."""
    scenario = (results.manifest or {}).get("scenario", {})
    value = scenario.get("horizon")
    if value is not None:
        return float(value)
    if has_columns(results.timeseries, "time"):
        return float(results.timeseries["time"].max())
    return float("nan")


def stages_of(results: Results) -> tuple[str, ...]:
    """The model's stages in the order a relationship lives through them, from the manifest.

    The model writes its vocabulary into ``manifest.json`` (``vocabulary``);
    analysis reads it there and keeps no copy. Empty for a model without
    stages (or a bundle written without a vocabulary).

    >>> stages_of(Results({"vocabulary": {"stages": ["pre", "early"]}}, None, None))
    ('pre', 'early')
    """
    return tuple((results.manifest or {}).get("vocabulary", {}).get("stages", ()))


def end_reasons_of(results: Results) -> tuple[str, ...]:
    """Why the model's relationships can end, in its own order, from the manifest."""
    return tuple((results.manifest or {}).get("vocabulary", {}).get("end_reasons", ()))


def claims_cited(results: Results, text: str) -> list[str]:
    """Each claim code ``text`` cites (``C11``), explained from the manifest's vocabulary.

    >>> results = Results({"vocabulary": {"claims": ["C11 lost interest misses requirements"]}},
    ...                   None, None)
    >>> claims_cited(results, "competitors win the accounts (C11).")
    ['C11: lost interest misses requirements']
    """
    known = dict(item.split(" ", 1) for item in
                 (results.manifest or {}).get("vocabulary", {}).get("claims", ()))
    cited = dict.fromkeys(re.findall(r"\bC\d+\b", text))
    return [f"{code}: {known[code]}" for code in cited if code in known]


STAGE_WORDS = {"pre": "pre-relationship", "long_term": "long-term"}
"""How people write the stage names that are not plain words."""


def ended(pairs: pd.DataFrame) -> np.ndarray:
    """Which relationships ended before the horizon: an end reason, and not censored.

    >>> ended(pd.DataFrame({"end_reason": ["distance", None, "", "neglect"],
    ...                     "censored": [False, True, False, True]})).tolist()
    [True, False, False, False]
    """
    reason = pairs["end_reason"].astype("string")
    done = (reason.notna() & (reason != "")).to_numpy(dtype=bool)
    if "censored" in pairs.columns:
        done &= ~pairs["censored"].fillna(False).astype(bool).to_numpy()
    return done


def stage_label(stage: str) -> str:
    """A stage's name as people write it (``long_term`` is ``long-term``).

    >>> stage_label("long_term"), stage_label("early")
    ('long-term', 'early')
    """
    return STAGE_WORDS.get(stage, stage.replace("_", " "))


def stage_rank(stages: pd.Series, order: Sequence[str]) -> pd.Series:
    """Position of each stage in ``order`` (0 for the first); -1 for unknown or missing."""
    rank = {stage: position for position, stage in enumerate(order)}
    return stages.map(rank).fillna(-1).astype(int)


def durations(results: Results, began_only: bool = True) -> pd.DataFrame | None:
    """How long each pair lasted, and whether the horizon cut it short.

    Returns one row per pair with ``replication``, ``duration`` (weeks for the
    lifecycle model, periods for the Markov model), ``censored`` (still active
    at the end of the run) and, when known, ``furthest_stage`` and
    ``end_stage``. A censored pair's duration is the time it was observed, from
    its start to the horizon. ``began_only`` keeps the relationships that got
    past the pre-relationship stage (reached ``early``): a contact that never
    became a relationship has no life to measure. None when the pairs table
    has no timing columns.
    """
    pairs = results.pairs
    if has_columns(pairs, "start", "end"):
        end = pd.to_numeric(pairs["end"], errors="coerce")
        censored = (pairs["censored"].fillna(end.isna()).astype(bool)
                    if "censored" in pairs.columns else end.isna())
        stop = end.where(~censored, horizon(results))
        start = pd.to_numeric(pairs["start"], errors="coerce")
        table = pd.DataFrame({
            "replication": _replications(pairs).to_numpy(),
            "duration": (stop - start).clip(lower=0).to_numpy(),
            "censored": censored.to_numpy(),
        })
        for column in ("furthest_stage", "end_stage"):
            if column in pairs.columns:
                table[column] = pairs[column].astype("string").to_numpy()
        stages = stages_of(results)
        if began_only and stages and "furthest_stage" in pairs.columns:
            table = table[stage_rank(pairs["furthest_stage"], stages).to_numpy() >= 1]
        return table.dropna(subset=["duration"]).reset_index(drop=True)
    if has_columns(pairs, "periods_to_absorption"):
        absorbed = pd.to_numeric(pairs["periods_to_absorption"], errors="coerce")
        observed = _periods_observed(results)
        replication = _replications(pairs)
        follow_up = replication.map(observed) if observed is not None else np.nan
        return pd.DataFrame({
            "replication": replication.to_numpy(),
            "duration": absorbed.reset_index(drop=True).fillna(follow_up).to_numpy(),
            "censored": absorbed.isna().to_numpy(),
        }).dropna(subset=["duration"]).reset_index(drop=True)
    return None


def _replications(table: pd.DataFrame) -> pd.Series:
    if "replication" in table.columns:
        return table["replication"].astype(int).reset_index(drop=True)
    return pd.Series(np.zeros(len(table), dtype=int))


def _periods_observed(results: Results) -> pd.Series | None:
    """Periods each Markov replication ran (its customers are followed that long)."""
    series = results.timeseries
    if not has_columns(series, "period"):
        return None
    return series.groupby(_replications(series).to_numpy())["period"].max() + 1
