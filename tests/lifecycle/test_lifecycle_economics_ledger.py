"""The ledger of a relationship: what each booking adds, by stage, and what it costs the NPV."""

from __future__ import annotations

import math

import pytest
from stub_market import StubMarket, make_pair, make_supplier

from sim.models.lifecycle.agents import DEVELOPMENT, EARLY, LONG_TERM
from sim.models.lifecycle.economics import (
    accrue_attention,
    attention_rate,
    book_cost,
    book_order,
    present_value_of_flow,
)


def discount(market: StubMarket, week: float) -> float:
    return math.exp(-market.delta_per_week * week)


def test_orders_are_booked_to_the_stage_the_relationship_is_in():
    market = StubMarket()
    pair = make_pair(market)
    pair.stage = EARLY
    book_order(market, pair, revenue=50.0, cost=5.0, now=0.0)
    pair.stage = DEVELOPMENT
    book_order(market, pair, revenue=80.0, cost=4.0, now=26.0)
    assert pair.revenue_by_stage[EARLY] == 50.0 and pair.revenue_by_stage[DEVELOPMENT] == 80.0
    assert pair.cost_by_stage[EARLY] == 5.0 and pair.cost_by_stage[DEVELOPMENT] == 4.0
    assert (pair.revenue, pair.cost_to_serve) == (130.0, 9.0)
    assert pair.margin == pytest.approx(0.3 * 130.0)
    expected = (0.3 * 50.0 - 5.0) + (0.3 * 80.0 - 4.0) * discount(market, 26.0)
    assert pair.npv == pytest.approx(expected, rel=1e-12)
    assert market.cumulative_revenue == 130.0


def test_the_margin_is_the_suppliers_own():
    market = StubMarket()
    pair = make_pair(market, supplier=make_supplier(margin=0.1))
    book_order(market, pair, revenue=100.0, cost=0.0, now=0.0)
    assert pair.margin == pytest.approx(10.0) and pair.npv == pytest.approx(10.0)


def test_a_one_off_cost_lowers_the_npv_by_its_discounted_value_and_adds_no_revenue():
    market = StubMarket()
    pair = make_pair(market)
    pair.stage = LONG_TERM
    book_cost(market, pair, 20.0, now=104.0)
    assert pair.cost_to_serve == 20.0 and pair.cost_by_stage[LONG_TERM] == 20.0
    assert pair.revenue == 0.0
    assert pair.npv == pytest.approx(-20.0 / 1.08**2, rel=1e-12)  # two years at 8%
    assert market.cumulative_value == pytest.approx(pair.npv)


def test_attention_is_booked_once_for_each_stretch_of_time():
    market = StubMarket()
    pair = make_pair(market)
    pair.stage, pair.attention_since = EARLY, 0.0
    accrue_attention(market, pair, 30.0)
    first = pair.attention_cost
    accrue_attention(market, pair, 30.0)  # no time has passed
    accrue_attention(market, pair, 20.0)  # the clock never runs back; nothing to book
    assert pair.attention_cost == first and pair.attention_since == 30.0
    accrue_attention(market, pair, 60.0)
    assert pair.attention_cost == pytest.approx(2 * first)
    rate = market.attention_by_stage[EARLY] * market.economics.attention_cost
    assert -pair.npv == pytest.approx(present_value_of_flow(market.delta, rate, 0.0, 60.0),
                                      rel=1e-12)
    assert pair.cost_by_stage[EARLY] == pytest.approx(pair.attention_cost)


def test_a_supplier_without_capacity_gives_no_attention_and_books_no_cost():
    market = StubMarket()
    pair = make_pair(market, supplier=make_supplier(capacity=0.0))
    pair.stage, pair.attention_since = DEVELOPMENT, 0.0
    assert attention_rate(market, pair) == 0.0
    accrue_attention(market, pair, 52.0)
    assert pair.attention_received == 0.0 and pair.attention_cost == 0.0 and pair.npv == 0.0
    assert pair.attention_since == 52.0
