"""Knowing the buying centre's key persons keeps part of the belief when one leaves (C14).

By hand: the knowledge stock after a known amount of attention, the share of
the belief a departure takes, and a knowledgeable, attentive supplier beside
an inattentive one. On real runs of markets unlike the bundled ones (single
and multi-sourcing): with more customer knowledge the belief's spread grows
less at departures and trust falls less (paired over seeds, 95% interval).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from lifecycle_runs import market_overrides
from stub_market import StubMarket, make_buyer, make_pair, make_supplier
from test_lifecycle_stages import in_stage

from analysis.stats import mean_interval
from sim.engine import replication_seed
from sim.models.lifecycle import simulate
from sim.models.lifecycle.agents import DEVELOPMENT
from sim.models.lifecycle.episodes import centre_knowledge, key_person_leaves
from sim.scenario import load_scenario


def _market() -> StubMarket:
    market = StubMarket()
    market.goodwill_history = market.rel.trust.goodwill_history  # the market's flat copy
    return market


def _developing(market, **supplier):
    pair = in_stage(make_pair(market, make_buyer(), make_supplier(**supplier)), DEVELOPMENT)
    pair.alpha, pair.beta = 18.0, 2.0
    pair.history = 10.0
    pair.update_goodwill(market.goodwill_history)
    return pair


def test_knowledge_of_the_key_persons_grows_with_attention_and_customer_knowledge():
    market = _market()
    pair = _developing(market, customer_knowledge=0.5)
    market.env.run(until=52.0)
    # 52 weeks at development's 1.2 units: 62.4 unit-weeks x 0.015 x 0.5
    expected = 1.0 - math.exp(-0.015 * 0.5 * 62.4)
    assert math.isclose(centre_knowledge(market, pair), expected)
    assert math.isclose(centre_knowledge(market, pair), expected)  # brought up to date once
    market.env.run(until=104.0)
    assert math.isclose(centre_knowledge(market, pair), 1.0 - math.exp(-0.015 * 0.5 * 124.8))


def test_a_departure_takes_the_returned_share_of_the_experience_less_what_is_known():
    market = _market()
    pair = _developing(market, customer_knowledge=0.5)
    market.env.run(until=52.0)
    knowledge = 1.0 - math.exp(-0.015 * 0.5 * 62.4)
    key_person_leaves(market, pair.buyer)
    lost = 0.4 * (1.0 - knowledge)  # uncertainty_return 0.4
    assert math.isclose(pair.alpha + pair.beta, 3.0 + 17.0 * (1.0 - lost))
    assert math.isclose(pair.reliability, 0.9)
    assert math.isclose(pair.history, 10.0 * (1.0 - lost))
    # the leaver, one of three key persons, takes a third of the knowledge
    assert math.isclose(pair.centre_knowledge, knowledge * 2.0 / 3.0)


def test_without_knowledge_a_departure_brings_back_the_full_uncertainty():
    market = _market()
    pair = _developing(market, customer_knowledge=0.0)
    market.env.run(until=52.0)
    key_person_leaves(market, pair.buyer)
    assert math.isclose(pair.alpha + pair.beta, 3.0 + 17.0 * 0.6)
    assert pair.centre_knowledge == 0.0


def _spread_growth(market, pair) -> tuple[float, float]:
    before, trust = pair.uncertainty, pair.trust
    key_person_leaves(market, pair.buyer)
    return pair.uncertainty - before, trust - pair.trust


def test_a_knowledgeable_attentive_supplier_keeps_more_of_the_belief_than_an_inattentive_one():
    market = _market()
    attentive = _developing(market, customer_knowledge=0.9)
    inattentive = _developing(market, customer_knowledge=0.9)
    inattentive.supplier.attention_demand = 600.0  # ten times its capacity: a tenth each
    unknowing = _developing(market, customer_knowledge=0.1)
    market.env.run(until=104.0)
    grown = {name: _spread_growth(market, pair) for name, pair in
             (("attentive", attentive), ("inattentive", inattentive), ("unknowing", unknowing))}
    assert grown["attentive"][0] < grown["inattentive"][0]
    assert grown["attentive"][0] < grown["unknowing"][0]
    assert 0.0 < grown["attentive"][1] < grown["inattentive"][1]  # trust falls less


MARKETS = {
    "single-sourcing, 80 buyers, 6 years": ("80", "5", "6 years", "1"),
    "multi-sourcing, 120 buyers, 8 years": ("120", "8", "8 years", "3"),
}
SEEDS = 3


def _departures(overrides, seed) -> tuple[float, float]:
    """Mean growth of the belief's spread and mean fall of trust at departures."""
    scenario = load_scenario("baseline", overrides=overrides)
    events = simulate(scenario, replication_seed(scenario.seed, seed), events=True)["events"]
    left = events[events["kind"] == "turnover"]
    return (float((left["uncertainty_after"] - left["uncertainty_before"]).mean()),
            float((left["trust_before"] - left["trust_after"]).mean()))


@pytest.mark.parametrize("market", list(MARKETS))
def test_more_customer_knowledge_keeps_more_of_the_belief_at_departures_on_a_real_run(market):
    base = market_overrides(*MARKETS[market])
    low, high = ([*base, f"lifecycle.skills.customer_knowledge={k}"] for k in (0.1, 0.9))
    differences = np.array([np.subtract(_departures(high, s), _departures(low, s))
                            for s in range(SEEDS)])
    for column in (0, 1):  # spread growth, trust fall: both smaller with knowledge
        _, _, upper = mean_interval(differences[:, column])
        assert upper < 0.0, (market, column, differences[:, column])
