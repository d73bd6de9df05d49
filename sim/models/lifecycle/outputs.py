"""The tables a replication returns: pairs, timeseries and events.

Pairs are stored in compact typed arrays as they end (and at the horizon for
those still active), so a long run keeps a few hundred bytes per relationship
and nothing per order; the float fields go row by row into one array that
becomes the table's float block without a copy, so the pairs' numbers are held
once, not again while the table is built. The timeseries keeps one row per sample
time. Events are kept only when asked for.
"""

from __future__ import annotations

import math
from array import array
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.models.lifecycle.agents import STAGE_NAMES, Pair
from sim.models.lifecycle.economics import attention_rate

if TYPE_CHECKING:
    from sim.models.lifecycle.interface import LifecycleMarket
EVENT_COLUMNS = (
    "time", "buyer", "supplier", "kind", "cause", "stage", "new_stage", "detail",
    "trust_before", "trust_after", "satisfaction_before", "satisfaction_after",
    "commitment_before", "commitment_after", "fit_before", "fit_after",
    "uncertainty_before", "uncertainty_after", "amount", "forecast",
)
_EVENT_TEXT = ("buyer", "supplier", "kind", "cause", "stage", "new_stage", "detail")

_TEXT = ("buyer", "supplier", "furthest_stage", "end_stage", "end_reason", "lost_to")
_FLAGS = ("entrant", "censored")
_FLOATS = (
    "start", "end", "t_early", "t_development", "t_long_term", "t_final",
    "revenue", "margin", "cost_to_serve", "attention_cost",
    "investment_buyer", "investment_supplier", "npv", "npv_forecast", "npv_forecast_last",
    "trust", "trust_at_start", "reliability", "goodwill", "uncertainty", "satisfaction",
    "commitment_buyer", "commitment_supplier",
    "switching_cost", "volume_share", "fit", "attention", "attention_last",
    "cultural_distance", "technological_distance", "social_distance", "time_distance",
    "geographic_distance", "trust_at_first_adaptation",
    *(f"revenue_{stage}" for stage in STAGE_NAMES),
    *(f"cost_{stage}" for stage in STAGE_NAMES),
)
_COUNTS = (
    "episodes", "failures", "conflicts", "unresolved_conflicts",
    "adaptations_buyer", "adaptations_supplier", "noticed_shifts", "missed_shifts",
)
PAIR_COLUMNS = (
    "buyer", "supplier", "entrant", "start", "end", "censored", "furthest_stage", "end_stage",
    "end_reason", "lost_to", *(c for c in _FLOATS if c not in ("start", "end")), *_COUNTS,
)


def _average_attention(pair: Pair, end: float) -> float:
    """Attention the relationship received per week over its life, attention units."""
    life = end - pair.start
    return pair.attention_received / life if life > 0.0 else 0.0


class PairRecords:
    """Finished relationships, one compact column per output field."""

    def __init__(self):
        self._text = {name: [] for name in _TEXT}
        self._flags = {name: array("b") for name in _FLAGS}
        self._floats = array("d")  # _FLOATS of each relationship in turn, row by row
        self._counts = {name: array("q") for name in _COUNTS}

    def add(self, market: LifecycleMarket, pair: Pair, censored: bool) -> None:
        """Store the relationship's final state (``censored``: still active at the horizon)."""
        text, counts = self._text, self._counts
        text["buyer"].append(pair.buyer.name)
        text["supplier"].append(pair.supplier.name)
        text["furthest_stage"].append(STAGE_NAMES[pair.furthest])
        text["end_stage"].append(STAGE_NAMES[pair.stage])
        text["end_reason"].append("" if censored else pair.end_reason)
        text["lost_to"].append("" if censored else pair.lost_to)
        self._flags["entrant"].append(pair.supplier.entrant)
        self._flags["censored"].append(censored)
        fit = pair.fit(market.rel.orders.fit_scale)
        values = (
            pair.start, market.horizon if censored else pair.end, *pair.t_stage[1:],
            pair.revenue, pair.margin, pair.cost_to_serve, pair.attention_cost,
            pair.investment_buyer, pair.investment_supplier, pair.npv, pair.npv_forecast,
            pair.forecast_last, pair.trust, pair.trust_at_start, pair.reliability,
            pair.goodwill, pair.uncertainty, pair.satisfaction,
            pair.commitment_buyer, pair.commitment_supplier, pair.switching_cost, pair.share,
            fit, _average_attention(pair, market.horizon if censored else pair.end),
            attention_rate(market, pair), pair.cultural, pair.technological, pair.social,
            pair.time_distance, pair.geographic, pair.trust_at_adaptation,
            *pair.revenue_by_stage, *pair.cost_by_stage,
        )
        if len(values) != len(_FLOATS):
            raise ValueError(f"{len(values)} float fields for {len(_FLOATS)} columns")
        self._floats.extend(values)
        counted = (
            pair.episodes, pair.failures, pair.conflicts, pair.unresolved,
            pair.adaptations_buyer, pair.adaptations_supplier,
            pair.noticed_shifts, pair.missed_shifts,
        )
        for name, value in zip(_COUNTS, counted, strict=True):
            counts[name].append(value)

    def frame(self) -> pd.DataFrame:
        """The relationships as a DataFrame (same columns even when empty).

        The float columns are one block viewing the stored rows (no copy);
        the other columns are inserted at their places around it.
        """
        floats = np.frombuffer(self._floats, dtype=float).reshape(-1, len(_FLOATS))
        frame = pd.DataFrame(floats, columns=list(_FLOATS), copy=False)
        for place, name in enumerate(PAIR_COLUMNS):
            if name in self._text:
                column = pd.Series(self._text[name], dtype=object)
            elif name in self._flags:
                column = pd.Series(np.frombuffer(self._flags[name], dtype=np.int8), dtype=bool)
            elif name in self._counts:
                column = pd.Series(np.frombuffer(self._counts[name], dtype=np.int64),
                                   dtype="int64")
            else:
                continue
            frame.insert(place, name, column)
        return frame


_SAMPLE_COLUMNS = (
    "time", "n_buyers", "n_suppliers", "n_entrants",
    *(f"n_{stage}" for stage in STAGE_NAMES), "n_active",
    "share_incumbents", "share_entrants", "share_outside",
    *(f"trust_{stage}" for stage in STAGE_NAMES),
    *(f"commitment_{stage}" for stage in STAGE_NAMES),
    *(f"satisfaction_{stage}" for stage in STAGE_NAMES),
    "cumulative_value", "cumulative_revenue", "buyer_spend", "marketing_spend",
    "prospects_judged", "prospects_declined", "n_stretched",
)


class Sampler:
    """Samples the market every ``every`` weeks from week 0 to the horizon."""

    def __init__(self, market: LifecycleMarket, every: float):
        self.market = market
        horizon = market.horizon
        count = math.floor(horizon / every + 1e-9)
        self.times = [k * every for k in range(count + 1)]
        self.columns = {name: array("d") for name in _SAMPLE_COLUMNS}
        self._taken = 0
        self._spend = (0.0, 0.0, 0.0)

    def process(self):
        """The SimPy process taking the samples before the horizon."""
        env = self.market.env
        for time in self.times:
            if time >= self.market.horizon:
                return
            if time > env.now:
                yield env.timeout(time - env.now)
            self.take(time)

    def finish(self) -> None:
        """Take the samples due at the horizon itself."""
        for time in self.times[self._taken:]:
            self.take(time)

    def take(self, time: float) -> None:
        """Record one row of the timeseries."""
        market = self.market
        self._taken += 1
        market.orders.settle(time)
        spend = (market.spend_incumbents, market.spend_entrants, market.spend_outside)
        window = [now - before for now, before in zip(spend, self._spend, strict=True)]
        self._spend = spend
        total = sum(window)
        shares = [w / total for w in window] if total > 0 else [math.nan] * 3
        sums = [[0.0, 0.0, 0.0] for _ in STAGE_NAMES]
        for pair in market.relationships.active:
            row = sums[pair.stage]
            row[0] += pair.trust
            row[1] += 0.5 * (pair.commitment_buyer + pair.commitment_supplier)
            row[2] += pair.satisfaction
        counts = market.relationships.stage_counts
        means = [
            [value / counts[s] if counts[s] else math.nan for value in sums[s]]
            for s in range(len(STAGE_NAMES))
        ]
        entrants = sum(1 for s in market.suppliers if s.entrant)
        # suppliers whose accounts ask for more attention than they have (C11)
        stretched = sum(1 for s in market.suppliers if s.attention_demand > s.capacity)
        sample = (
            time, len(market.buyers), len(market.suppliers), entrants, *counts, sum(counts),
            *shares, *(m[0] for m in means), *(m[1] for m in means), *(m[2] for m in means),
            market.cumulative_value, market.cumulative_revenue, market.buyer_spend,
            market.marketing_spend, market.prospects_judged, market.prospects_declined,
            stretched,
        )
        for name, value in zip(_SAMPLE_COLUMNS, sample, strict=True):
            self.columns[name].append(value)

    def frame(self) -> pd.DataFrame:
        """The timeseries as a DataFrame; counts are integers."""
        frame = pd.DataFrame({name: pd.Series(v, dtype=float) for name, v in self.columns.items()})
        for name in ("n_buyers", "n_suppliers", "n_entrants", "n_active",
                     "prospects_judged", "prospects_declined", "n_stretched",
                     *(f"n_{stage}" for stage in STAGE_NAMES)):
            frame[name] = frame[name].astype("int64")
        return frame


def events_frame(log) -> pd.DataFrame:
    """The recorded events with fixed columns: text as strings, values as floats."""
    frame = log.frame().reindex(columns=list(EVENT_COLUMNS))
    for name in EVENT_COLUMNS:
        if name in _EVENT_TEXT:
            column = frame[name].astype(object)
            frame[name] = column.where(column.notna(), "")
        else:
            frame[name] = frame[name].astype(float)
    return frame
