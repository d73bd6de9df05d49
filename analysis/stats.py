"""Statistics of relationship outcomes, with their uncertainty.

Two kinds of uncertainty appear here. Across replications (funnel shares, key
figures, attitudes by stage) each replication gives one value, replications
are independent, and an interval is a bootstrap interval of their mean
(:func:`bootstrap_interval`). Over pairs (survival, hazard, calibration) the
pairs of all replications are pooled and the interval comes from the
estimator's own variance (Greenwood for Kaplan-Meier, Poisson for hazards).
Confidence levels are fractions (0.95 is a 95% interval).
"""

from __future__ import annotations

import itertools
import logging
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from analysis.bundle import STAGES, has_columns, stage_rank

__all__ = [
    "bootstrap_difference",
    "bootstrap_interval",
    "calibration",
    "end_reasons",
    "funnel",
    "kaplan_meier",
    "life_table_hazard",
    "occupancy",
    "restricted_mean",
    "stage_attitudes",
]

log = logging.getLogger(__name__)

BOOTSTRAP_RESAMPLES = 1999
BOOTSTRAP_SEED = 20240501
"""Bootstrap resampling is seeded so that a report is the same every time it is built."""
MIN_SAMPLE = 3
"""Fewest replications for which an interval is given."""


# ---------------------------------------------------------------- intervals


def bootstrap_interval(values, confidence: float = 0.95, statistic=np.mean) -> tuple[float, float]:
    """Bootstrap interval (BCa, percentile as fallback) of ``statistic`` over ``values``.

    NaN values are dropped. With fewer than :data:`MIN_SAMPLE` values the
    interval is ``(nan, nan)`` (resampling two values cannot say how uncertain
    their mean is); when every value is equal it is that value on both sides.
    """
    sample = np.asarray(values, dtype=float)
    sample = sample[np.isfinite(sample)]
    if sample.size >= 2 and np.ptp(sample) == 0:
        return (float(sample[0]), float(sample[0]))
    if sample.size < MIN_SAMPLE:
        return (float("nan"), float("nan"))
    return _bootstrap((sample,), lambda x, axis: statistic(x, axis=axis), confidence, paired=False)


def bootstrap_difference(first, second, confidence: float = 0.95, *,
                         paired: bool = True) -> tuple[float, float, float]:
    """Mean of ``second`` minus mean of ``first``, with a bootstrap interval.

    ``paired``: the values are matched by position (replication ``i`` of both
    scenarios used the same random numbers), so the differences are resampled
    together, which is what makes common random numbers sharpen a comparison.
    Otherwise the two samples are resampled independently. Returns
    ``(difference, low, high)``.
    """
    a = np.asarray(first, dtype=float)
    b = np.asarray(second, dtype=float)
    if paired:
        keep = np.isfinite(a) & np.isfinite(b)
        delta = b[keep] - a[keep]
        if delta.size == 0:
            return (float("nan"),) * 3
        return (float(delta.mean()), *bootstrap_interval(delta, confidence))
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if a.size == 0 or b.size == 0:
        return (float("nan"),) * 3
    difference = float(b.mean() - a.mean())
    if a.size < MIN_SAMPLE or b.size < MIN_SAMPLE:
        return (difference, float("nan"), float("nan"))
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        return (difference, difference, difference)

    def statistic(x, y, axis):
        return np.mean(y, axis=axis) - np.mean(x, axis=axis)

    return (difference, *_bootstrap((a, b), statistic, confidence, paired=False))


def _bootstrap(samples, statistic, confidence, *, paired) -> tuple[float, float]:
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = stats.bootstrap(
                samples, statistic, vectorized=True, paired=paired,
                confidence_level=confidence, n_resamples=BOOTSTRAP_RESAMPLES,
                method=method, rng=np.random.default_rng(BOOTSTRAP_SEED),
            )
        low, high = result.confidence_interval
        if np.isfinite(low) and np.isfinite(high):
            return (float(low), float(high))
    return (float("nan"), float("nan"))


def _mean_with_interval(values, confidence) -> dict[str, float]:
    sample = np.asarray(values, dtype=float)
    sample = sample[np.isfinite(sample)]
    mean = float(sample.mean()) if sample.size else float("nan")
    low, high = bootstrap_interval(sample, confidence)
    return {"mean": mean, "low": low, "high": high, "replications": int(sample.size)}


# ---------------------------------------------------------------- survival


def kaplan_meier(duration, censored, confidence: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier survival curve with right censoring, and its confidence band.

    ``duration``: how long each relationship was observed (weeks); ``censored``:
    True where it was still active when observation stopped. Uses
    :func:`scipy.stats.ecdf` on :class:`scipy.stats.CensoredData`; the band is
    the exponential Greenwood ("log-log") interval. Returns one row per
    distinct time with ``time``, ``survival``, ``low`` and ``high``, starting
    with ``time = 0, survival = 1``. The curve is a step function: its value
    holds from each time until the next.
    """
    duration = np.asarray(duration, dtype=float)
    censored = np.asarray(censored, dtype=bool)
    keep = np.isfinite(duration)
    duration, censored = duration[keep], censored[keep]
    start = pd.DataFrame({"time": [0.0], "survival": [1.0], "low": [1.0], "high": [1.0]})
    if duration.size == 0:
        return start
    if censored.all():  # nobody ended: survival stays at 1 for as long as anyone was followed
        last = start.assign(time=float(duration.max()))
        return pd.concat([start, last], ignore_index=True)
    data = stats.CensoredData(uncensored=duration[~censored], right=duration[censored])
    curve = stats.ecdf(data).sf
    with warnings.catch_warnings():
        # the band is undefined where survival reaches 0; NaN there is expected
        warnings.simplefilter("ignore", RuntimeWarning)
        band = curve.confidence_interval(confidence, method="log-log")
    table = pd.DataFrame({
        "time": curve.quantiles, "survival": curve.probabilities,
        "low": band.low.probabilities, "high": band.high.probabilities,
    })
    return pd.concat([start, table[table["time"] > 0]], ignore_index=True)


def restricted_mean(duration, censored, limit: float) -> float:
    """Mean relationship duration up to ``limit`` (weeks): the area under the KM curve.

    Unlike the plain mean of observed durations, this is not biased by pairs
    cut short at the horizon.
    """
    curve = kaplan_meier(duration, censored)
    times = np.append(curve["time"].to_numpy(), limit)
    times = np.clip(times, 0, limit)
    return float(np.sum(np.diff(times) * curve["survival"].to_numpy()))


def life_table_hazard(duration, censored, width: float, confidence: float = 0.95,
                      limit: float | None = None) -> pd.DataFrame:
    """Termination hazard by relationship age, per age bin of ``width`` weeks.

    In each bin ``[age, age + width)`` the hazard is the number of endings
    divided by the time at risk spent in the bin (relationship-weeks), the
    maximum-likelihood estimate of a hazard that is constant within the bin.
    Censored relationships add their time at risk but no ending. The interval
    is the exact Poisson (Garwood) interval of the count divided by the
    exposure. Returns ``age_from``, ``age_to``, ``at_risk`` (relationships
    entering the bin), ``endings``, ``exposure`` (weeks), ``hazard``, ``low``
    and ``high`` (per week). Bins go up to ``limit`` (default: the longest
    duration).
    """
    duration = np.asarray(duration, dtype=float)
    censored = np.asarray(censored, dtype=bool)
    keep = np.isfinite(duration)
    duration, ended = duration[keep], ~censored[keep]
    if width <= 0:
        raise ValueError(f"bin width must be positive, got {width}")
    top = float(duration.max()) if limit is None and duration.size else (limit or 0.0)
    edges = np.arange(0.0, top + width, width)
    if edges.size < 2:
        edges = np.array([0.0, width])
    rows = []
    for low_age, high_age in itertools.pairwise(edges):
        inside = duration >= low_age
        time_in_bin = np.clip(duration[inside], low_age, high_age) - low_age
        exposure = float(time_in_bin.sum())
        endings = int(np.sum(ended & inside & (duration < high_age)))
        rate, low, high = _poisson_rate(endings, exposure, confidence)
        rows.append((low_age, high_age, int(inside.sum()), endings, exposure, rate, low, high))
    return pd.DataFrame(rows, columns=["age_from", "age_to", "at_risk", "endings", "exposure",
                                       "hazard", "low", "high"])


def _poisson_rate(count: int, exposure: float, confidence: float) -> tuple[float, float, float]:
    """Rate ``count / exposure`` with its exact (Garwood) Poisson interval."""
    if exposure <= 0:
        return (float("nan"),) * 3
    alpha = 1 - confidence
    low = stats.chi2.ppf(alpha / 2, 2 * count) / 2 if count else 0.0
    high = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return (count / exposure, float(low) / exposure, float(high) / exposure)


# ---------------------------------------------------------------- stages


def funnel(pairs: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame | None:
    """Share of pairs that reach each stage, with an interval across replications.

    A pair reaches a stage when its furthest stage is that stage or a later
    one. Each replication gives one share; the table holds their mean and a
    bootstrap interval, one row per stage: ``stage``, ``share``, ``low``,
    ``high`` (fractions of all pairs that met), ``pairs`` (total reaching it).
    None without a ``furthest_stage`` column.
    """
    if not has_columns(pairs, "furthest_stage"):
        return None
    rank = stage_rank(pairs["furthest_stage"]).to_numpy()
    replication = _replication_of(pairs)
    rows = []
    for index, stage in enumerate(STAGES):
        reached = pd.Series(rank >= index).groupby(replication)
        summary = _mean_with_interval(reached.mean().to_numpy(), confidence)
        rows.append({"stage": stage, "share": summary["mean"], "low": summary["low"],
                     "high": summary["high"], "pairs": int(reached.sum().sum())})
    return pd.DataFrame(rows)


def end_reasons(pairs: pd.DataFrame) -> pd.DataFrame | None:
    """How many relationships ended in each stage for each reason (all replications).

    Rows are stages (in lifecycle order), columns reasons (most frequent
    first), values counts of ended pairs. Censored pairs are left out. None
    without ``end_stage`` and ``end_reason`` columns.
    """
    if not has_columns(pairs, "end_stage", "end_reason"):
        return None
    ended = pairs[pairs["end_reason"].notna() & (pairs["end_reason"].astype(str) != "")]
    if "censored" in ended.columns:
        ended = ended[~ended["censored"].fillna(False).astype(bool)]
    table = pd.crosstab(ended["end_stage"].astype(str), ended["end_reason"].astype(str))
    stages = [s for s in STAGES if s in table.index] + [s for s in table.index if s not in STAGES]
    table = table.reindex(stages)
    table = table[table.sum().sort_values(ascending=False).index]
    table.index.name, table.columns.name = "stage", "reason"
    return table


def occupancy(timeseries: pd.DataFrame, prefix: str = "n_", low: float = 0.1,
              high: float = 0.9) -> pd.DataFrame | None:
    """Median and band across replications of the occupancy columns over time.

    The columns are ``prefix<stage>`` for the lifecycle stages when the table
    has them (other counts such as ``n_buyers`` are not occupancy), else every
    ``prefix*`` column (a Markov model's states). The time column is ``time``
    (weeks), ``period`` or ``day``. Returns a long table with
    ``time``, ``series`` (column name without the prefix), ``median``, ``low``
    and ``high`` (the ``low`` and ``high`` quantiles across replications).
    """
    time = _time_column(timeseries)
    columns = [c for c in timeseries.columns if c.startswith(prefix)] if time else []
    stages = [f"{prefix}{stage}" for stage in STAGES if f"{prefix}{stage}" in columns]
    columns = stages or columns
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
                    confidence: float = 0.95) -> pd.DataFrame | None:
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
            for stage in STAGES:
                column = f"{variable}_{stage}"
                if column in results_timeseries.columns:
                    per_replication = results_timeseries[column].groupby(replication).mean()
                    rows.append({"variable": variable, "stage": stage,
                                 **_mean_with_interval(per_replication, confidence)})
    if not rows and has_columns(pairs, "end_stage"):
        replication = _replication_of(pairs)
        sources = {"trust": ["trust"], "satisfaction": ["satisfaction"],
                   "commitment": ["commitment_buyer", "commitment_supplier", "commitment"]}
        for variable, candidates in sources.items():
            column = next((c for c in candidates if c in pairs.columns), None)
            if column is None:
                continue
            for stage in STAGES:
                here = pairs["end_stage"].astype(str).to_numpy() == stage
                if here.any():
                    per_replication = pairs.loc[here, column].groupby(replication[here]).mean()
                    rows.append({"variable": variable, "stage": stage,
                                 **_mean_with_interval(per_replication, confidence)})
    return pd.DataFrame(rows) if rows else None


# ---------------------------------------------------------------- economics


def calibration(pairs: pd.DataFrame, bins: int = 10, confidence: float = 0.95,
                ended_only: bool = True) -> tuple[pd.DataFrame, dict] | None:
    """Forecast net present value against the value the relationship realised.

    Pairs are grouped into ``bins`` equal-count bins of forecast NPV; each row
    holds the bin's mean ``forecast`` and mean ``realised`` NPV (money), with a
    normal interval of the realised mean and the number of ``pairs``.
    ``ended_only`` keeps relationships that ended before the horizon, whose
    realised value is complete (a censored pair's value is cut at the
    horizon). Pairs that never got past the pre-relationship stage are left
    out when the stage is known: nothing was pursued, so nothing was realised.
    Also returns a summary: ``bias`` (mean forecast minus realised),
    ``correlation`` and the ``slope`` of realised on forecast (1 when
    calibrated). None without ``npv`` and ``npv_forecast``.
    """
    if not has_columns(pairs, "npv", "npv_forecast"):
        return None
    data = pairs
    if "furthest_stage" in pairs.columns:
        pairs = data = pairs[stage_rank(pairs["furthest_stage"]).to_numpy() >= 1]
    if ended_only and "censored" in pairs.columns:
        ended = pairs[~pairs["censored"].fillna(False).astype(bool)]
        data = ended if len(ended) >= bins else pairs
    data = data[["npv_forecast", "npv"]].apply(pd.to_numeric, errors="coerce").dropna()
    if len(data) < 3:
        return None
    quantile = pd.qcut(data["npv_forecast"].rank(method="first"), min(bins, len(data)),
                       labels=False)
    grouped = data.groupby(quantile)
    z = stats.norm.ppf(0.5 + confidence / 2)
    spread = grouped["npv"].std(ddof=1) / np.sqrt(grouped.size())
    table = pd.DataFrame({
        "forecast": grouped["npv_forecast"].mean(), "realised": grouped["npv"].mean(),
        "pairs": grouped.size(),
    })
    table["low"] = table["realised"] - z * spread
    table["high"] = table["realised"] + z * spread
    forecast, realised = data["npv_forecast"].to_numpy(), data["npv"].to_numpy()
    varies = np.ptp(forecast) > 0 and np.ptp(realised) > 0
    summary = {
        "pairs": len(data),
        "bias": float(np.mean(forecast - realised)),
        "correlation": float(np.corrcoef(forecast, realised)[0, 1]) if varies else float("nan"),
        "slope": float(stats.linregress(forecast, realised).slope) if varies else float("nan"),
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
