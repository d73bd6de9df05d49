"""Key figures over all replications, each with its standard error across replications."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.models.lifecycle.agents import END_REASONS, STAGE_NAMES

_RANK = {stage: rank for rank, stage in enumerate(STAGE_NAMES)}


def _estimate(values) -> dict:
    """Mean and standard error of per-replication values (None where undefined)."""
    data = np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=float)
    if data.size == 0:
        return {"mean": None, "se": None}
    se = float(data.std(ddof=1) / math.sqrt(data.size)) if data.size > 1 else None
    return {"mean": float(data.mean()), "se": se}


def _per_replication(pairs: pd.DataFrame) -> dict[str, float]:
    figures: dict[str, float] = {"pairs": float(len(pairs))}
    if pairs.empty:
        return figures
    rank = pairs["furthest_stage"].map(_RANK)
    ended = ~pairs["censored"]
    for stage in STAGE_NAMES[1:]:
        figures[f"reach_{stage}"] = float((rank >= _RANK[stage]).mean())
    before = ended & (rank < _RANK["long_term"])
    figures["ended_before_long_term"] = float(before.mean())
    figures["ended_before_long_term_of_ended"] = (
        float(before.sum() / ended.sum()) if ended.any() else math.nan
    )
    duration = pairs["end"] - pairs["start"]
    figures["duration_weeks"] = float(duration.mean())
    survived = rank >= _RANK["long_term"]
    figures["duration_weeks_past_development"] = (
        float(duration[survived].mean()) if survived.any() else math.nan
    )
    figures["supplier_portfolio_npv"] = float(pairs.groupby("supplier")["npv"].sum().mean())
    figures["pair_npv"] = float(pairs["npv"].mean())
    forecast = pairs["npv_forecast"].notna()
    figures["pair_npv_forecast_error"] = (
        float((pairs.loc[forecast, "npv_forecast"] - pairs.loc[forecast, "npv"]).mean())
        if forecast.any() else math.nan
    )
    revenue = pairs["revenue"].sum()
    costs = pairs["cost_to_serve"].sum() + pairs["attention_cost"].sum()
    figures["cost_per_revenue"] = float(costs / revenue) if revenue > 0 else math.nan
    for reason in END_REASONS:
        figures[f"ended_{reason}"] = float((pairs["end_reason"] == reason).sum())
    figures["censored"] = float(pairs["censored"].sum())
    return figures


def summarize(tables: dict[str, pd.DataFrame], scenario) -> dict:
    """JSON-ready key figures of all replications (tables carry a ``replication`` column).

    Figures are per replication, then averaged: pairs per replication, share
    of pairs reaching each stage, share ending before long-term, mean pair
    duration (weeks), mean supplier portfolio NPV (money), mean forecast
    error of the pursue forecast, cost to serve per unit of revenue, end
    reason counts and censored pairs; each as ``{"mean", "se"}``.
    """
    pairs = tables["pairs"]
    replications = sorted(
        set(pairs["replication"]) | set(tables.get("timeseries", pd.DataFrame(
            columns=["replication"]))["replication"])
    )
    grouped = {rep: frame for rep, frame in pairs.groupby("replication")}
    rows = [_per_replication(grouped.get(rep, pairs.iloc[0:0])) for rep in replications]
    names = list(dict.fromkeys(name for row in rows for name in row))
    summary = {
        "model": "lifecycle",
        "scenario": getattr(scenario, "name", None),
        "replications": len(replications),
    }
    for name in names:
        summary[name] = _estimate(row.get(name, math.nan) for row in rows)
    summary["end_reasons"] = {
        reason: summary.pop(f"ended_{reason}") for reason in END_REASONS
        if f"ended_{reason}" in summary
    }
    summary["share_reaching"] = {
        stage: summary.pop(f"reach_{stage}") for stage in STAGE_NAMES[1:]
        if f"reach_{stage}" in summary
    }
    return summary
