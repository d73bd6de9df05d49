"""The forms behind prospects, projects and institutionalisation, and how a supplier judges a
prospect before any relationship exists (C9, C11, C12, C16)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from stub_market import StubMarket, make_buyer, make_pair, make_supplier

from sim.models.lifecycle import formulas
from sim.models.lifecycle.judgement import (
    attention_price,
    best_alternative_supplier,
    known_rivals,
    would_pursue,
)

# ---------------------------------------------------------------- complexity and projects


@pytest.mark.parametrize("rate, expected", [(0.0, 0.0), (26.0, 0.5), (78.0, 0.75), (2.6, 1 / 11)])
def test_complexity_is_the_order_rate_over_itself_plus_the_reference(rate, expected):
    assert formulas.complexity(rate, reference_rate=26.0) == pytest.approx(expected)


def test_complexity_rises_with_the_order_rate_and_stays_below_one():
    rates = np.geomspace(0.1, 1e6, 40)
    values = [formulas.complexity(rate, 26.0) for rate in rates]
    assert all(b > a for a, b in itertools.pairwise(values))
    assert values[0] > 0.0 and values[-1] < 1.0


@pytest.mark.parametrize("weight", [0.0, 0.25, 0.75, 1.0])
def test_a_project_is_median_sized_at_median_complexity_and_spans_one_plus_minus_weight(weight):
    assert formulas.project_scale(0.5, weight) == pytest.approx(1.0)
    assert formulas.project_scale(0.0, weight) == pytest.approx(1.0 - weight)
    assert formulas.project_scale(1.0, weight) == pytest.approx(1.0 + weight)
    # linear in complexity: the midpoint of two is the scale of their mean
    low, high = formulas.project_scale(0.2, weight), formulas.project_scale(0.6, weight)
    assert formulas.project_scale(0.4, weight) == pytest.approx((low + high) / 2)


# ---------------------------------------------------------------- institutionalisation


def chance(since, now, rate=0.5, reference=156.0, satisfied=1.0, unrivalled=1.0):
    return formulas.institutionalisation_chance(since, now, rate, reference, satisfied,
                                                unrivalled)


def test_the_chance_is_one_minus_the_survival_of_the_integrated_hazard():
    # h(t) = rate (t / reference) per year, t in weeks: integrate numerically over [30, 95]
    weeks = np.linspace(30.0, 95.0, 200_001)
    hazard_per_week = 0.5 * (weeks / 156.0) / 52.0
    integral = float(np.sum((hazard_per_week[1:] + hazard_per_week[:-1]) / 2 * np.diff(weeks)))
    assert chance(30.0, 95.0) == pytest.approx(1.0 - math.exp(-integral), rel=1e-9)


def test_reviews_compose_surviving_two_intervals_is_surviving_their_union():
    first, second, whole = chance(10.0, 62.0), chance(62.0, 114.0), chance(10.0, 114.0)
    assert (1 - first) * (1 - second) == pytest.approx(1 - whole, rel=1e-12)


def test_the_hazard_grows_with_the_time_already_spent_in_long_term():
    chances = [chance(start, start + 13.0) for start in (0.0, 52.0, 104.0, 208.0)]
    assert all(b > a for a, b in itertools.pairwise(chances))
    assert chance(40.0, 40.0) == 0.0


@pytest.mark.parametrize("satisfied, unrivalled", [(0.0, 1.0), (1.0, 0.0)])
def test_no_satisfaction_or_a_credible_rival_keeps_a_relationship_out_of_final(satisfied,
                                                                              unrivalled):
    assert chance(0.0, 520.0, satisfied=satisfied, unrivalled=unrivalled) == 0.0


def test_satisfaction_and_the_absence_of_rivals_scale_the_hazard_itself():
    full = -math.log(1 - chance(52.0, 104.0))
    assert -math.log(1 - chance(52.0, 104.0, satisfied=0.5)) == pytest.approx(full / 2)
    assert -math.log(1 - chance(52.0, 104.0, unrivalled=0.25)) == pytest.approx(full / 4)


# ---------------------------------------------------------------- the price of attention


@pytest.mark.parametrize("demand, extra, load", [
    (0.0, 0.0, 0.0), (30.0, 0.0, 0.5), (30.0, 15.0, 0.75), (60.0, 0.0, 1.0), (120.0, 5.0, 1.0),
])
def test_attention_costs_its_alternative_use_the_load_capped_at_full(demand, extra, load):
    market = StubMarket()
    supplier = make_supplier(capacity=60.0)
    supplier.attention_demand = demand
    price = attention_price(market, supplier, extra)
    assert price == pytest.approx(market.economics.attention_cost * load)


def test_a_supplier_without_account_managers_pays_the_full_cost():
    market = StubMarket()
    assert attention_price(market, make_supplier(capacity=0.0)) == market.economics.attention_cost


# ---------------------------------------------------------------- judging a prospect


def test_a_prospect_is_judged_once_and_the_verdict_remembered():
    market = StubMarket()
    buyer, supplier = make_buyer(), make_supplier()
    first = would_pursue(market, buyer, supplier)
    assert supplier.prospects == {buyer: first}
    assert market.prospects_judged == 1
    # a later change of mind would need a new judgement: the remembered verdict stands
    market.policy = market.policy.model_copy(update={"pursue_hurdle": -math.inf
                                                     if not first else math.inf})
    assert would_pursue(market, buyer, supplier) is first
    assert market.prospects_judged == 1


def test_a_declined_prospect_is_counted_as_declined():
    market = StubMarket()
    market.policy = market.policy.model_copy(update={"pursue_hurdle": math.inf})
    buyers = [make_buyer(name=f"B{i}") for i in range(3)]
    supplier = make_supplier()
    assert [would_pursue(market, b, supplier) for b in buyers] == [False, False, False]
    assert (market.prospects_judged, market.prospects_declined) == (3, 3)


def _rivals(market):
    buyer = make_buyer()
    make_pair(market, buyer=buyer, supplier=make_supplier("S1"))
    names = ("S1", "willing", "unwilling", "left", "rejected")
    suppliers = {name: make_supplier(name) for name in names[1:]}
    suppliers["S1"] = buyer.pairs[0].supplier
    suppliers["unwilling"].prospects[buyer] = False
    suppliers["willing"].prospects[buyer] = True
    suppliers["left"].prospects[buyer] = True
    suppliers["rejected"].prospects[buyer] = True
    suppliers["left"].active = False
    buyer.rejected.append(suppliers["rejected"])
    buyer.aware.extend(suppliers[name] for name in names)
    return buyer, suppliers


def test_a_buyer_can_turn_only_to_rivals_that_are_there_willing_and_not_turned_away():
    market = StubMarket()
    buyer, suppliers = _rivals(market)
    assert known_rivals(market, buyer) == [suppliers["willing"]]


def test_the_best_alternative_is_a_willing_rival_only_when_it_beats_the_spot_market():
    market = StubMarket()
    buyer, suppliers = _rivals(market)
    assert best_alternative_supplier(market, buyer) is suppliers["willing"]
    buyer.alternative_value = 10.0  # the spot market is worth more than any prospect
    assert best_alternative_supplier(market, buyer) is None
