"""Tables of relationship outcomes from a bundle's tables, each with its uncertainty.

How far relationships get (:func:`funnel`), why and where they end
(:func:`end_reasons`), how many are in each stage over time
(:func:`occupancy`, :func:`bands`), attitudes by stage
(:func:`stage_attitudes`) and forecast against realised value
(:func:`calibration`). The intervals come from :mod:`analysis.stats`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import linregress

from analysis.bundle import ended, has_columns, stage_rank
from analysis.stats import mean_interval, mean_with_interval

__all__ = ["bands", "calibration", "end_reasons", "funnel", "occupancy", "stage_attitudes"]


# ---------------------------------------------------------------- stages


def funnel(pairs: pd.DataFrame, stages: Sequence[str],
           confidence: float = 0.95) -> pd.DataFrame | None:
    """Share of pairs that reach each stage, with an interval across replications.

    A pair reaches a stage when its furthest stage is that stage or a later
    one. Each replication gives one share; the table holds their mean and a
    bootstrap interval, one row per stage: ``stage``, ``share``, ``low``,
    ``high`` (fractions of all pairs that met), ``pairs`` (total reaching it).
    ``stages`` are the model's, in order (:func:`analysis.bundle.stages_of`).
    None without a ``furthest_stage`` column or without stages.
    """
    if not stages or not has_columns(pairs, "furthest_stage"):
        return None
    rank = stage_rank(pairs["furthest_stage"], stages).to_numpy()
    replication = _replication_of(pairs)
    rows = []
    for index, stage in enumerate(stages):
        reached = pd.Series(rank >= index).groupby(replication)
        summary = mean_with_interval(reached.mean().to_numpy(), confidence)
        rows.append({"stage": stage, "share": summary["mean"], "low": summary["low"],
                     "high": summary["high"], "pairs": int(reached.sum().sum())})
    return pd.DataFrame(rows)


def end_reasons(pairs: pd.DataFrame, stages: Sequence[str] = ()) -> pd.DataFrame | None:
    """How many relationships ended in each stage for each reason (all replications).

    Rows are stages (in lifecycle order), columns reasons (most frequent
    first), values counts of ended pairs. Censored pairs are left out. None
    without ``end_stage`` and ``end_reason`` columns.
    """
    if not has_columns(pairs, "end_stage", "end_reason"):
        return None
    done = pairs[ended(pairs)]
    table = pd.crosstab(done["end_stage"].astype(str), done["end_reason"].astype(str))
    order = [s for s in stages if s in table.index] + [s for s in table.index if s not in stages]
    table = table.reindex(order)
    table = table[table.sum().sort_values(ascending=False).index]
    table.index.name, table.columns.name = "stage", "reason"
    return table


def occupancy(timeseries: pd.DataFrame, stages: Sequence[str] = (), prefix: str = "n_",
              low: float = 0.1, high: float = 0.9) -> pd.DataFrame | None:
    """Median and band across replications of the occupancy columns over time.

    The columns are ``prefix<stage>`` for the model's ``stages`` when the table
    has them (other counts such as ``n_buyers`` are not occupancy), else every
    ``prefix*`` column (a Markov model's states). The time column is ``time``
    (weeks), ``period`` or ``day``. Returns a long table with
    ``time``, ``series`` (column name without the prefix), ``median``, ``low``
    and ``high`` (the ``low`` and ``high`` quantiles across replications).
    """
    time = _time_column(timeseries)
    columns = [c for c in timeseries.columns if c.startswith(prefix)] if time else []
    in_stages = [f"{prefix}{stage}" for stage in stages if f"{prefix}{stage}" in columns]
    columns = in_stages or columns
    if not columns:
        return None
    return bands(timeseries, columns, low, high, prefix)


def bands(timeseries: pd.DataFrame, columns, low: float = 0.1, high: float = 0.9,
          prefix: str = "") -> pd.DataFrame | None:
    """Median and ``low``-``high`` quantile band across replications of ``columns`` over time."""
    time = _time_column(timeseries)
    columns = [c for c in columns if c in timeseries.columns]
    if not time or not columns:
        return None
    long = timeseries.melt(id_vars=[time], value_vars=columns, var_name="series")
    grouped = long.groupby([time, "series"], sort=False)["value"]
    table = pd.DataFrame({"median": grouped.median(), "low": grouped.quantile(low),
                          "high": grouped.quantile(high)}).reset_index()
    table = table.rename(columns={time: "time"})
    order = {column: index for index, column in enumerate(columns)}
    table = table.sort_values(["series", "time"], key=lambda c: c.map(order) if c.name ==
                              "series" else c, kind="stable").reset_index(drop=True)
    table["series"] = table["series"].str.removeprefix(prefix)
    return table


def stage_attitudes(results_timeseries: pd.DataFrame | None, pairs: pd.DataFrame | None,
                    stages: Sequence[str], confidence: float = 0.95) -> pd.DataFrame | None:
    """Mean trust, commitment and satisfaction by stage, with intervals across replications.

    From the time series (``trust_<stage>`` ..., averaged over the run) when it
    has them, else from the pairs' final values grouped by the stage they
    ended in. Returns ``variable``, ``stage``, ``mean``, ``low``, ``high``
    (all on the 0-1 scale of the model).
    """
    variables = ("trust", "commitment", "satisfaction")
    rows = []
    if results_timeseries is not None and len(results_timeseries):
        replication = _replication_of(results_timeseries)
        for variable in variables:
            for stage in stages:
                column = f"{variable}_{stage}"
                if column in results_timeseries.columns:
                    per_replication = results_timeseries[column].groupby(replication).mean()
                    rows.append({"variable": variable, "stage": stage,
                                 **mean_with_interval(per_replication, confidence)})
    if not rows and has_columns(pairs, "end_stage"):
        replication = _replication_of(pairs)
        sources = {"trust": ["trust"], "satisfaction": ["satisfaction"],
                   "commitment": ["commitment_buyer", "commitment_supplier", "commitment"]}
        for variable, candidates in sources.items():
            column = next((c for c in candidates if c in pairs.columns), None)
            if column is None:
                continue
            for stage in stages:
                here = pairs["end_stage"].astype(str).to_numpy() == stage
                if here.any():
                    per_replication = pairs.loc[here, column].groupby(replication[here]).mean()
                    rows.append({"variable": variable, "stage": stage,
                                 **mean_with_interval(per_replication, confidence)})
    return pd.DataFrame(rows) if rows else None


# ---------------------------------------------------------------- economics


def calibration(pairs: pd.DataFrame, stages: Sequence[str] = (), bins: int = 10,
                confidence: float = 0.95,
                ended_only: bool = True) -> tuple[pd.DataFrame, dict] | None:
    """Forecast net present value against the value the relationship realised.

    Pairs are grouped into ``bins`` equal-count bins of forecast NPV; each row
    holds the bin's mean ``forecast`` and mean ``realised`` NPV (money), with the
    Student-t interval of the realised mean and the number of ``pairs``.
    ``ended_only`` keeps relationships that ended before the horizon, whose
    realised value is complete (a censored pair's value is cut at the
    horizon). Pairs that never got past the pre-relationship stage are left
    out when the ``stages`` are known: nothing was pursued, so nothing was realised.
    Also returns a summary: ``bias`` (mean forecast minus realised),
    ``correlation`` and the ``slope`` of realised on forecast (1 when
    calibrated). None without ``npv`` and ``npv_forecast``.
    """
    if not has_columns(pairs, "npv", "npv_forecast"):
        return None
    data = pairs
    if stages and "furthest_stage" in pairs.columns:
        pairs = data = pairs[stage_rank(pairs["furthest_stage"], stages).to_numpy() >= 1]
    if ended_only and "censored" in pairs.columns:
        ended = pairs[~pairs["censored"].fillna(False).astype(bool)]
        data = ended if len(ended) >= bins else pairs
    data = data[["npv_forecast", "npv"]].apply(pd.to_numeric, errors="coerce").dropna()
    if len(data) < 3:
        return None
    quantile = pd.qcut(data["npv_forecast"].rank(method="first"), min(bins, len(data)),
                       labels=False)
    grouped = data.groupby(quantile)
    table = pd.DataFrame({
        "forecast": grouped["npv_forecast"].mean(), "realised": grouped["npv"].mean(),
        "pairs": grouped.size(),
    })
    intervals = [mean_interval(values, confidence)[1:] for _, values in grouped["npv"]]
    table["low"], table["high"] = np.array(intervals, dtype=float).reshape(-1, 2).T
    forecast, realised = data["npv_forecast"].to_numpy(), data["npv"].to_numpy()
    varies = np.ptp(forecast) > 0 and np.ptp(realised) > 0
    summary = {
        "pairs": len(data),
        "bias": float(np.mean(forecast - realised)),
        "correlation": float(np.corrcoef(forecast, realised)[0, 1]) if varies else float("nan"),
        "slope": float(linregress(forecast, realised).slope) if varies else float("nan"),
    }
    return table.reset_index(drop=True), summary


# ---------------------------------------------------------------- helpers


def _replication_of(table: pd.DataFrame) -> np.ndarray:
    if "replication" in table.columns:
        return table["replication"].to_numpy()
    return np.zeros(len(table), dtype=int)


def _time_column(timeseries: pd.DataFrame | None) -> str | None:
    if timeseries is None:
        return None
    return next((c for c in ("time", "period", "day") if c in timeseries.columns), None)
