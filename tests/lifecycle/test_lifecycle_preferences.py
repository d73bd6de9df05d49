"""The buyer's preference store and the logit in searches and switches (reinforced choice)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from stub_market import StubMarket, make_buyer, make_pair, make_supplier

import sim
from reproduce import lifecycle_wkh as wkh
from sim.models.choice import decayed_preference
from sim.models.lifecycle import preferences
from sim.models.lifecycle.decisions import competitor_wins, switch_chance
from sim.models.lifecycle.market import Market
from sim.models.lifecycle.outputs import events_frame


def reinforced_stub(beta: float = 1.0, gamma: float = 0.2) -> StubMarket:
    market = StubMarket()
    market.choice_reinforced, market.choice_beta, market.choice_gamma = True, beta, gamma
    market.rel = market.rel.model_copy(update={"choice": market.rel.choice.model_copy(
        update={"reinforced": True, "beta": beta, "gamma": gamma})})
    return market


def at(market: StubMarket, week: float) -> None:
    market.env.run(until=week)


# ---------------------------------------------------------------- the lazy decay, exactly


def test_a_preference_decays_by_one_minus_gamma_per_order_interval_when_read():
    market = reinforced_stub(gamma=0.2)
    buyer, supplier = make_buyer(order_rate=0.5), make_supplier()  # an order every 2 weeks
    buyer.preferences[supplier] = (10.0, 0.0)
    assert preferences.preference(market, buyer, supplier) == 10.0
    at(market, 4.0)  # two order intervals
    assert preferences.preference(market, buyer, supplier) == pytest.approx(6.4, abs=1e-12)
    at(market, 5.0)  # two and a half
    assert preferences.preference(market, buyer, supplier) == pytest.approx(
        10.0 * 0.8 ** 2.5, abs=1e-12)
    assert buyer.preferences[supplier] == (10.0, 0.0)  # nothing is written by reading


def test_an_order_adds_its_value_to_the_decayed_preference_and_restarts_the_clock():
    market = reinforced_stub(gamma=0.2)
    buyer, supplier = make_buyer(order_rate=0.5), make_supplier()
    buyer.preferences[supplier] = (10.0, 0.0)
    at(market, 4.0)
    preferences.reinforce(market, buyer, supplier, 1.0)
    assert buyer.preferences[supplier] == pytest.approx((7.4, 4.0), abs=1e-12)
    at(market, 6.0)
    assert preferences.preference(market, buyer, supplier) == pytest.approx(5.92, abs=1e-12)


def test_a_supplier_never_bought_from_has_preference_zero_and_begin_keeps_what_is_known():
    market = reinforced_stub()
    pair = make_pair(market)
    assert preferences.preference(market, pair.buyer, pair.supplier) == 0.0
    preferences.begin(market, pair, prospect=0.8)
    assert pair.supplier not in pair.buyer.preferences  # reinforced: still unknown, 0
    pair.buyer.preferences[pair.supplier] = (3.0, 0.0)
    preferences.begin(market, pair, prospect=0.8)
    assert pair.buyer.preferences[pair.supplier] == (3.0, 0.0)


def test_per_order_memory_does_not_decay_and_starts_at_prospect_over_gamma():
    market = StubMarket()  # the default: reinforced false
    pair = make_pair(market)
    buyer, supplier = pair.buyer, pair.supplier
    preferences.begin(market, pair, prospect=0.8)
    assert preferences.preference(market, buyer, supplier) == pytest.approx(4.0)
    at(market, 100.0)
    assert preferences.preference(market, buyer, supplier) == pytest.approx(4.0)
    preferences.reinforce(market, buyer, supplier, 1.0)
    assert preferences.preference(market, buyer, supplier) == pytest.approx(0.8 * 4.0 + 1.0)


def test_a_supplier_neither_in_awareness_nor_a_supplier_is_forgotten():
    market = reinforced_stub()
    pair = make_pair(market)
    buyer, supplier, other = pair.buyer, pair.supplier, make_supplier("S2")
    buyer.preferences = {supplier: (2.0, 0.0), other: (1.0, 0.0)}
    buyer.aware = [other]
    preferences.forget(buyer, supplier)  # still its supplier
    preferences.forget(buyer, other)  # still in its awareness
    assert set(buyer.preferences) == {supplier, other}
    buyer.aware = []
    preferences.forget(buyer, other)
    assert set(buyer.preferences) == {supplier}


def test_decay_over_zero_periods_and_at_gamma_one():
    assert decayed_preference(4.0, 0.0, 1.0) == 4.0
    assert decayed_preference(4.0, 0.1, 1.0) == 0.0
    assert decayed_preference(-math.inf, 3.0, 0.5) == -math.inf
    with pytest.raises(ValueError, match="periods"):
        decayed_preference(1.0, -1.0, 0.5)
    assert preferences.memory_rate(1.0) == math.inf


# ---------------------------------------------------------------- switching by the logit


def test_switching_is_a_coin_at_beta_zero_and_follows_the_larger_preference_at_large_beta():
    market = reinforced_stub(beta=0.0)
    pair = make_pair(market)
    challenger = make_supplier("S2")
    pair.buyer.preferences = {pair.supplier: (5.0, 0.0), challenger: (1.0, 0.0)}
    assert switch_chance(market, pair, challenger) == pytest.approx(0.5)
    market = reinforced_stub(beta=20.0)
    assert switch_chance(market, pair, challenger) < 1e-9
    pair.buyer.preferences[challenger] = (6.0, 0.0)
    assert switch_chance(market, pair, challenger) > 1 - 1e-4  # inertia: 0.4 less


def test_the_switching_penalty_and_inertia_enter_as_a_preference_term():
    market = reinforced_stub(beta=1.0, gamma=0.2)
    pair = make_pair(market)
    challenger = make_supplier("S2")
    pair.buyer.preferences = {pair.supplier: (2.0, 0.0), challenger: (2.0, 0.0)}
    inertia = market.rel.switching.inertia
    expected = 1.0 / (1.0 + math.exp(inertia / 0.2))
    assert switch_chance(market, pair, challenger) == pytest.approx(expected)
    pair.switching_cost = 1e12  # the whole switching weight
    weight = market.rel.switching.switching_weight
    expected = 1.0 / (1.0 + math.exp((inertia + weight) / 0.2))
    assert switch_chance(market, pair, challenger) == pytest.approx(expected, rel=1e-6)


# ---------------------------------------------------------------- in a real market


def reduced_market(seed: int, beta: float, buyers: int, awareness: int,
                   breadth: int = 2) -> Market:
    scenario = sim.load_scenario(wkh.BASE, wkh.overrides(
        2, beta, buyers, 1.0, breadth=breadth,
        extra=(f"lifecycle.market.initial_awareness={awareness}",)))
    return Market(scenario, np.random.SeedSequence(seed))


def test_a_search_at_beta_zero_picks_each_known_supplier_and_the_outside_option_alike():
    market = reduced_market(1, beta=0.0, buyers=3000, awareness=2)
    # every buyer searched once on joining, knowing one or both suppliers
    known = np.array([len(b.aware) + len(b.pairs) for b in market.buyers])
    started = np.array([len(b.pairs) for b in market.buyers])
    expected = known / (known + 1.0)
    standard_error = math.sqrt(float(np.sum(expected * (1 - expected)))) / len(known)
    assert abs(started.mean() - expected.mean()) < 4 * standard_error
    both = known == 2
    picked = [b.pairs[0].supplier.name for b, two in zip(market.buyers, both, strict=True)
              if two and b.pairs]
    share = picked.count(market.suppliers[0].name) / len(picked)
    assert abs(share - 0.5) < 4 * math.sqrt(0.25 / len(picked))


def test_a_search_at_large_beta_picks_the_preferred_supplier():
    market = reduced_market(2, beta=50.0, buyers=200, awareness=0)
    first, second = market.suppliers
    for buyer in market.buyers:
        assert buyer.pairs == []
        buyer.aware = [first, second]
        buyer.preferences = {first: (0.5, 0.0), second: (1.0, 0.0)}
        market.sourcing.search(buyer)
    assert {buyer.pairs[0].supplier for buyer in market.buyers} == {second}


def test_a_competitors_offer_wins_half_the_time_between_equal_preferences():
    market = reduced_market(3, beta=2.0, buyers=2000, awareness=1, breadth=1)
    switched = tried = 0
    for buyer in market.buyers:
        if not buyer.pairs:
            continue
        pair = buyer.pairs[0]
        (other,) = [s for s in market.suppliers if s is not pair.supplier]
        buyer.aware = [other]
        buyer.preferences = {pair.supplier: (3.0, 0.0), other: (3.0, 0.0)}
        tried += 1
        switched += competitor_wins(market, pair, other)
    assert tried > 500
    assert abs(switched / tried - 0.5) < 4 * math.sqrt(0.25 / tried)


# ---------------------------------------------------------------- the outside option, reinforced


def test_reinforced_the_outside_option_starts_at_its_steady_state_and_stays_while_all_is_outside():
    market = reinforced_stub(gamma=0.2)
    buyer = make_buyer(order_rate=0.5, alternative_value=0.3)
    buyer.outside_preference = preferences.outside_start(market, buyer)
    assert buyer.outside_preference == pytest.approx(0.3 / -math.log(0.8), abs=1e-12)
    at(market, 40.0)
    assert preferences.outside(market, buyer) == pytest.approx(buyer.outside_preference, abs=1e-12)


def test_reinforced_the_outside_preference_follows_the_mean_of_its_orders_after_a_share_change():
    market = reinforced_stub(gamma=0.2)
    buyer = make_buyer(order_rate=0.5, alternative_value=0.3)
    rate = -math.log(0.8)
    start = buyer.outside_preference = preferences.outside_start(market, buyer)
    at(market, 2.0)
    preferences.outside_share(market, buyer, 0.25)  # a supplier now takes three orders in four
    at(market, 6.0)  # two order intervals later
    target = 0.25 * 0.3 / rate
    expected = target + (start - target) * 0.8 ** 2
    assert preferences.outside(market, buyer) == pytest.approx(expected, abs=1e-12)
    # the same as an order's rule applied to the mean: dJ/dt = r (s a - lambda J)
    dt = 1e-6
    at(market, 6.0 + dt)
    slope = (preferences.outside(market, buyer) - expected) / dt
    assert slope == pytest.approx(0.5 * (0.25 * 0.3 - rate * expected), rel=1e-4)
    preferences.outside_share(market, buyer, 1.0)  # the supplier is lost: back towards a / lambda
    at(market, 400.0)
    assert preferences.outside(market, buyer) == pytest.approx(start, rel=1e-9)


def test_per_order_the_outside_preference_is_alternative_value_over_gamma_whatever_the_shares():
    market = StubMarket()
    buyer = make_buyer(alternative_value=0.3)
    buyer.outside_preference = preferences.outside_start(market, buyer)
    assert buyer.outside_preference == pytest.approx(0.3 / market.rel.choice.gamma)
    preferences.outside_share(market, buyer, 0.1)
    at(market, 50.0)
    assert preferences.outside(market, buyer) == buyer.outside_preference


def test_reinforced_a_buyer_that_chose_by_search_judges_only_distance_in_pre():
    scenario = sim.load_scenario("baseline", overrides=[
        "lifecycle.relationship.choice.reinforced=true", "lifecycle.market.buyers.count=120",
        "lifecycle.market.suppliers.count=6", "horizon=3 years"])
    market = sim.models.lifecycle.run_market(scenario, np.random.SeedSequence(4), events=True)
    events = events_frame(market.log)
    changes = events[events["kind"] == "stage_change"].sort_values("time", kind="stable")
    last_start: dict[tuple[str, str], str] = {}
    causes = []
    for buyer, supplier, stage, new, cause in zip(
            changes["buyer"], changes["supplier"], changes["stage"], changes["new_stage"],
            changes["cause"], strict=True):
        if new == "pre":
            last_start[buyer, supplier] = cause
        elif stage == "pre" and new == "ended" and last_start.get((buyer, supplier)) == "search":
            causes.append(cause)
    assert sum(cause == "search" for cause in last_start.values()) > 20
    assert causes and "better_alternative" not in causes
    assert "too_far_apart" in causes
    # the reinforced outside option fell for buyers a supplier serves
    start = {b: b.alternative_value / -math.log(1 - market.choice_gamma) for b in market.buyers}
    served = [b for b in market.buyers if b.active and b.outside_share < 0.9
              and market.env.now - b.outside_since > 26]
    assert served
    assert all(preferences.outside(market, b) < start[b] for b in served)
