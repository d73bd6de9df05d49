"""Money in a relationship against closed forms: continuous discounting and NPV."""

from __future__ import annotations

import math

import pytest
from scipy.integrate import quad
from stub_market import StubMarket, make_buyer, make_pair

from sim.models.lifecycle.agents import DEVELOPMENT, EARLY
from sim.models.lifecycle.economics import (
    accrue_attention,
    annual_hazard,
    attention_rate,
    book_investment,
    book_order,
    forecast_npv,
    present_value_of_flow,
)

DELTA = math.log1p(0.08)  # 8% a year, continuously


@pytest.mark.parametrize(("start", "end"), [(0.0, 52.0), (10.0, 300.0), (104.0, 105.0)])
def test_a_flow_is_worth_the_integral_of_its_discounted_rate(start, end):
    rate = 3.0  # money per week
    exact, _ = quad(lambda week: rate * math.exp(-DELTA * week / 52.0), start, end)
    assert present_value_of_flow(DELTA, rate, start, end) == pytest.approx(exact, rel=1e-12)


def test_a_years_flow_at_an_annual_rate_is_worth_its_closed_form():
    # integral of exp(-delta t) over one year = (1 - 1/1.08) / ln(1.08)
    value = present_value_of_flow(DELTA, 1.0 / 52.0, 0.0, 52.0)
    assert value == pytest.approx((1.0 - 1.0 / 1.08) / DELTA, rel=1e-12)


def test_flows_add_up_over_adjacent_intervals_and_are_undiscounted_without_a_rate():
    whole = present_value_of_flow(DELTA, 2.0, 0.0, 200.0)
    parts = present_value_of_flow(DELTA, 2.0, 0.0, 70.0) + present_value_of_flow(
        DELTA, 2.0, 70.0, 200.0)
    assert parts == pytest.approx(whole, rel=1e-12)
    assert present_value_of_flow(0.0, 2.0, 10.0, 60.0) == 100.0
    assert present_value_of_flow(DELTA, 2.0, 60.0, 10.0) == 0.0


def test_an_order_a_year_from_now_is_discounted_by_one_plus_the_rate():
    market = StubMarket()
    pair = make_pair(market)
    book_order(market, pair, revenue=100.0, cost=10.0, now=52.0)
    assert pair.margin == pytest.approx(30.0)
    assert pair.npv == pytest.approx((30.0 - 10.0) / 1.08)
    assert market.cumulative_value == pytest.approx(pair.npv)


def test_only_the_suppliers_adaptation_enters_its_npv_the_buyers_becomes_switching_cost():
    market = StubMarket()
    pair = make_pair(market)
    book_investment(market, pair, 40.0, by_supplier=True, now=0.0)
    book_investment(market, pair, 25.0, by_supplier=False, now=0.0)
    assert pair.npv == pytest.approx(-40.0)
    assert (pair.investment_buyer, pair.switching_cost) == (25.0, 25.0)


def test_attention_costs_the_discounted_flow_of_its_rate_over_the_time_it_was_given():
    market = StubMarket()
    pair = make_pair(market)
    pair.stage, pair.attention_since = EARLY, 0.0
    units = market.attention_by_stage[EARLY]
    accrue_attention(market, pair, 104.0)
    rate = units * market.economics.attention_cost
    per_week = DELTA / 52.0
    assert pair.attention_received == pytest.approx(units * 104.0)
    assert -pair.npv == pytest.approx(rate * (1.0 - math.exp(-per_week * 104.0)) / per_week)


def test_a_stretched_supplier_spreads_its_capacity_over_its_accounts():
    market = StubMarket()
    pair = make_pair(market)
    pair.stage = DEVELOPMENT
    allocation = market.attention_by_stage[DEVELOPMENT]
    pair.supplier.attention_demand = 2.0 * pair.supplier.capacity
    assert attention_rate(market, pair) == pytest.approx(allocation / 2.0)
    pair.supplier.attention_demand = 0.5 * pair.supplier.capacity
    assert attention_rate(market, pair) == allocation


def test_the_suppliers_ending_hazard_falls_with_satisfaction_and_commitment():
    assert annual_hazard(1.0, 0.0) == pytest.approx(0.05)
    assert annual_hazard(0.0, 1.0) == pytest.approx(0.05)
    assert annual_hazard(0.0, 0.0) == pytest.approx(0.85)
    assert annual_hazard(0.5, 0.5) == pytest.approx(0.25)


def _constant_net_per_year(market, pair, share: float, success: float) -> float:
    buyer, economics = pair.buyer, market.economics
    orders = buyer.order_rate * 52.0 * share
    serve = orders * (economics.handling_cost * (0.5 + pair.social)
                      + (1.0 - success) * economics.conflict_cost)
    attention = market.attention_by_stage[DEVELOPMENT] * economics.attention_cost * 52.0
    margin = orders * buyer.order_value * pair.supplier.price * pair.supplier.margin
    return margin - serve - attention


def test_the_npv_forecast_is_a_constant_stream_discounted_at_rate_plus_hazard():
    market = StubMarket()
    pair = make_pair(market, buyer=make_buyer(order_value=40.0))
    net = _constant_net_per_year(market, pair, share=0.5, success=0.9)
    rate = annual_hazard(0.6, 0.4) + DELTA
    years = market.economics.forecast_horizon / 52.0
    forecast = forecast_npv(market, pair, 0.5, DEVELOPMENT, 0.6, 0.4, success=0.9)
    assert net > 0
    assert forecast == pytest.approx(net * (1.0 - math.exp(-rate * years)) / rate, rel=1e-12)
    # the same stream paid week by week, each payment surviving and discounted
    weekly = sum(net / 52.0 * math.exp(-rate * (k + 0.5) / 52.0) for k in range(int(52 * years)))
    assert forecast == pytest.approx(weekly, rel=1e-4)


def test_a_long_forecast_horizon_tends_to_the_perpetuity_with_hazard():
    market = StubMarket()
    market.economics.forecast_horizon = 52.0 * 500
    pair = make_pair(market, buyer=make_buyer(order_value=40.0))
    net = _constant_net_per_year(market, pair, share=0.5, success=1.0)
    rate = annual_hazard(0.6, 0.4) + DELTA
    forecast = forecast_npv(market, pair, 0.5, DEVELOPMENT, 0.6, 0.4, success=1.0)
    assert forecast == pytest.approx(net / rate, rel=1e-9)
