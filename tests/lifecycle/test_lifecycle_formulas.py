"""Each functional form is defined once (``formulas.py``); copies agree with it."""

from __future__ import annotations

import math

import numpy as np
import pytest
from lifecycle_runs import small_scenario

from sim.models.lifecycle import formulas
from sim.models.lifecycle.episodes import order_episode
from sim.models.lifecycle.judgement import success_probability, switching_penalty, update_commitment
from sim.models.lifecycle.market import Market
from sim.models.lifecycle.stages import development_ceiling
from sim.models.lifecycle.vocabulary import EntryCause


class _Uniforms:
    """Draws that hand out the given uniforms, then 0.99 (a failure's conflict stays open)."""

    def __init__(self, *values: float):
        self.values = list(values)

    def uniform(self) -> float:
        return self.values.pop(0) if self.values else 0.99


@pytest.fixture
def market_and_pair():
    market = Market(small_scenario(), np.random.SeedSequence(5), events=True)
    buyer = market.buyers[0]
    supplier = next(s for s in market.suppliers if all(p.supplier is not s for p in buyer.pairs))
    return market, market.relationships.start(buyer, supplier, EntryCause.SEARCH)


def _randomise(market, pair, rng: np.random.Generator) -> None:
    pair.offering = rng.random(2).tolist()
    pair.buyer.requirements = rng.random(2).tolist()
    pair.supplier.quality = rng.random()
    pair.technological, pair.time_distance = rng.random(2).tolist()
    market.fit_scale = market.rel.orders.fit_scale = 0.1 + rng.random()
    for name in ("fit_weight", "technology_weight", "time_weight"):
        weight = rng.random()
        setattr(market, name, weight)
        setattr(market.rel.orders, name, weight)


def test_an_orders_inlined_fit_and_success_chance_equal_their_definitions(market_and_pair):
    market, pair = market_and_pair
    rng = np.random.default_rng(2024)
    for _ in range(200):
        _randomise(market, pair, rng)
        fit = formulas.fit(pair.offering, pair.buyer.requirements, market.fit_scale)
        chance = formulas.success_probability(
            pair.supplier.quality, fit, pair.technological, pair.time_distance,
            market.fit_weight, market.technology_weight, market.time_weight,
        )
        assert success_probability(market, pair) == chance
        for draw, succeeds in ((chance * (1 - 1e-9), True), (chance * (1 + 1e-9) + 1e-12, False)):
            if not 0.0 <= draw < 1.0:
                continue
            successes = pair.alpha
            market.episode_draws = _Uniforms(draw)
            order_episode(market, pair, 10.0)
            assert (pair.alpha > successes) is succeeds
            episodes = market.log.frame().query("kind == 'episode'")
            assert episodes["fit_before"].iloc[-1] == fit


def test_trust_blends_reliability_with_goodwill_by_its_weight(market_and_pair):
    _market, pair = market_and_pair
    pair.alpha, pair.beta, pair.goodwill, pair.goodwill_weight = 6.0, 2.0, 0.4, 0.25
    assert pair.trust == pytest.approx(0.75 * 0.75 + 0.25 * 0.4)
    assert pair.trust == formulas.trust(6.0, 2.0, 0.4, 0.25)


def test_commitment_weighs_trust_share_and_sunk_investment_for_each_side(market_and_pair):
    market, pair = market_and_pair
    scale = market.rel.switching.switching_cost_scale
    pair.alpha, pair.beta, pair.goodwill_weight = 1.0, 0.0, 0.0  # trust 1
    pair.share, pair.investment_buyer, pair.investment_supplier = 1.0, scale, 0.0
    update_commitment(market, pair)
    assert pair.commitment_buyer == pytest.approx(0.35 + 0.3 + 0.35 * 0.5)
    assert pair.commitment_supplier == pytest.approx(0.4 + 0.2)


def test_switching_penalty_is_half_its_weight_at_the_scale(market_and_pair):
    market, pair = market_and_pair
    switching = market.rel.switching
    pair.switching_cost = switching.switching_cost_scale
    assert switching_penalty(market, pair) == pytest.approx(0.5 * switching.switching_weight)
    pair.switching_cost = 0.0
    assert switching_penalty(market, pair) == 0.0


@pytest.mark.parametrize(("trust", "ceiling"), [(0.3, 0.2), (0.5, 0.2), (0.75, 0.6), (1.0, 1.0)])
def test_developments_volume_ceiling_grows_from_the_trial_share_with_trust(trust, ceiling):
    assert development_ceiling(trust, trial_share=0.2) == pytest.approx(ceiling)


def test_fit_falls_linearly_to_zero_at_the_fit_scale():
    assert formulas.fit((0.0, 0.0), (0.3, 0.4), fit_scale=1.0) == pytest.approx(0.5)
    assert formulas.fit((0.0, 0.0), (0.3, 0.4), fit_scale=0.5) == 0.0
    assert math.isclose(formulas.sunk(0.0, 10.0), 0.0)
