"""Offers tailored by the supplier's customer knowledge (C14): form, cost and effect.

A supplier's first offer to a prospect moves ``offer_tailoring x (0.3 + 0.5
customer_knowledge)`` of the way from its technology position towards the
buyer's requirements, at ``tailoring_cost``. The direction test compares the
same markets (same seeds) with and without tailoring on markets unlike the
bundled ones: single and multi-sourcing, smaller and shorter.
"""

from __future__ import annotations

import numpy as np
import pytest
from lifecycle_runs import interval, small_scenario

from sim.engine import replication_seed
from sim.models.lifecycle import formulas, simulate
from sim.models.lifecycle.agents import offering_for
from sim.models.lifecycle.market import Market
from sim.models.lifecycle.vocabulary import EntryCause
from sim.scenario import Scenario


def _market(tailoring: float) -> Market:
    return Market(small_scenario(relationship={"orders": {"offer_tailoring": tailoring}}),
                  np.random.SeedSequence(5))


def test_the_first_offer_moves_part_of_the_way_to_the_requirements():
    market = _market(0.5)
    buyer, supplier = market.buyers[0], market.suppliers[0]
    pull = 0.5 * formulas.tailoring_pull(supplier.customer_knowledge)
    assert supplier.offer_pull == pytest.approx(pull)
    offering = offering_for(buyer, supplier)
    for axis in (0, 1):
        gap = buyer.requirements[axis] - supplier.technology[axis]
        assert offering[axis] == pytest.approx(supplier.technology[axis] + pull * gap)


def test_without_tailoring_the_offer_is_the_standard_one_and_costs_nothing():
    market = _market(0.0)
    buyer, supplier = market.buyers[0], market.suppliers[0]
    buyer.pairs.clear()
    assert offering_for(buyer, supplier) == list(supplier.technology)
    pair = market.relationships.start(buyer, supplier, EntryCause.MARKETING)
    assert pair.cost_to_serve == 0.0


def test_a_tailored_offer_fits_better_and_its_cost_is_booked():
    tailored, standard = _market(1.0), _market(0.0)
    fits = []
    for market in (tailored, standard):
        buyer, supplier = market.buyers[0], market.suppliers[0]
        buyer.pairs.clear()
        pair = market.relationships.start(buyer, supplier, EntryCause.MARKETING)
        fits.append(pair.fit(market.rel.orders.fit_scale))
    assert fits[0] >= fits[1]
    assert pair.cost_to_serve == 0.0
    tailored_pair = tailored.buyers[0].pairs[-1]
    assert tailored_pair.cost_to_serve == pytest.approx(tailored.economics.tailoring_cost)


MARKETS = {
    "single-sourcing, 5 years": ("5 years", {"count": 100, "sourcing_breadth": 1}, 6),
    "multi-sourcing, 5 years": ("5 years", {"count": 100, "sourcing_breadth": 3}, 6),
    "larger, 3 years": ("3 years", {"count": 400}, 16),
}
SEEDS = 8


def _served(tailoring: float, name: str) -> np.ndarray:
    """Per seed: share of buyers buying from a supplier at the horizon (early or later)."""
    horizon, buyers, suppliers = MARKETS[name]
    scenario = Scenario.model_validate({
        "name": "tailoring", "model": "lifecycle", "horizon": horizon, "replications": 1,
        "seed": 17, "sample_every": "13w", "lifecycle": {
            "market": {"buyers": buyers, "suppliers": {"count": suppliers}},
            "relationship": {"orders": {"offer_tailoring": tailoring}},
        },
    })
    shares = []
    for replication in range(SEEDS):
        tables = simulate(scenario, replication_seed(scenario.seed, replication))
        pairs = tables["pairs"]
        served = pairs[pairs["censored"] & (pairs["end_stage"] != "pre")]["buyer"].nunique()
        shares.append(served / float(tables["timeseries"]["n_buyers"].iloc[-1]))
    return np.asarray(shares)


@pytest.mark.parametrize("name", list(MARKETS))
def test_tailored_offers_serve_more_buyers(name):
    # More buyers find a supplier whose offer beats the spot market (C1, C14).
    difference = _served(1.0, name) - _served(0.0, name)
    mean, low, high = interval(difference)
    assert low > 0.0, f"{name}: served share {mean:+.3f} [{low:+.3f}, {high:+.3f}]"
