"""Key figures of how relationships end and what accounts cost, computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.metrics import key_figures, metric_info, replication_metrics
from sim.models.lifecycle.vocabulary import VOCABULARY
from sim.results import Results

PAIRS = pd.DataFrame({
    "replication": [0, 0, 0, 0, 1, 1],
    "supplier": [1, 1, 2, 2, 1, 2],
    "start": [0.0, 5.0, 10.0, 20.0, 0.0, 30.0],
    "end": [40.0, 90.0, np.nan, 50.0, np.nan, 70.0],
    "censored": [False, False, True, False, True, False],
    "furthest_stage": ["early", "long_term", "final", "pre", "development", "final"],
    "end_reason": ["competitor", "neglect", None, "distance", None, "competitor"],
    "npv": [10.0, 200.0, 500.0, 0.0, 80.0, 300.0],
    "npv_forecast": [50.0, 150.0, 900.0, np.nan, 60.0, 260.0],
    "revenue": [100.0, 400.0, 500.0, 0.0, 200.0, 300.0],
    "cost_to_serve": [20.0, 60.0, 50.0, 0.0, 30.0, 40.0],
    "attention_cost": [10.0, 20.0, 30.0, 10.0, 20.0, 20.0],
})


def _results(pairs: pd.DataFrame) -> Results:
    manifest = {"model": "lifecycle", "seed": 1, "replications": 2, "done": 2,
                "scenario": {"name": "tiny", "horizon": 100.0, "model": "lifecycle"},
                "vocabulary": VOCABULARY}
    return Results(manifest, pairs, pd.DataFrame())


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return replication_metrics(_results(PAIRS))


def test_ended_before_long_term_counts_only_ended_relationships(table):
    # replication 0 ended three (early, long_term, pre): two never reached long-term;
    # the censored final pair does not count either way
    assert table.loc[0, "ended_before_long_term"] == pytest.approx(200 / 3)
    # replication 1 ended one, a final pair
    assert table.loc[1, "ended_before_long_term"] == 0


def test_forecast_error_is_forecast_minus_realised_over_ended_pairs_with_a_forecast(table):
    # replication 0: ended with a forecast: (50 - 10) and (150 - 200); the censored
    # pair (900 vs 500) and the pair without a forecast are left out
    assert table.loc[0, "forecast_error"] == pytest.approx((40 - 50) / 2)
    assert table.loc[1, "forecast_error"] == pytest.approx(260 - 300)


def test_cost_per_revenue_pools_a_replications_accounts(table):
    assert table.loc[0, "cost_per_revenue"] == pytest.approx((130 + 70) / 1000)
    assert table.loc[1, "cost_per_revenue"] == pytest.approx((70 + 40) / 500)


def test_a_replication_without_revenue_or_endings_has_no_value_rather_than_zero():
    quiet = PAIRS.assign(revenue=0.0, end_reason=None, censored=True, end=np.nan)
    table = replication_metrics(_results(quiet))
    assert table["cost_per_revenue"].isna().all()
    assert table["ended_before_long_term"].isna().all()
    assert table["forecast_error"].isna().all()


def test_bundles_without_the_columns_leave_the_figures_out():
    bare = PAIRS.drop(columns=["npv_forecast", "cost_to_serve"])
    table = replication_metrics(_results(bare))
    assert "forecast_error" not in table.columns
    assert "cost_per_revenue" not in table.columns
    assert "ended_before_long_term" in table.columns


def test_the_figures_reach_the_key_figures_with_their_units():
    figures = key_figures(_results(PAIRS)).set_index("metric")
    assert figures.loc["cost_per_revenue", "value"] == pytest.approx((0.2 + 0.22) / 2)
    assert metric_info("forecast_error").unit == "money per ended pair"
    assert metric_info("ended_before_long_term").unit == "% of ended relationships"
    assert not math.isnan(figures.loc["ended_before_long_term", "value"])


LOSSES = pd.DataFrame({
    "replication": [0, 0, 0, 0, 0, 0, 1, 1, 1],
    "supplier": ["S1", "S1", "S2", "S1", "E1", "S2", "S1", "E1", "S2"],
    "entrant": [False, False, False, False, True, False, False, True, False],
    "censored": [False, False, False, True, True, False, False, False, True],
    "end_reason": ["competitor", "outside_option", "competitor", None, None, "distance",
                   "competitor", "competitor", None],
    "lost_to": ["E1", "outside", "S1", "", "", "", "S2", "S1", ""],
    "start": [0.0] * 9, "end": [10.0] * 9,
})


def test_the_incumbents_losses_say_who_took_the_business():
    table = replication_metrics(_results(LOSSES))
    # replication 0: incumbents ended four (S1 to E1, S1 to outside, S2 to S1, S2 by distance)
    assert table.loc[0, "focal_lost_to_entrants"] == 25
    assert table.loc[0, "focal_lost_to_incumbents"] == 25
    assert table.loc[0, "focal_lost_to_spot_market"] == 25
    # replication 1: the incumbents ended one, to S2 (E1 -> S1 is an entrant's loss)
    assert table.loc[1, "focal_lost_to_incumbents"] == 100
    assert table.loc[1, "focal_lost_to_entrants"] == 0
    # together with other endings they make up all the incumbents' ended relationships
    assert (table.loc[0, ["focal_lost_to_entrants", "focal_lost_to_incumbents",
                          "focal_lost_to_spot_market"]].sum()
            + 25) == pytest.approx(100)


def test_a_winner_is_an_entrant_only_in_the_replication_where_it_entered():
    # replication 1: S1 loses to E1, which entered there
    lost_to_e1 = LOSSES.assign(lost_to=["E1", "outside", "S1", "", "", "", "E1", "S1", ""])
    assert replication_metrics(_results(lost_to_e1)).loc[1, "focal_lost_to_entrants"] == 100
    # a supplier named E1 that was there from the start is an incumbent in that replication
    there_from_start = lost_to_e1.assign(entrant=[False, False, False, False, True, False,
                                                  False, False, False])
    table = replication_metrics(_results(there_from_start))
    assert table.loc[0, "focal_lost_to_entrants"] == 25
    assert table.loc[1, "focal_lost_to_entrants"] == 0
    assert table.loc[1, "focal_lost_to_incumbents"] == 100  # S1 to E1 and E1 to S1


def test_without_lost_to_the_figures_are_left_out():
    table = replication_metrics(_results(LOSSES.drop(columns=["lost_to"])))
    assert "focal_lost_to_entrants" not in table.columns
    assert "focal_lost_to_competitors" in table.columns
