"""The focal suppliers (the incumbents) have key figures of their own beside the market's."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from analysis.focal import focal_pairs
from analysis.metrics import key_figures, replication_metrics


def test_incumbents_figures_are_the_market_figures_of_their_own_pairs(lifecycle_bundle):
    table = replication_metrics(lifecycle_bundle)
    mine = replication_metrics(focal_pairs(lifecycle_bundle))
    np.testing.assert_allclose(table["focal_portfolio_npv"], mine["portfolio_npv"])
    np.testing.assert_allclose(table["focal_lost_to_competitors"], mine["lost_to_competitors"])
    np.testing.assert_allclose(table["focal_reached_long_term"], mine["reached_long_term"])
    share = table["focal_share"] + table["entrant_share"]
    assert (share <= 100 + 1e-9).all()


def test_incumbents_portfolio_npv_counts_only_incumbent_suppliers(lifecycle_bundle):
    pairs = lifecycle_bundle.pairs
    first = pairs[(pairs["replication"] == 0) & ~pairs["entrant"].astype(bool)]
    expected = first.groupby("supplier")["npv"].sum().mean()
    assert replication_metrics(lifecycle_bundle)["focal_portfolio_npv"][0] == pytest.approx(
        expected)


def test_focal_figures_appear_only_where_a_competitor_entered(lifecycle_bundle):
    shown = set(key_figures(lifecycle_bundle)["metric"])
    assert {"focal_share", "focal_portfolio_npv", "focal_lost_to_competitors"} <= shown
    pairs = lifecycle_bundle.pairs.assign(entrant=False)
    no_entry = dataclasses.replace(lifecycle_bundle, pairs=pairs)
    assert not any(m.startswith("focal_") for m in key_figures(no_entry)["metric"])


def test_each_lost_to_competitors_figure_says_its_denominator(lifecycle_bundle):
    units = key_figures(lifecycle_bundle).set_index("metric")["unit"]
    assert units["lost_to_competitors"] == "% of ended relationships"
    assert units["long_term_lost_to_competitors"] == "% of those reaching long-term"
    assert units["focal_lost_to_competitors"] == "% of incumbents' ended relationships"


def test_money_is_labelled_with_the_scenarios_currency_and_scale(lifecycle_bundle):
    import json

    from analysis.plots import plot_outcomes

    manifest = json.loads(json.dumps(lifecycle_bundle.manifest))
    manifest["scenario"]["money_unit"] = "EUR thousand"
    priced = dataclasses.replace(lifecycle_bundle, manifest=manifest)
    units = key_figures(priced).set_index("metric")["unit"]
    assert units["portfolio_npv"] == "EUR thousand per supplier"
    assert units["pair_npv"] == "EUR thousand per pair"
    assert units["focal_portfolio_npv"] == "EUR thousand per incumbent"
    assert key_figures(lifecycle_bundle).set_index("metric")["unit"]["pair_npv"] == \
        "money per pair"
    labels = [ax.get_xlabel() for ax in plot_outcomes(priced).axes if ax.get_visible()]
    assert "EUR thousand per supplier" in labels


def test_money_unit_is_a_scenario_field_with_a_default():
    from sim.scenario import load_scenario

    assert load_scenario("baseline").money_unit == "money"
    assert load_scenario("baseline", ["money_unit=EUR thousand"]).money_unit == "EUR thousand"
