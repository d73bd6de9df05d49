"""What a replication keeps of its relationships once they are recorded."""

from __future__ import annotations

import gc

import numpy as np
from lifecycle_runs import small_scenario

from sim.models.lifecycle.agents import Pair
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
