"""Key metrics: one value per replication, and their means with intervals.

A metric is computed once per replication, so two scenarios run with the same
seeds (common random numbers) can be differenced replication by replication.
:func:`replication_metrics` gives the table (one row per replication, one
column per metric); :func:`key_figures` summarises it for reports and the
terminal. A metric whose columns a bundle lacks is left out, never guessed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.bundle import (
    WEEKS_PER_YEAR,
    Source,
    as_results,
    durations,
    ended,
    has_columns,
    horizon,
    stage_label,
    stage_rank,
    stages_of,
)
from analysis.focal import (
    STAGE_PREFIX,
    focal_names,
    focal_share,
    lost_to_whom,
    of_focal,
    reaching,
    whose,
)
from analysis.stats import bootstrap_interval, kaplan_meier, restricted_mean
from sim.results import Results

__all__ = ["METRICS", "Metric", "key_figures", "key_figures_json", "labelled", "metric_info",
           "metrics_of", "replication_metrics"]


@dataclass(frozen=True)
class Metric:
    """A key metric: its column name, a label for people, its unit and how to compute it.

    ``compute(results)`` returns a Series indexed by replication, or None when
    the bundle lacks the columns it needs.
    """

    name: str
    label: str
    unit: str
    compute: Callable[[Results], pd.Series | None]
    model: str = "lifecycle"
    """The model whose tables the metric is computed from."""
    only_when: str | None = None
    """A boolean pairs column that must be true somewhere for the key figure to show
    (an entrants' share is only news when there are entrants)."""
    focal: bool = False
    """A figure of the focal suppliers: it shows also without entrants when the scenario
    names them; its label says "incumbents'" and is read with :func:`labelled`."""
    named_label: str | None = None
    """The label when the scenario names its focal suppliers, if it differs."""

    def applies(self, results: Results) -> bool:
        """Whether the key figure says something about this run."""
        if self.focal and focal_names(results):
            return True
        if self.only_when is None or not has_columns(results.pairs, self.only_when):
            return True
        return bool(results.pairs[self.only_when].fillna(False).astype(bool).any())


def _by_replication(table: pd.DataFrame, values) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float)).groupby(table["replication"].to_numpy())


def _reached(stage: str) -> Callable[[Results], pd.Series | None]:
    def compute(results: Results) -> pd.Series | None:
        pairs, stages = results.pairs, stages_of(results)
        if stage not in stages or not has_columns(pairs, "replication", "furthest_stage"):
            return None
        reached = stage_rank(pairs["furthest_stage"], stages).to_numpy() >= stages.index(stage)
        return _by_replication(pairs, reached).mean() * 100
    return compute


def _pairs_formed(results: Results) -> pd.Series | None:
    if not has_columns(results.pairs, "replication", "start"):
        return None
    return results.pairs.groupby("replication").size().astype(float)


def _per_replication_durations(results: Results, summarise) -> pd.Series | None:
    table = durations(results)
    if table is None or not len(table):
        return None
    return table.groupby("replication").apply(
        lambda t: summarise(t["duration"].to_numpy(), t["censored"].to_numpy()),
        include_groups=False,
    ).astype(float)


def _known_until(duration: np.ndarray, censored: np.ndarray) -> float:
    """How far a Kaplan-Meier curve is known: up to the longest follow-up, or for ever if it
    reached 0 there (nobody still followed)."""
    longest = duration.max()
    return float(longest) if censored[duration == longest].any() else math.inf


def _restricted_mean(results: Results, ceiling: float | None = None) -> pd.Series | None:
    """Areas under the curves up to one limit where all are known (each estimates the same)."""
    known = _per_replication_durations(results, _known_until)
    if known is None:
        return None
    ceiling = float(durations(results)["duration"].max()) if ceiling is None else ceiling
    limit = min(ceiling, float(known.min()))
    return _per_replication_durations(results, lambda d, c: restricted_mean(d, c, limit))


def _mean_duration(results: Results) -> pd.Series | None:
    if not has_columns(results.pairs, "start", "end"):
        return None
    return _restricted_mean(results, horizon(results))


def _survival_at(age: float) -> Callable[[Results], pd.Series | None]:
    def compute(results: Results) -> pd.Series | None:
        if not has_columns(results.pairs, "start", "end") or horizon(results) < age:
            return None

        def at_age(duration, censored):
            if age > _known_until(duration, censored):  # nobody followed that long
                return math.nan
            curve = kaplan_meier(duration, censored)
            before = curve[curve["time"] <= age]
            return float(before["survival"].iloc[-1]) * 100
        return _per_replication_durations(results, at_age)
    return compute


def _portfolio_npv(results: Results) -> pd.Series | None:
    pairs = results.pairs
    if not has_columns(pairs, "replication", "supplier", "npv"):
        return None
    per_supplier = pairs.groupby(["replication", "supplier"])["npv"].sum()
    return per_supplier.groupby(level="replication").mean().astype(float)


def _pair_npv(results: Results) -> pd.Series | None:
    if not has_columns(results.pairs, "replication", "npv"):
        return None
    return results.pairs.groupby("replication")["npv"].mean().astype(float)


def _lost_to_competitors(results: Results) -> pd.Series | None:
    pairs = results.pairs
    if not has_columns(pairs, "replication", "end_reason"):
        return None
    done = ended(pairs)
    lost = (pairs["end_reason"].astype("string") == "competitor").fillna(False).to_numpy()
    grouped = pd.DataFrame({"ended": done, "lost": lost & done}
                           ).groupby(pairs["replication"].to_numpy()).sum()
    return (grouped["lost"] / grouped["ended"].where(grouped["ended"] > 0) * 100).astype(float)


def _long_term_lost_to_competitors(results: Results) -> pd.Series | None:
    pairs, stages = results.pairs, stages_of(results)
    if "long_term" not in stages or not has_columns(pairs, "replication", "furthest_stage",
                                                    "end_reason"):
        return None
    late = stage_rank(pairs["furthest_stage"], stages).to_numpy() >= stages.index("long_term")
    lost = (pairs["end_reason"].astype("string") == "competitor").fillna(False).to_numpy()
    frame = pd.DataFrame({"late": late, "lost": late & lost})
    grouped = frame.groupby(pairs["replication"].to_numpy()).sum()
    return (grouped["lost"] / grouped["late"].where(grouped["late"] > 0) * 100).astype(float)


def _ended_before_long_term(results: Results) -> pd.Series | None:
    pairs, stages = results.pairs, stages_of(results)
    if "long_term" not in stages or not has_columns(pairs, "replication", "furthest_stage",
                                                    "end_reason"):
        return None
    done = ended(pairs)
    early = stage_rank(pairs["furthest_stage"], stages).to_numpy() < stages.index("long_term")
    grouped = pd.DataFrame({"ended": done, "early": done & early}).groupby(
        pairs["replication"].to_numpy()).sum()
    return (grouped["early"] / grouped["ended"].where(grouped["ended"] > 0) * 100).astype(float)


def _forecast_error(results: Results) -> pd.Series | None:
    pairs = results.pairs
    if not has_columns(pairs, "replication", "npv", "npv_forecast", "end_reason"):
        return None
    error = (pairs["npv_forecast"] - pairs["npv"]).to_numpy(dtype=float, copy=True)
    error[~(ended(pairs) & np.isfinite(error))] = np.nan
    return _by_replication(pairs, error).mean().astype(float)


def _cost_per_revenue(results: Results) -> pd.Series | None:
    pairs = results.pairs
    if not has_columns(pairs, "replication", "revenue", "cost_to_serve", "attention_cost"):
        return None
    totals = pairs.groupby("replication")[["revenue", "cost_to_serve", "attention_cost"]].sum()
    revenue = totals["revenue"].where(totals["revenue"] > 0)
    return ((totals["cost_to_serve"] + totals["attention_cost"]) / revenue).astype(float)


def _last_sample(column: str, scale: float = 1.0) -> Callable[[Results], pd.Series | None]:
    def compute(results: Results) -> pd.Series | None:
        series = results.timeseries
        if not has_columns(series, "replication", "time", column):
            return None
        last = series.sort_values("time").groupby("replication").tail(1)
        return last.set_index("replication")[column].astype(float) * scale
    return compute


def _time_mean(column: str) -> Callable[[Results], pd.Series | None]:
    def compute(results: Results) -> pd.Series | None:
        if not has_columns(results.timeseries, "replication", column):
            return None
        return results.timeseries.groupby("replication")[column].mean().astype(float)
    return compute


def _customer_value(results: Results) -> pd.Series | None:
    if not has_columns(results.pairs, "replication", "value"):
        return None
    return results.pairs.groupby("replication")["value"].mean().astype(float)


def _customer_lifetime(results: Results) -> pd.Series | None:
    if not has_columns(results.pairs, "periods_to_absorption"):
        return None
    return _restricted_mean(results)


def _buyer_mean(column: str, scale: float = 1.0) -> Callable[[Results], pd.Series | None]:
    """Mean over buyers of a per-buyer column (the loyalty model), per replication."""
    def compute(results: Results) -> pd.Series | None:
        if not has_columns(results.pairs, "replication", "favourite", column):
            return None
        return results.pairs.groupby("replication")[column].mean().astype(float) * scale
    return compute


METRICS: tuple[Metric, ...] = (
    Metric("pairs", "pairs formed", "pairs", _pairs_formed),
    Metric("reached_development", "pairs reaching development", "%", _reached("development")),
    Metric("reached_long_term", "pairs reaching long-term", "%", _reached("long_term")),
    Metric("reached_final", "pairs reaching final", "%", _reached("final")),
    Metric("mean_duration", "mean relationship duration (restricted mean)", "weeks",
           _mean_duration),
    Metric("survival_one_year", "relationships lasting a year", "%", _survival_at(WEEKS_PER_YEAR)),
    Metric("portfolio_npv", "supplier portfolio NPV", "money per supplier", _portfolio_npv),
    Metric("pair_npv", "pair NPV", "money per pair", _pair_npv),
    Metric("lost_to_competitors", "ended relationships lost to competitors",
           "% of ended relationships", _lost_to_competitors),
    Metric("long_term_lost_to_competitors", "long-term relationships lost to competitors",
           "% of those reaching long-term", _long_term_lost_to_competitors),
    Metric("ended_before_long_term", "ended relationships that never reached long-term",
           "% of ended relationships", _ended_before_long_term),
    Metric("forecast_error", "supplier's pursue forecast minus the realised NPV",
           "money per ended pair", _forecast_error),
    Metric("cost_per_revenue", "cost to serve and attention per unit of revenue", "ratio",
           _cost_per_revenue),
    Metric("satisfaction_long_term", "satisfaction in long-term", "0-1",
           _time_mean("satisfaction_long_term")),
    Metric("entrant_share", "entrants' market share at horizon", "%",
           _last_sample("share_entrants", 100.0), only_when="entrant"),
    # the focal suppliers (by default the incumbents) beside the market-wide figures, when
    # there is entry or the scenario names them; their stages are added per bundle
    Metric("focal_share", "incumbents' share of buyers' spending at horizon", "%",
           focal_share(_last_sample("share_incumbents", 100.0)), only_when="entrant",
           focal=True, named_label="incumbents' share of suppliers' revenue over the run"),
    Metric("focal_reached_long_term", "share of incumbents' pairs reaching long-term", "%",
           of_focal(_reached("long_term")), only_when="entrant", focal=True),
    Metric("focal_portfolio_npv", "incumbents' portfolio NPV", "money per incumbent",
           of_focal(_portfolio_npv), only_when="entrant", focal=True),
    Metric("focal_lost_to_competitors", "incumbents' ended relationships lost to competitors",
           "% of incumbents' ended relationships", of_focal(_lost_to_competitors),
           only_when="entrant", focal=True),
    Metric("focal_lost_to_entrants", "incumbents' ended relationships lost to entrants",
           "% of incumbents' ended relationships", lost_to_whom("entrant"),
           only_when="entrant", focal=True),
    Metric("focal_lost_to_incumbents",
           "incumbents' ended relationships lost to other incumbents",
           "% of incumbents' ended relationships", lost_to_whom("incumbent"),
           only_when="entrant", focal=True),
    Metric("focal_lost_to_spot_market", "incumbents' ended relationships lost to the spot market",
           "% of incumbents' ended relationships", lost_to_whom("outside"),
           only_when="entrant", focal=True),
    Metric("customer_value", "customer value", "money per customer", _customer_value,
           model="markov"),
    Metric("customer_lifetime", "periods until lost (restricted mean)", "periods",
           _customer_lifetime, model="markov"),
    Metric("order_parameter", "order parameter y (1/n: no loyalty, 1: loyal)", "0-1",
           _buyer_mean("y"), model="loyalty"),
    Metric("favourite_visits", "visits to each buyer's favourite seller", "%",
           _buyer_mean("favourite_visit_share", 100.0), model="loyalty"),
)
"""Every key metric dyadsim knows; a bundle gets those its tables support."""

_BY_NAME = {metric.name: metric for metric in METRICS}


def _stage_metric(stage: str) -> Metric:
    return Metric(f"{STAGE_PREFIX}{stage}", f"incumbents' pairs reaching {stage_label(stage)}",
                  "pairs per replication", reaching(stage), only_when="entrant", focal=True)


def metrics_of(results: Results) -> tuple[Metric, ...]:
    """:data:`METRICS` and, per stage of the bundle's vocabulary, the focal pairs reaching it."""
    return METRICS + tuple(_stage_metric(stage) for stage in stages_of(results))


def labelled(metric: Metric, results: Results) -> tuple[str, str]:
    """The metric's label and unit for ``results``: whose figures, and the money unit."""
    label, unit = metric.label, money_label(results, metric.unit)
    if metric.focal and focal_names(results):
        label = (metric.named_label or label).replace("incumbents'", whose(results))
        unit = unit.replace("incumbents'", whose(results)).replace(
            "per incumbent", "per focal supplier")
    return label, unit


def replication_metrics(source: Source) -> pd.DataFrame:
    """Key metrics of each replication: one row per replication, one column per metric.

    The index is the replication number, so tables of two scenarios run with
    the same seeds line up row by row. Column names are :data:`METRICS` names;
    labels and units are in :func:`metric_info`.
    """
    results = as_results(source)
    columns = {}
    for metric in metrics_of(results):
        values = metric.compute(results)
        if values is not None and len(values):
            columns[metric.name] = values
    table = pd.DataFrame(columns)
    table.index.name = "replication"
    return table.sort_index()


def money_label(results: Results, unit: str) -> str:
    """``unit`` with "money" replaced by the scenario's ``money_unit`` (EUR thousand per pair)."""
    scenario = (results.manifest or {}).get("scenario", {})
    named = str(scenario.get("money_unit") or "money")
    return named + unit.removeprefix("money") if unit.startswith("money") else unit


def metric_info(name: str) -> Metric:
    """The :class:`Metric` called ``name`` (``focal_at_<stage>`` for any stage name)."""
    if name not in _BY_NAME and name.startswith(STAGE_PREFIX):
        return _stage_metric(name.removeprefix(STAGE_PREFIX))
    return _BY_NAME[name]


def key_figures(source: Source, confidence: float = 0.95) -> pd.DataFrame:
    """The run's key figures: mean over replications with a bootstrap interval.

    Returns one row per metric the bundle supports, with columns ``metric``
    (name), ``label`` (for people), ``value`` (mean over replications),
    ``low`` and ``high`` (bootstrap ``confidence`` interval of that mean; NaN
    with fewer than three replications) and ``unit``. Durations count the
    relationships that began (got past the pre-relationship stage). A Markov bundle also gets the
    ``analytic_value`` from its summary, without an interval.
    """
    results = as_results(source)
    table = replication_metrics(results)
    rows = []
    for name in table.columns:
        metric = metric_info(name)
        if not metric.applies(results):
            continue
        values = table[name].to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        low, high = bootstrap_interval(finite, confidence)
        mean = float(finite.mean()) if finite.size else float("nan")
        label, unit = labelled(metric, results)
        rows.append((name, label, mean, low, high, unit))
    analytic = results.summary().get("analytic_value")
    if isinstance(analytic, int | float):
        rows.append(("analytic_value", "customer value, closed form", float(analytic),
                     float("nan"), float("nan"), money_label(results, "money per customer")))
    return pd.DataFrame(rows, columns=["metric", "label", "value", "low", "high", "unit"])


def key_figures_json(source: Source, confidence: float = 0.95) -> dict[str, dict]:
    """The key figures as ``summary.json`` holds them: name -> label, value, low, high, unit."""
    table = key_figures(source, confidence)
    return {row.metric: {"label": row.label, "value": row.value, "low": row.low,
                         "high": row.high, "unit": row.unit}
            for row in table.itertuples()}
