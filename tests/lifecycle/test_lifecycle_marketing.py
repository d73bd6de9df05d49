"""Marketing cost enters the supplier's decisions (C16): whom it pursues and how often it calls.

By hand: the expected cost of courting a prospect is a contact's cost over
the chance that one persuades it; a prospect whose forecast clears the
hurdle only without that cost is declined; the yearly contact rate moves by
one step towards what contacts are worth and stays within its bounds. On
real runs of markets unlike the bundled ones (single and multi-sourcing,
other sizes and horizons): dear marketing makes suppliers decline more
prospects and call less often than cheap marketing (paired over seeds, 95%
interval).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from lifecycle_runs import market_overrides
from stub_market import StubMarket, make_buyer, make_supplier

from analysis.stats import mean_interval
from sim.engine import replication_seed
from sim.models.lifecycle import run_market
from sim.models.lifecycle.decisions import marketing_rate
from sim.models.lifecycle.judgement import (
    courting_cost,
    offer_appeal,
    prospect_forecast,
    prospect_value,
    would_pursue,
)
from sim.scenario import load_scenario


def test_courting_costs_a_contact_over_the_chance_that_one_persuades():
    market = StubMarket()
    buyer, supplier = make_buyer(), make_supplier()
    appeal = offer_appeal(market, buyer, supplier)
    expected = 0.5 + (prospect_value(market, buyer, supplier) - buyer.alternative_value) / 0.2
    assert appeal == pytest.approx(min(1.0, max(0.0, expected)))
    assert courting_cost(market, buyer, supplier) == pytest.approx(0.5 / (0.6 * appeal))
    market.economics.marketing_cost = 0.0
    assert courting_cost(market, buyer, supplier) == 0.0


def test_a_prospect_no_contact_can_persuade_costs_without_bound():
    market = StubMarket()
    buyer = make_buyer(alternative_value=1.0)  # the spot market beats the offer by 0.5
    supplier = make_supplier(reputation=0.5)
    assert offer_appeal(market, buyer, supplier) == 0.0
    assert courting_cost(market, buyer, supplier) == math.inf
    assert not would_pursue(market, buyer, supplier)


def test_a_prospect_worth_less_than_its_courting_is_declined():
    market = StubMarket()
    buyer, supplier = make_buyer(), make_supplier()
    forecast = prospect_forecast(market, buyer, supplier)
    cost = courting_cost(market, buyer, supplier)
    market.policy.pursue_hurdle = forecast - 0.5 * cost  # cleared only without the courting
    assert not would_pursue(market, buyer, supplier)
    other = make_buyer()
    market.policy.pursue_hurdle = forecast - 2.0 * cost
    assert would_pursue(market, other, supplier)


@pytest.mark.parametrize(("found", "factor"), [(10.0, 0.8), (25.0, 1.2), (20.0, 1.0)])
def test_the_rate_steps_down_when_a_contact_is_worth_less_than_it_costs_and_up_when_more(
        found, factor):
    market = StubMarket()
    market.economics.marketing_cost = 0.5
    supplier = make_supplier(marketing_rate=1.0)
    # 40 contacts: worth 0.25, 0.625 and exactly 0.5 each, against a cost of 0.5
    assert marketing_rate(market, supplier, 1.0, 40, found) == pytest.approx(factor)


def test_the_rate_stays_within_its_bounds_and_without_contacts():
    market = StubMarket()
    supplier = make_supplier(marketing_rate=1.9)
    assert marketing_rate(market, supplier, 1.0, 10, 100.0) == pytest.approx(2.0)  # ceiling
    supplier.marketing_rate = 0.27
    assert marketing_rate(market, supplier, 1.0, 10, 0.0) == pytest.approx(0.25)  # floor
    assert marketing_rate(market, supplier, 1.0, 0, 0.0) == pytest.approx(0.27)
    market.policy.marketing_step = 0.0  # fixed rates
    assert marketing_rate(market, supplier, 1.0, 10, 0.0) == pytest.approx(0.27)


MARKETS = {
    "single-sourcing, 80 buyers, 6 suppliers, 5 years": ("80", "6", "5 years", "1"),
    "multi-sourcing, 150 buyers, 10 suppliers, 8 years": ("150", "10", "8 years", "3"),
}
SEEDS = 4
CHEAP, DEAR = 0.5, 30.0
"""Money per contact: the baseline's cost, and one above what a contact finds there."""


def _marketing(overrides, seed: int) -> tuple[float, float]:
    """Share of judged prospects declined, and the incumbents' mean contact rate at the
    horizon (per year; the same seed draws the same incumbents and own rates)."""
    scenario = load_scenario("baseline", overrides=overrides)
    market = run_market(scenario, replication_seed(scenario.seed, seed))
    incumbents = [52.0 * s.marketing_rate for s in market.suppliers if not s.entrant]
    return market.prospects_declined / market.prospects_judged, float(np.mean(incumbents))


@pytest.mark.parametrize("market", list(MARKETS))
def test_dear_marketing_declines_more_prospects_and_calls_less_on_a_real_run(market):
    base = market_overrides(*MARKETS[market])
    rows = np.array([
        np.subtract(_marketing([*base, f"lifecycle.economics.marketing_cost={DEAR}"], seed),
                    _marketing([*base, f"lifecycle.economics.marketing_cost={CHEAP}"], seed))
        for seed in range(SEEDS)])
    _, low, _ = mean_interval(rows[:, 0])
    assert low > 0.0, (market, rows[:, 0])  # more prospects declined
    _, _, high = mean_interval(rows[:, 1])
    assert high < 0.0, (market, rows[:, 1])  # a lower contact rate
