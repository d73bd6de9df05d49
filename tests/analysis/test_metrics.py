"""Key metrics per replication, and the key figures built from them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.bundle import durations
from analysis.metrics import key_figures, replication_metrics
from sim.models.lifecycle.vocabulary import VOCABULARY
from sim.results import Results


def _results(pairs: pd.DataFrame, timeseries: pd.DataFrame | None = None,
             horizon: float = 100.0) -> Results:
    manifest = {"model": "lifecycle", "seed": 1, "replications": 2, "done": 2,
                "scenario": {"name": "tiny", "horizon": horizon, "model": "lifecycle"},
                "vocabulary": VOCABULARY}
    return Results(manifest, pairs, timeseries if timeseries is not None else pd.DataFrame())


TINY = pd.DataFrame({
    "replication": [0, 0, 0, 1, 1],
    "supplier": [1, 1, 2, 1, 2],
    "start": [0.0, 10.0, 50.0, 0.0, 20.0],
    "end": [30.0, np.nan, 60.0, 80.0, np.nan],
    "censored": [False, True, False, False, True],
    "furthest_stage": ["early", "long_term", "pre", "development", "final"],
    "end_reason": ["competitor", None, "distance", "competitor", None],
    "npv": [100.0, 300.0, -50.0, 200.0, 600.0],
})


def test_metrics_are_one_row_per_replication_computed_by_hand():
    table = replication_metrics(_results(TINY))
    assert list(table.index) == [0, 1]
    assert table.loc[0, "pairs"] == 3
    assert table.loc[0, "reached_development"] == pytest.approx(100 / 3)
    assert table.loc[1, "reached_final"] == 50
    # replication 0: ended 2 (competitor, distance); replication 1: ended 1 (competitor)
    assert table.loc[0, "lost_to_competitors"] == 50 and table.loc[1, "lost_to_competitors"] == 100
    # supplier portfolios: rep 0 -> (400, -50), rep 1 -> (200, 600)
    assert table.loc[0, "portfolio_npv"] == 175 and table.loc[1, "portfolio_npv"] == 400
    assert table.loc[1, "pair_npv"] == 400


def test_censored_pairs_are_observed_until_the_horizon():
    table = durations(_results(TINY), began_only=False)
    assert table["duration"].tolist() == [30, 90, 10, 80, 80]
    assert table["censored"].tolist() == [False, True, False, False, True]
    # the lifecycle model writes the horizon as a censored pair's end: same durations
    at_horizon = TINY.assign(end=TINY["end"].fillna(100.0))
    assert durations(_results(at_horizon), began_only=False)["duration"].tolist() == [
        30, 90, 10, 80, 80]


def test_contacts_that_never_began_a_relationship_have_no_duration():
    table = durations(_results(TINY))
    assert table["duration"].tolist() == [30, 90, 80, 80]  # the pre-only pair is left out


def test_mean_duration_is_the_restricted_mean_of_each_replication():
    table = replication_metrics(_results(TINY))
    # replication 1: an ending at 80 with 2 at risk (the other is censored at 80), so
    # survival is 1 until 80 and 1/2 after; nobody was followed beyond 80, so the area stops
    # there (not at the horizon, 100): 80. Replication 0 (30 ended, 90 censored) up to 80 too:
    # 30 + 50 / 2
    assert table.loc[1, "mean_duration"] == pytest.approx(80)
    assert table.loc[0, "mean_duration"] == pytest.approx(55)


def test_key_figures_average_replications_with_an_interval():
    figures = key_figures(_results(TINY)).set_index("metric")
    assert figures.loc["pair_npv", "value"] == pytest.approx((350 / 3 + 400) / 2)
    assert figures.loc["pair_npv", "unit"] == "money per pair"
    assert list(figures.columns) == ["label", "value", "low", "high", "unit"]


def test_a_single_replication_has_no_interval():
    figures = key_figures(_results(TINY[TINY.replication == 0])).set_index("metric")
    assert math.isnan(figures.loc["pair_npv", "low"])
    assert figures.loc["pair_npv", "value"] == pytest.approx(350 / 3)


def test_metrics_whose_columns_are_missing_are_left_out():
    table = replication_metrics(_results(TINY.drop(columns=["npv", "end_reason"])))
    assert "pair_npv" not in table.columns and "lost_to_competitors" not in table.columns
    assert "reached_final" in table.columns


def test_synthetic_bundle_has_every_lifecycle_metric(lifecycle_bundle):
    table = replication_metrics(lifecycle_bundle.path)
    assert len(table) == 8
    expected = {"pairs", "reached_development", "reached_long_term", "reached_final",
                "mean_duration", "survival_one_year", "portfolio_npv", "pair_npv",
                "lost_to_competitors", "satisfaction_long_term", "entrant_share"}
    assert expected <= set(table.columns)
    assert table[list(expected)].notna().all().all()


def test_markov_key_figures_include_the_closed_form(markov_bundle):
    figures = key_figures(markov_bundle).set_index("metric")
    value = figures.loc["customer_value"]
    analytic = figures.loc["analytic_value", "value"]
    assert value.low < value.value < value.high
    assert abs(value.value - analytic) < 4 * (value.high - value.low) / 3.92


def test_loyalty_bundles_get_the_order_parameter_and_favourite_visits():
    import sim

    scenario = sim.load_scenario("loyalty_two_sellers", ["loyalty.buyers=200", "horizon=300 days"])
    results = sim.run(scenario, replications=3, seed=1, workers=1)
    table = replication_metrics(results)
    expected = results.pairs.groupby("replication")["y"].mean()
    assert np.allclose(table["order_parameter"], expected)
    assert ((table["order_parameter"] >= 0.5) & (table["order_parameter"] <= 1)).all()
    figures = key_figures(results).set_index("metric")
    assert {"order_parameter", "favourite_visits"} <= set(figures.index)
    assert "pairs" not in figures.index


def test_stage_figures_need_the_stages_from_the_bundle():
    manifest = {**_results(TINY).manifest, "vocabulary": {}}
    table = replication_metrics(Results(manifest, TINY, pd.DataFrame()))
    assert "reached_development" not in table.columns  # no stages: no guessing
    assert "pairs" in table.columns and "portfolio_npv" in table.columns
    assert len(durations(Results(manifest, TINY, pd.DataFrame()))) == len(TINY)


def test_no_two_metrics_of_a_bundle_share_a_label(lifecycle_bundle):
    # A table or figure keyed by label would merge two different figures.
    from analysis.metrics import labelled, metrics_of

    labels = [labelled(metric, lifecycle_bundle)[0] for metric in metrics_of(lifecycle_bundle)]
    assert len(labels) == len(set(labels))
