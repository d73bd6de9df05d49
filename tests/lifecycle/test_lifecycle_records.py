"""What a replication keeps of its relationships once they are recorded."""

from __future__ import annotations

import gc

import numpy as np
from lifecycle_runs import small_scenario

from sim.models.lifecycle.agents import Buyer, Pair
from sim.models.lifecycle.market import Market


def test_ended_relationships_are_released_once_recorded():
    """An ended relationship's row is in the table and its object is not held for
    longer than its last queued review (stale reviews are dropped when due), so a
    long run keeps its live relationships and only the latest endings."""
    scenario = small_scenario(market={"buyers": {"count": 30, "exit_rate": 0.3},
                                      "suppliers": {"count": 3}})
    scenario = scenario.model_copy(update={"horizon": 3 * 52.0})
    market = Market(scenario, np.random.SeedSequence(11))
    ended: set[int] = set()  # ids only (a freed pair's id may be reused): a pair would stay alive
    endings = []
    market.relationships.on_end(lambda pair, _search: (ended.add(id(pair)), endings.append(1)))
    market.run()
    pairs = market.relationships.records.frame()
    assert len(endings) == (~pairs["censored"]).sum() > 20
    gc.collect()
    live = [o for o in gc.get_objects() if isinstance(o, Pair)]
    kept = [pair for pair in live if id(pair) in ended and pair.ended]
    longest = max(w for w in market.review_by_stage if w < float("inf"))
    assert all(pair.end >= market.horizon - longest for pair in kept)
    assert len(kept) < len(endings) / 10
    assert len(market.relationships.active) == pairs["censored"].sum() > 0


def test_departed_buyers_are_forgotten_by_the_suppliers():
    """A buyer that leaves is dropped from the suppliers' verdicts and size signals,
    so nothing of the market keeps it: only the buyers in the market stay alive."""
    scenario = small_scenario(market={"buyers": {"count": 30, "exit_rate": 0.5},
                                      "suppliers": {"count": 3}},
                              economics={"size_noise": 0.5})
    scenario = scenario.model_copy(update={"horizon": 3 * 52.0})
    market = Market(scenario, np.random.SeedSequence(12))
    market.run()
    current = set(map(id, market.buyers))
    judged = [b for s in market.suppliers for b in (*s.prospects, *s.size_signals)]
    assert judged and all(id(b) in current for b in judged)
    assert market.next_buyer > len(market.buyers) + 10  # buyers did leave
    market.relationships.active.clear()
    gc.collect()
    departed = [o for o in gc.get_objects() if isinstance(o, Buyer) and not o.active]
    # what still holds a departed buyer is only a relationship ended in the last reviews
    longest = max(w for w in market.review_by_stage if w < float("inf"))
    for buyer in departed:
        holders = [r for r in gc.get_referrers(buyer) if isinstance(r, Pair)]
        assert holders and all(p.end >= market.horizon - longest for p in holders)
