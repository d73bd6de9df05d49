"""What a delivered adaptation project changes, side by side (C8, C9, C10)."""

from __future__ import annotations

import math

import pytest
from stub_market import StubMarket, make_buyer, make_pair
from test_lifecycle_stages import committed, in_stage

from sim.models.lifecycle.agents import DEVELOPMENT
from sim.models.lifecycle.episodes import deliver_project, start_project


def developing(market, **buyer):
    pair = committed(in_stage(make_pair(market, make_buyer(**buyer)), DEVELOPMENT), 0.5, 0.0)
    pair.technological, pair.time_distance = 0.4, 0.3
    pair.offering = [0.2, 0.9]
    pair.buyer.requirements = [0.6, 0.5]
    return pair


def test_the_suppliers_project_moves_its_offering_towards_the_buyers_needs():
    market = StubMarket()
    effect = market.rel.development.adaptation_effect
    pair = developing(market)
    pair.projects[True] = 26.0
    deliver_project(market, pair, 12.0, by_supplier=True)
    assert pair.offering == pytest.approx([0.2 + effect * 0.4, 0.9 - effect * 0.4])
    assert pair.technological == pytest.approx(0.4 * (1 - effect))
    assert pair.time_distance == pytest.approx(0.3 * (1 - 0.5 * effect))
    assert (pair.adaptations_supplier, pair.adaptations_buyer) == (1, 0)


def test_the_buyers_project_narrows_technology_but_leaves_the_offering_and_timing():
    market = StubMarket()
    effect = market.rel.development.adaptation_effect
    pair = developing(market)
    pair.projects[False] = 26.0
    deliver_project(market, pair, 8.0, by_supplier=False)
    assert pair.offering == [0.2, 0.9] and pair.time_distance == 0.3
    assert pair.technological == pytest.approx(0.4 * (1 - effect))
    assert (pair.adaptations_supplier, pair.adaptations_buyer) == (0, 1)


def test_two_projects_compound_their_effect_on_technological_distance():
    market = StubMarket()
    effect = market.rel.development.adaptation_effect
    pair = developing(market)
    for by_supplier in (True, False):
        pair.projects[by_supplier] = 26.0
        deliver_project(market, pair, 10.0, by_supplier)
    assert pair.technological == pytest.approx(0.4 * (1 - effect) ** 2)
    assert pair.projects == {}


def test_trust_at_the_first_adaptation_is_kept_from_the_first_project_decided():
    market = StubMarket()
    pair = developing(market)
    assert math.isnan(pair.trust_at_adaptation)
    start_project(market, pair, 12.0, by_supplier=True, forecast=0.0)
    first = pair.trust_at_adaptation
    assert first == pair.trust
    pair.set_prior(0.99, 50, market.rel.trust.goodwill_weight)  # trust moves on
    start_project(market, pair, 8.0, by_supplier=False, forecast=0.0)
    assert pair.trust_at_adaptation == first


def test_a_project_runs_longer_in_a_just_in_time_relationship():
    market = StubMarket()
    simple, busy = developing(market, order_rate=0.1), developing(market, order_rate=5.0)
    start_project(market, simple, 12.0, by_supplier=True, forecast=0.0)
    start_project(market, busy, 12.0, by_supplier=True, forecast=0.0)
    assert simple.projects[True] < 26.0 < busy.projects[True]
