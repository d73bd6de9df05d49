"""Adaptations are projects: a cost and a duration from the relationship's complexity (C8, C9)."""

from __future__ import annotations

import math

from stub_market import StubMarket, make_buyer, make_pair
from test_lifecycle_stages import committed, in_stage

from sim.models.lifecycle import formulas
from sim.models.lifecycle.agents import DEVELOPMENT
from sim.models.lifecycle.decisions import consider_adaptations
from sim.models.lifecycle.episodes import project_scale, start_project


def _developing(market, **buyer):
    pair = committed(in_stage(make_pair(market, make_buyer(**buyer)), DEVELOPMENT), 0.5, 0.0)
    pair.technological = 0.4
    return pair


def test_a_just_in_time_relationship_needs_larger_and_longer_projects_than_a_simple_one():
    market = StubMarket()
    simple = project_scale(market, _developing(market, order_rate=0.1))  # 5 orders a year
    median = project_scale(market, _developing(market, order_rate=0.5))  # 26 a year
    just_in_time = project_scale(market, _developing(market, order_rate=5.0))  # 260 a year
    assert simple < median < just_in_time
    assert median == 1.0
    # 1 - 0.75 + 1.5 x 260 / 286
    assert math.isclose(just_in_time, 0.25 + 1.5 * 260 / 286)
    assert formulas.project_scale(0.0, weight=0.0) == formulas.project_scale(1.0, weight=0.0)


def test_a_project_takes_effect_only_when_it_is_delivered():
    market = StubMarket()
    pair = _developing(market)
    commitment = pair.commitment_supplier
    start_project(market, pair, 12.0, by_supplier=True, forecast=0.0)
    market.env.run(until=25.9)
    assert (pair.technological, pair.investment_supplier, pair.adaptations_supplier) == (0.4, 0, 0)
    market.env.run(until=26.1)  # project_time 26 weeks at median complexity
    assert math.isclose(pair.technological, 0.4 * (1 - market.rel.development.adaptation_effect))
    assert (pair.investment_supplier, pair.adaptations_supplier) == (12.0, 1)
    assert pair.commitment_supplier > commitment
    assert pair.projects == {}


def test_the_buyers_project_becomes_its_switching_cost_when_delivered():
    market = StubMarket()
    pair = _developing(market)
    start_project(market, pair, 8.0, by_supplier=False, forecast=math.nan)
    market.env.run(until=27.0)
    assert (pair.switching_cost, pair.adaptations_buyer, pair.npv) == (8.0, 1, 0.0)


def test_a_side_with_a_project_running_starts_no_other_at_the_next_review():
    market = StubMarket()
    pair = _developing(market)
    consider_adaptations(market, pair)
    assert set(pair.projects) == {True, False}
    due = dict(pair.projects)
    consider_adaptations(market, pair)
    assert pair.projects == due
    market.env.run(until=30.0)
    assert (pair.adaptations_supplier, pair.adaptations_buyer) == (1, 1)


def test_one_project_each_does_not_make_a_median_relationship_long_term():
    # commitment builds over several projects: after one each, both stay below threshold
    market = StubMarket()
    # orders of value 20: the buyer's project pays for itself (its forecast gain clears its cost)
    pair = _developing(market, order_value=20.0)
    pair.alpha, pair.beta, pair.goodwill = 8.0, 2.0, 0.6  # trust 0.74
    consider_adaptations(market, pair)
    market.env.run(until=30.0)
    threshold = market.rel.development.commitment_threshold
    assert (pair.adaptations_supplier, pair.adaptations_buyer) == (1, 1)
    assert min(pair.commitment_buyer, pair.commitment_supplier) < threshold


def test_the_project_of_a_relationship_that_ended_is_abandoned():
    market = StubMarket()
    pair = _developing(market)
    start_project(market, pair, 12.0, by_supplier=True, forecast=0.0)
    pair.end_reason = "competitor"
    market.env.run(until=40.0)
    assert (pair.technological, pair.investment_supplier) == (0.4, 0.0)
