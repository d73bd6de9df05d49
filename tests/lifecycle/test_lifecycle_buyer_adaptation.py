"""The buyer adapts only when its own forecast gain clears its hurdle (C8).

The forecast (``decisions.buyer_adaptation_gain``) is checked against a hand
computation, the decision just above and just below the hurdle, and on real
runs of markets unlike the bundled ones (single and multi-sourcing): every
buyer project follows a forecast that clears the hurdle, and every forecast
that clears it starts one.
"""

from __future__ import annotations

import math

import pytest
from stub_market import StubMarket, make_buyer, make_pair
from test_lifecycle_stages import in_stage

from sim.engine import replication_seed
from sim.models.lifecycle import simulate
from sim.models.lifecycle.agents import DEVELOPMENT
from sim.models.lifecycle.decisions import buyer_adaptation_gain, consider_adaptations
from sim.scenario import load_scenario


def _pair(market, technological=0.4, share=0.5, **buyer):
    """A developing pair: reliability 0.9, trust 0.78, fit 1, satisfaction 0.8,
    the buyer's commitment 0.5, 26 orders a year of value 10 (median complexity)."""
    pair = in_stage(make_pair(market, make_buyer(**buyer)), DEVELOPMENT)
    pair.alpha, pair.beta, pair.goodwill = 9.0, 1.0, 0.6
    pair.technological, pair.share, pair.satisfaction = technological, share, 0.8
    pair.commitment_buyer = 0.5
    return pair


def _hand_gain(share=0.5, technological=0.4, order_value=10.0):
    """The forecast worked by hand for ``_pair``."""
    per_order = 0.9 * ((1 - 0.25 * technological * 0.7) / (1 - 0.25 * technological) - 1) * 1.0
    per_year = per_order * order_value * 26 * share
    rate = 0.05 + 0.8 * (1 - 0.8) * (1 - 0.5) + math.log(1.08)  # hazard + delta
    return per_year * math.exp(-rate * 0.5) * (1 - math.exp(-rate * 5)) / rate


def test_the_buyers_forecast_gain_is_the_hand_computed_one():
    market = StubMarket()
    # 0.9 x (0.93 / 0.9 - 1) = 0.03 value per order, 3.9 a year; about 10.95 over five years
    assert math.isclose(buyer_adaptation_gain(market, _pair(market)), _hand_gain())
    assert math.isclose(_hand_gain(), 10.95, abs_tol=0.01)
    assert buyer_adaptation_gain(market, _pair(market, technological=0.0)) == 0.0


def test_the_gain_grows_with_volume_distance_and_horizon():
    market = StubMarket()
    gain = buyer_adaptation_gain(market, _pair(market))
    assert buyer_adaptation_gain(market, _pair(market, share=1.0)) == pytest.approx(2 * gain)
    assert buyer_adaptation_gain(market, _pair(market, technological=0.2)) < gain
    market.rel.development.buyer_horizon = 520.0
    assert buyer_adaptation_gain(market, _pair(market)) > gain


@pytest.mark.parametrize(("hurdle", "adapts"), [(0.36, True), (0.38, False)])
def test_the_buyer_adapts_just_above_its_hurdle_and_not_just_below(hurdle, adapts):
    # gain 10.95 against a cost of 8 (median complexity): a ratio of 1.369
    market = StubMarket()
    market.rel.development.buyer_hurdle = hurdle
    pair = _pair(market)
    consider_adaptations(market, pair)
    assert (False in pair.projects) is adapts


def test_a_trusting_buyer_with_little_volume_does_not_adapt():
    # a fifth of the volume: gain 2.2 against a cost of 8; the supplier still adapts
    market = StubMarket()
    pair = _pair(market, share=0.1)
    assert pair.trust >= market.rel.development.adaptation_trust
    consider_adaptations(market, pair)
    assert False not in pair.projects


def test_without_trust_the_buyer_does_not_adapt_however_large_the_gain():
    market = StubMarket()
    pair = _pair(market, share=1.0, order_value=100.0)
    pair.goodwill = 0.0  # trust 0.63
    assert buyer_adaptation_gain(market, pair) > 10 * market.economics.adaptation_buyer
    consider_adaptations(market, pair)
    assert False not in pair.projects


MARKETS = {
    "single-sourcing, 80 buyers, 6 years": ("80", "5", "6 years", "1"),
    "multi-sourcing, 120 buyers, 8 years": ("120", "8", "8 years", "3"),
}


@pytest.fixture(scope="module", params=list(MARKETS))
def market_events(request):
    buyers, suppliers, horizon, breadth = MARKETS[request.param]
    scenario = load_scenario("baseline", overrides=[
        f"lifecycle.market.buyers.count={buyers}", f"lifecycle.market.suppliers.count={suppliers}",
        f"horizon={horizon}", f"lifecycle.market.buyers.sourcing_breadth={breadth}",
    ])
    events = simulate(scenario, replication_seed(scenario.seed, 0), events=True)["events"]
    return scenario.lifecycle.relationship.development.buyer_hurdle, events


def test_on_a_real_run_buyers_adapt_exactly_when_their_forecast_clears_the_hurdle(market_events):
    hurdle, events = market_events
    keys = ["time", "buyer", "supplier"]
    decided = events[(events["kind"] == "decision") & (events["cause"] == "buyer_adapt")]
    projects = events[(events["kind"] == "adaptation") & (events["cause"] == "buyer")]
    clears = decided["forecast"] >= (1.0 + hurdle) * decided["amount"]
    assert clears.sum() > 10 and (~clears).sum() > 10  # the test binds both ways
    started = decided[clears][keys].merge(projects[keys], how="left", indicator=True)
    assert (started["_merge"] == "both").all()  # every forecast that clears starts one
    assert len(projects) == clears.sum()  # and no project without one
    assert (projects["forecast"] >= (1.0 + hurdle) * projects["amount"]).all()
    assert projects["stage"].isin(["development", "long_term"]).all()
