"""What one order tells the relationship's process."""

from __future__ import annotations

import numpy as np
import pytest
from lifecycle_runs import small_scenario

from sim.models.lifecycle.agents import DEVELOPMENT, EARLY, LONG_TERM
from sim.models.lifecycle.episodes import EPISODE, PROBLEM, order_episode
from sim.models.lifecycle.market import Market
from sim.models.lifecycle.vocabulary import EntryCause


class _Uniforms:
    def __init__(self, value: float):
        self.value = value

    def uniform(self) -> float:
        return self.value


@pytest.fixture
def pair():
    market = Market(small_scenario(), np.random.SeedSequence(5))
    buyer = market.buyers[0]
    supplier = next(s for s in market.suppliers if all(p.supplier is not s for p in buyer.pairs))
    new = market.relationships.start(buyer, supplier, EntryCause.SEARCH)
    # every draw 0.999: the order fails, turns into a conflict, and the conflict stays open
    market.episode_draws = _Uniforms(0.999)
    new.supplier.problem_solving = new.supplier.conflict_resolution = 0.5
    return market, new


def test_an_early_order_with_an_open_conflict_tells_the_trial_once(pair):
    market, pair = pair
    pair.stage = EARLY
    order_episode(market, pair, 10.0)
    assert pair.unresolved == 1
    assert pair.inbox == [(EPISODE,)]


@pytest.mark.parametrize("stage", [DEVELOPMENT, LONG_TERM])
def test_a_later_order_with_an_open_conflict_asks_for_a_review_out_of_turn(pair, stage):
    market, pair = pair
    pair.stage = stage
    order_episode(market, pair, 10.0)
    assert pair.unresolved == 1
    assert pair.inbox == [(PROBLEM,)]


def test_a_good_early_order_tells_the_trial_once(pair):
    market, pair = pair
    pair.stage = EARLY
    market.episode_draws = _Uniforms(0.0)
    order_episode(market, pair, 10.0)
    assert (pair.unresolved, pair.failures) == (0, 0)
    assert pair.inbox == [(EPISODE,)]
