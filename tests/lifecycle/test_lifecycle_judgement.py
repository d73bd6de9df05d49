"""How a buyer in a trial judges its supplier against the rivals it knows of (C5, C6)."""

from __future__ import annotations

import numpy as np
import pytest
from lifecycle_runs import small_scenario

from sim.models.lifecycle.agents import Pair
from sim.models.lifecycle.judgement import (
    foresees_problems,
    known_rivals,
    outclassed,
    prospect_value,
    value_of_success,
)
from sim.models.lifecycle.market import Market


@pytest.fixture
def trial():
    """A buyer trying its first supplier; it knows of nobody else yet."""
    market = Market(small_scenario(), np.random.SeedSequence(11))
    buyer = market.buyers[0]
    incumbent, rival = market.suppliers[0], market.suppliers[1]
    buyer.pairs.clear()
    buyer.aware.clear()
    buyer.rejected.clear()
    buyer.requirements = list(incumbent.technology)
    rival.technology = list(incumbent.technology)
    incumbent.tailoring = rival.tailoring = None
    incumbent.price = rival.price = 1.0
    rival.reputation = 0.8
    rival.prospects[buyer] = True  # it has judged the buyer worth pursuing
    pair = Pair(buyer, incumbent, 0.0)
    buyer.pairs.append(pair)
    return market, pair, rival


def believe(pair: Pair, reliability: float, orders: float) -> None:
    """The buyer's belief after ``orders`` orders at ``reliability``."""
    pair.set_prior(reliability, orders, 0.3)


def level(market, pair, rival) -> float:
    """Reliability at which an order with the incumbent is worth the rival's prospect."""
    value = value_of_success(pair.fit(market.rel.orders.fit_scale), pair.supplier.price)
    return prospect_value(market, pair.buyer, rival) / value


def test_without_a_known_rival_nothing_outclasses_the_supplier(trial):
    market, pair, _ = trial
    believe(pair, 0.05, 200)
    assert known_rivals(market, pair.buyer) == []
    assert not outclassed(market, pair)


def test_a_known_rival_outclasses_a_supplier_surely_below_its_level(trial):
    market, pair, rival = trial
    pair.buyer.aware.append(rival)
    target = level(market, pair, rival)
    assert target == pytest.approx(0.8)
    believe(pair, target - 0.1, 200)
    assert not foresees_problems(market, pair)
    assert outclassed(market, pair)
    believe(pair, target + 0.1, 200)
    assert not outclassed(market, pair)


def test_the_buyer_needs_evidence_before_it_judges(trial):
    market, pair, rival = trial
    pair.buyer.aware.append(rival)
    target = level(market, pair, rival)
    # Just below the rival's level: likely below only once the belief is sharp.
    believe(pair, target - 0.02, 2)
    assert not outclassed(market, pair)
    believe(pair, target - 0.02, 5000)
    assert outclassed(market, pair)


def test_rejected_inactive_current_or_unwilling_suppliers_are_no_rivals(trial):
    market, pair, rival = trial
    buyer = pair.buyer
    buyer.aware.append(rival)
    believe(pair, 0.05, 200)
    buyer.rejected.append(rival)
    assert not outclassed(market, pair)
    buyer.rejected.clear()
    rival.active = False
    assert not outclassed(market, pair)
    rival.active = True
    buyer.pairs.append(Pair(buyer, rival, 0.0))
    assert not outclassed(market, pair)
    buyer.pairs.pop()
    rival.prospects[buyer] = False  # it found the buyer not worth pursuing
    assert not outclassed(market, pair)
    rival.prospects[buyer] = True
    assert outclassed(market, pair)
