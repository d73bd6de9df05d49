"""Invariants of the lifecycle model over random small markets (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.models.lifecycle import run_market
from sim.models.lifecycle.outputs import events_frame
from sim.models.lifecycle.vocabulary import Stage
from sim.scenario import Scenario

NEXT = {"pre": "early", "early": "development", "development": "long_term",
        "long_term": "final"}
RANK = {stage.label: int(stage) for stage in Stage}


@st.composite
def small_markets(draw) -> Scenario:
    """Random valid scenarios: small markets, short horizons, every mechanism switched on."""
    horizon = draw(st.floats(20, 160))
    unit = st.floats(0.0, 1.0)
    section = {
        "market": {
            "buyers": {
                "count": draw(st.integers(1, 25)),
                "order_rate": draw(st.floats(0, 80)),
                "sourcing_breadth": draw(st.integers(1, 3)),
                "distance_tolerance": draw(unit),
                "alternative_value": draw(unit),
                "search_threshold": draw(unit),
                "expectation": draw(unit),
                "requirement_shift_rate": draw(st.floats(0, 6)),
                "turnover_rate": draw(st.floats(0, 2)),
                "exit_rate": draw(st.floats(0, 1)),
            },
            "suppliers": {
                "count": draw(st.integers(1, 6)),
                "marketing_rate": draw(st.floats(0, 150)),
                "capacity": draw(st.floats(0, 10)),
                "quality": draw(unit),
            },
            "supplier_exit_rate": draw(st.floats(0, 1)),
            "initial_awareness": draw(st.integers(0, 3)),
        },
        "entry": {
            "times": draw(st.lists(st.floats(0, horizon * 1.2), max_size=3)),
            "rate": draw(st.floats(0, 4)),
        },
        "policy": {
            "attention": {stage: draw(st.floats(0, 3)) for stage in RANK},
            "adaptation_hurdle": draw(st.floats(0, 3)),
            "adaptation_trust": draw(unit),
            "drop_unprofitable": draw(st.booleans()),
        },
        "relationship": {
            "trial": {
                "period": draw(st.floats(4, 60)),
                "min_episodes": draw(st.integers(1, 4)),
                "development_trust": draw(unit),
            },
            "development": {
                "commitment_threshold": draw(unit),
                "project_time": draw(st.floats(1, 30)),
            },
            "final": {
                "hazard": draw(st.floats(0, 5)),
                "hazard_time": draw(st.floats(1, 40)),
                "lapse_sensitivity": draw(st.floats(0, 5)),
            },
            "review_interval": {"early": 4, "development": 6, "long_term": 8, "final": 12},
            "choice": {"beta": draw(st.floats(0, 5))},
        },
    }
    return Scenario.model_validate({
        "name": "random", "model": "lifecycle", "horizon": horizon, "replications": 1,
        "seed": 0, "sample_every": draw(st.floats(1, 30)), "lifecycle": section,
    })


def _check_stage_edges_and_no_activity_after_end(events: pd.DataFrame) -> None:
    """Per buyer-supplier, stage changes follow the allowed edges; nothing happens once ended."""
    own = events[events["kind"] != "entry"]
    for (_buyer, _supplier), history in own.groupby(["buyer", "supplier"], sort=False):
        stage = None
        for row in history.itertuples(index=False):
            if row.kind == "stage_change":
                if row.new_stage == "pre":
                    assert stage is None or stage == "ended", f"new relationship while {stage}"
                elif row.new_stage == "ended":
                    assert stage in RANK, f"ended from {stage}"
                else:
                    assert NEXT.get(stage) == row.new_stage, f"{stage} -> {row.new_stage}"
                stage = row.new_stage
            else:
                assert stage in RANK, f"{row.kind} on a relationship that is {stage}"


def _check_entrants_not_before_entry(pairs: pd.DataFrame, events: pd.DataFrame) -> None:
    entries = events[events["kind"] == "entry"].set_index("supplier")["time"]
    entrant_pairs = pairs[pairs["entrant"]]
    assert entrant_pairs["supplier"].isin(entries.index).all()
    entered = entries[entrant_pairs["supplier"]].to_numpy()
    assert (entrant_pairs["start"].to_numpy() >= entered).all()
    entrant_events = events[events["supplier"].isin(entries.index) & (events["kind"] != "entry")]
    assert (
        entrant_events["time"].to_numpy() >= entries[entrant_events["supplier"]].to_numpy()
    ).all()
    assert not pairs.loc[~pairs["entrant"], "supplier"].isin(entries.index).any()


def _check_bounds(pairs: pd.DataFrame, events: pd.DataFrame, series: pd.DataFrame) -> None:
    for column in ("trust", "satisfaction", "volume_share", "commitment_buyer",
                   "commitment_supplier", "fit"):
        assert pairs[column].between(0.0, 1.0).all(), column
    for column in ("trust_before", "trust_after", "satisfaction_before", "satisfaction_after"):
        values = events[column].dropna()
        assert values.between(0.0, 1.0).all(), column
    for stage in RANK:
        for measure in ("trust", "satisfaction", "commitment"):
            values = series[f"{measure}_{stage}"].dropna()
            assert values.between(0.0, 1.0).all(), f"{measure}_{stage}"
    for stage in RANK:
        assert (series[f"n_{stage}"] >= 0).all()


def _check_pairs_table(pairs: pd.DataFrame, horizon: float) -> None:
    assert (pairs["end"] >= pairs["start"]).all()
    assert (pairs["end"] <= horizon + 1e-9).all()
    assert (pairs["censored"] == (pairs["end_reason"] == "")).all()
    assert (pairs.loc[pairs["censored"], "end"] == horizon).all()
    times = pairs[["start", "t_early", "t_development", "t_long_term", "t_final"]].to_numpy()
    rank = pairs["furthest_stage"].map(RANK).to_numpy()
    for row, furthest in zip(times, rank, strict=True):
        reached = row[: furthest + 1]
        assert not np.isnan(reached).any()
        assert np.isnan(row[furthest + 1:]).all()
        assert (np.diff(reached) >= 0).all()
    by_stage = pairs[[f"revenue_{stage}" for stage in RANK]].sum(axis=1)
    assert np.allclose(by_stage, pairs["revenue"], rtol=1e-9, atol=1e-9)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=small_markets(), entropy=st.integers(0, 2**32 - 1))
def test_random_markets_keep_every_invariant(scenario, entropy):
    market = run_market(scenario, np.random.SeedSequence(entropy), events=True)
    pairs = market.relationships.records.frame()
    series = market.sampler.frame()
    events = events_frame(market.log)

    _check_stage_edges_and_no_activity_after_end(events)
    _check_entrants_not_before_entry(pairs, events)
    _check_bounds(pairs, events, series)
    _check_pairs_table(pairs, scenario.horizon)

    active = pairs[pairs["censored"]]
    assert (active.groupby("buyer")["volume_share"].sum() <= 1.0 + 1e-9).all()
    assert math.isclose(
        pairs["revenue"].sum(), market.buyer_spend, rel_tol=1e-9, abs_tol=1e-9
    )
    assert len(series) == math.floor(scenario.horizon / scenario.sample_every + 1e-9) + 1
    if series["time"].iloc[-1] == scenario.horizon:
        assert math.isclose(series["buyer_spend"].iloc[-1], market.buyer_spend, rel_tol=1e-12)
        assert int(series["n_active"].iloc[-1]) == int(pairs["censored"].sum())
