"""What a supplier knows of a buyer's demand (C1): a size signal, then the orders it sees.

The functional form is checked on a stub market; whole runs show that the
supplier's error about a buyer's order rate falls as it sees orders, paired
within each relationship (its error at its first orders against its error
after ten or more), on the baseline and on markets unlike the bundled ones
(single- and multi-sourcing, other sizes and horizons).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from lifecycle_runs import market_overrides, small_scenario
from stub_market import StubMarket, make_buyer, make_pair, make_supplier

from sim.engine import replication_seed
from sim.models.lifecycle.agents import DEVELOPMENT, EARLY, Draws
from sim.models.lifecycle.economics import (
    estimated_order_rate,
    forecast_account,
    forecast_npv,
    pair_order_rate,
    prior_orders,
    size_signal,
)
from sim.models.lifecycle.market import Market
from sim.scenario import load_scenario


def _noisy(market: StubMarket, noise: float, seed: int = 1) -> StubMarket:
    market.economics = market.economics.model_copy(update={"size_noise": noise})
    market.forecast_draws = Draws(np.random.default_rng(seed))
    return market


def test_without_noise_the_supplier_forecasts_with_the_buyers_true_demand():
    market = _noisy(StubMarket(), 0.0)
    pair = make_pair(market, buyer=make_buyer(order_rate=0.7, order_value=40.0))
    assert prior_orders(market.economics) == math.inf
    assert size_signal(market, pair.buyer, pair.supplier) == 1.0
    pair.episodes, pair.exposure = 3, 50.0  # what it saw changes nothing
    assert pair_order_rate(market, pair) == 0.7
    truth = forecast_account(market, pair.buyer, pair.supplier, pair.social, 0.5, DEVELOPMENT,
                             0.6, 0.4, 0.9, order_rate=0.7)
    assert forecast_npv(market, pair, 0.5, DEVELOPMENT, 0.6, 0.4, success=0.9) == truth
    assert not pair.supplier.size_signals


def test_by_default_no_signal_is_drawn_and_every_forecast_uses_the_true_demand():
    market = Market(small_scenario(), replication_seed(3, 0))
    market.run()
    assert market.economics.size_noise == 0.0
    assert not any(supplier.size_signals for supplier in market.suppliers)
    pairs = [pair for buyer in market.buyers for pair in buyer.pairs if pair.episodes]
    assert pairs
    for pair in pairs:
        assert pair_order_rate(market, pair) == pair.buyer.order_rate


def test_the_prior_is_worth_as_many_orders_as_the_signals_spread():
    market = _noisy(StubMarket(), 0.5)
    k = prior_orders(market.economics)
    assert k == pytest.approx(1.0 / math.expm1(0.25))  # about 3.5 orders
    # a Gamma prior of shape k has coefficient of variation 1 / sqrt(k), the signal's
    assert 1.0 / math.sqrt(k) == pytest.approx(math.sqrt(math.expm1(0.25)))
    fixed = market.economics.model_copy(update={"forecast_prior_orders": 3.0})
    assert prior_orders(fixed) == 3.0


def test_the_estimate_is_the_gamma_poisson_posterior_mean_from_the_signal():
    market = _noisy(StubMarket(), 0.5)
    market.economics = market.economics.model_copy(update={"forecast_prior_orders": 3.0})
    buyer, supplier = make_buyer(order_rate=0.5), make_supplier()
    signal = size_signal(market, buyer, supplier)
    assert size_signal(market, buyer, supplier) == signal  # drawn once, kept
    assert estimated_order_rate(market, buyer, supplier) == pytest.approx(0.5 * signal)
    # 12 orders over 40 share-weeks: (3 + 12) / (3 / (0.5 signal) + 40)
    posterior = estimated_order_rate(market, buyer, supplier, 12, 40.0)
    assert posterior == pytest.approx(15.0 / (3.0 / (0.5 * signal) + 40.0))
    # with many orders the estimate goes to what was seen, whatever the signal
    assert estimated_order_rate(market, buyer, supplier, 3000, 10_000.0) == pytest.approx(
        0.3, rel=0.01)


def test_size_signals_are_unbiased_with_the_configured_spread():
    market = _noisy(StubMarket(), 0.5, seed=7)
    supplier = make_supplier()
    draws = [size_signal(market, buyer, supplier)
             for buyer in (make_buyer() for _ in range(20_000))]
    signals = np.asarray(draws)
    assert signals.mean() == pytest.approx(1.0, abs=3 * signals.std() / math.sqrt(signals.size))
    assert np.log(signals).std() == pytest.approx(0.5, rel=0.03)


def _errors(scenario, seed, every: float = 4.0) -> dict:
    """Per relationship that began trial orders: the supplier's relative error about the
    buyer's order rate at its first sample with at most 2 orders seen and at its last with
    at least 10 (``|estimate / true - 1|``), sampled every ``every`` weeks."""
    market = Market(scenario, seed)
    first: dict = {}
    last: dict = {}

    def sample():
        while True:
            yield market.env.timeout(every)
            for buyer in market.buyers:
                if buyer.order_rate <= 0.0:
                    continue
                for pair in buyer.pairs:
                    if pair.stage < EARLY:
                        continue
                    error = abs(pair_order_rate(market, pair) / buyer.order_rate - 1.0)
                    if pair.episodes <= 2:
                        first.setdefault(pair, error)
                    elif pair.episodes >= 10:
                        last[pair] = error

    market.env.process(sample())
    market.run()
    return {pair: (first[pair], last[pair]) for pair in last if pair in first}


MARKETS = {
    "baseline": ["horizon=4 years"],
    "single-sourcing, 120 buyers, 6 years": market_overrides("120", "6", "6 years", "1"),
    "multi-sourcing, 200 buyers, 3 years": market_overrides("200", "10", "3 years", "3"),
}


@pytest.mark.parametrize("overrides", MARKETS.values(), ids=MARKETS.keys())
def test_the_suppliers_error_about_demand_falls_as_it_sees_orders(overrides):
    scenario = load_scenario("baseline", overrides=[*overrides,
                                                    "lifecycle.economics.size_noise=0.5"])
    early, later = [], []
    for replication in range(2):
        for before, after in _errors(scenario, replication_seed(scenario.seed, replication)
                                     ).values():
            early.append(before)
            later.append(after)
    difference = np.asarray(early) - np.asarray(later)
    mean = difference.mean()
    half = 1.96 * difference.std(ddof=1) / math.sqrt(difference.size)
    assert difference.size >= 30
    assert mean - half > 0.1, (
        f"error {np.mean(early):.3f} -> {np.mean(later):.3f} over {difference.size} "
        f"relationships: fall {mean:.3f} [{mean - half:.3f}, {mean + half:.3f}]")
