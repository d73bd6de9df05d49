"""The merged clocks (``clocks.py``) against one clock per buyer and per review.

``PerBuyerClocks`` and ``PerPairReviews`` below are what the model ran before:
one requirement-shift process and one buying-centre process per buyer, an
exit time drawn by each buyer when it joins, and one timeout per scheduled
review. ``PerBuyerMarket`` runs the model with them, so whole replications
of the two can be compared on the same seeds (``paired_runs.py``: the yearly
spends, the counts of shifts, departures, exits and reviews, and every
relationship outcome; no figure's mean paired difference may differ from
zero at a family-wise level of 1% for a market's figures), on the baseline
and on a single-sourcing and a multi-sourcing market of other sizes with
buying centres of different sizes.

The unit tests check the merged processes against their distributions: each
buyer's shifts, departures and exits are Poisson at its own rate (its
buying centre's size times the rate per person for departures), the summed
rate follows the buyers that come and go, and a review falls at exactly the
week a timeout of its own would, once, and never when stale.
"""

from __future__ import annotations

import math
from itertools import cycle
from types import SimpleNamespace

import numpy as np
import paired_runs
import pytest
import simpy

from sim.models.lifecycle import clocks
from sim.models.lifecycle.agents import Draws
from sim.models.lifecycle.clocks import BuyerClocks, Reviews
from sim.models.lifecycle.market import Market
from sim.models.lifecycle.vocabulary import Message

WEEKS = 52.0
Z = 4.0  # standard deviations allowed for a count against its known distribution


class PerBuyerClocks:
    """One process per buyer and kind, and one exit time per buyer: the reference."""

    def __init__(self, market):
        self.market = market

    def join(self, buyer, slot) -> None:
        market, env = self.market, self.market.env
        buyers = market.config.market.buyers
        env.process(self._every(buyer, buyers.requirement_shift_rate,
                                market.requirement_draws, clocks.requirement_shift))
        env.process(self._every(buyer, buyer.buying_centre * buyers.turnover_rate,
                                market.turnover_draws, clocks.key_person_leaves))
        if buyers.exit_rate > 0.0:
            wait = market.population_draws.exponential(WEEKS / buyers.exit_rate)
            if env.now + wait < market.horizon:
                env.timeout(wait).callbacks.append(
                    lambda _e: clocks.buyer_leaves(market, buyer, slot))

    def _every(self, buyer, per_year, draws, happen):
        if per_year <= 0.0:
            return
        mean = WEEKS / per_year
        while True:
            yield self.market.env.timeout(draws.exponential(mean))
            if not buyer.active:
                return
            happen(self.market, buyer)

    def leave(self, buyer, slot) -> None:
        """Its processes stop at their next event."""

    def start(self) -> None:
        """Each buyer's processes started when it joined."""


class PerPairReviews:
    """One timeout per scheduled review: the reference."""

    def __init__(self, market):
        self.market = market

    def schedule(self, pair) -> None:
        token, market = pair.review_token, self.market

        def review(_event):
            if pair.review_token == token and not pair.ended:
                market.relationships.post(pair, (Message.REVIEW,))

        market.env.timeout(market.review_by_stage[pair.stage]).callbacks.append(review)


class PerBuyerMarket(Market):
    _buyer_clocks = PerBuyerClocks
    _reviews = PerPairReviews


# -- the buyers' clocks alone --------------------------------------------------------


def _clock_market(shift=52.0, turnover=10.4, exit_rate=0.5, centres=(1, 2, 5), seed=3):
    streams = np.random.default_rng(seed).spawn(3)
    rates = SimpleNamespace(requirement_shift_rate=shift, turnover_rate=turnover,
                            exit_rate=exit_rate)
    market = SimpleNamespace(
        env=simpy.Environment(), config=SimpleNamespace(market=SimpleNamespace(buyers=rates)),
        requirement_draws=Draws(streams[0]), turnover_draws=Draws(streams[1]),
        population_draws=Draws(streams[2]), buyers=[])
    market.buyer_clocks = BuyerClocks(market)
    sizes = cycle((2, 7, 1, 3))
    for slot, size in enumerate(centres):
        market.buyers.append(_buyer(slot, size))
        market.buyer_clocks.join(market.buyers[slot], slot)
    return market, sizes


class _Buyer:
    """What the clocks read of a buyer, and when it joined."""

    def __init__(self, index: int, centre: int):
        self.index, self.buying_centre, self.active, self.joined = index, centre, True, 0.0


def _buyer(index: int, centre: int) -> _Buyer:
    return _Buyer(index, centre)


@pytest.fixture
def clock_run(monkeypatch):
    """Three buyers' clocks over 20,000 weeks; every event noted by buyer."""
    market, sizes = _clock_market()
    events = {"shift": [], "left": [], "exit": []}
    lives: list[tuple[_Buyer, float]] = []  # each buyer and the weeks it was in the market
    clock = market.buyer_clocks

    def leaves(market_, buyer, slot):
        events["exit"].append((slot, market.env.now))
        buyer.active = False
        clock.leave(buyer, slot)
        lives.append((buyer, market.env.now - buyer.joined))
        newcomer = _buyer(100 + len(lives), next(sizes))
        newcomer.joined = market.env.now
        market.buyers[slot] = newcomer
        clock.join(newcomer, slot)
        persons = sum(b.buying_centre for b in market.buyers)
        assert clock.turnover_rate() == persons * (10.4 / WEEKS)

    monkeypatch.setattr(clocks, "requirement_shift",
                        lambda market_, buyer: events["shift"].append((buyer, market.env.now)))
    monkeypatch.setattr(clocks, "key_person_leaves",
                        lambda market_, buyer: (events["left"].append(buyer),
                                                assert_active(buyer)))
    monkeypatch.setattr(clocks, "buyer_leaves", leaves)
    clock.start()
    market.env.run(until=20_000.0)
    lives.extend((buyer, 20_000.0 - buyer.joined) for buyer in market.buyers)
    return events, lives


def assert_active(buyer):
    assert buyer.active


def _within(count: float, mean: float) -> bool:
    return abs(count - mean) <= Z * math.sqrt(mean)


def test_each_buyer_loses_key_persons_at_its_centres_size_times_the_rate(clock_run):
    events, lives = clock_run
    left = {}
    for buyer in events["left"]:
        left[buyer] = left.get(buyer, 0) + 1
    for size in {buyer.buying_centre for buyer, _ in lives}:
        weeks = sum(life for buyer, life in lives if buyer.buying_centre == size)
        count = sum(left.get(buyer, 0) for buyer, _ in lives if buyer.buying_centre == size)
        assert _within(count, size * 0.2 * weeks), (size, count, size * 0.2 * weeks)


def test_each_buyer_shifts_at_the_same_rate_and_each_slot_exits_as_a_poisson_process(clock_run):
    events, lives = clock_run
    shifted = {}
    for buyer, _ in events["shift"]:
        shifted[buyer] = shifted.get(buyer, 0) + 1
    assert all(buyer.active is False or buyer in [b for b, _ in lives] for buyer in shifted)
    weeks = {size: 0.0 for size in (1, 2, 3, 5, 7)}
    counts = dict.fromkeys(weeks, 0)
    for buyer, life in lives:  # by size of centre: shifts must not depend on it
        weeks[buyer.buying_centre] += life
        counts[buyer.buying_centre] += shifted.get(buyer, 0)
    for size in weeks:
        if weeks[size] > 0.0:
            assert _within(counts[size], weeks[size]), (size, counts[size], weeks[size])
    for slot in range(3):
        exits = [week for s, week in events["exit"] if s == slot]
        assert _within(len(exits), 0.5 / WEEKS * 20_000.0)
        gaps = np.diff([0.0, *exits])
        # exponential gaps: their standard deviation equals their mean
        assert abs(gaps.std(ddof=1) / gaps.mean() - 1.0) <= Z / math.sqrt(2.0 * len(gaps))
    windows = np.bincount([int(week // 10) for _, week in events["shift"]], minlength=2000)
    assert abs(windows.var(ddof=1) / windows.mean() - 1.0) <= Z * math.sqrt(2.0 / 1999)


def test_no_clock_without_a_rate():
    market, _ = _clock_market(shift=0.0, turnover=0.0, exit_rate=0.0)
    market.buyer_clocks.start()
    assert market.env.peek() == math.inf
    assert market.buyer_clocks.turnover_rate() == 0.0


# -- the reviews alone -----------------------------------------------------------------


def test_a_review_falls_when_its_own_timeout_would_once_and_never_when_stale():
    env = simpy.Environment()
    posted: list[tuple[str, float]] = []
    market = SimpleNamespace(
        env=env, review_by_stage=(math.inf, 8.0, 13.0, 52.0, 156.0),
        relationships=SimpleNamespace(post=lambda pair, message: posted.append(
            (pair.name, env.now, message))))
    reviews = Reviews(market)
    pairs = [SimpleNamespace(name=f"P{i}", stage=1 + i % 4, review_token=0, ended=False)
             for i in range(12)]
    expected = {}
    starts = np.random.default_rng(2).uniform(0.0, 40.0, len(pairs)).tolist()

    def begin(pair, start):
        yield env.timeout(start)
        reviews.schedule(pair)
        expected[pair.name] = env.now + market.review_by_stage[pair.stage]

    for pair, start in zip(pairs, starts, strict=True):
        env.process(begin(pair, start))
    env.run(until=41.0)
    assert len(env._queue) <= 4  # one event per stage with reviews due
    pairs[3].review_token += 1  # moved on before its final review: stale
    pairs[7].ended = True
    pre = SimpleNamespace(name="pre", stage=0, review_token=0, ended=False)
    reviews.schedule(pre)
    env.run(until=400.0)
    assert sorted(name for name, *_ in posted) == sorted(
        p.name for p in pairs if p not in (pairs[3], pairs[7]))
    for name, week, message in posted:
        assert week == expected[name]  # the same float as ``now + interval``
        assert message == (Message.REVIEW,)
    assert [week for _, week, _ in posted] == sorted(week for _, week, _ in posted)


# -- whole replications against one clock per buyer ----------------------------------


class HalfShifts(BuyerClocks):
    """Broken clocks: requirement shifts at half their summed rate."""

    def _shifts(self, rate, event):
        super()._shifts(rate if event is not None else rate / 2.0, event)


class HalfShiftsMarket(Market):
    _buyer_clocks = HalfShifts


SHORT = ("horizon=3 years",)
CENTRES = ("lifecycle.market.buyers.buying_centre={dist: uniform, low: 1, high: 8}",
           "lifecycle.market.buyers.turnover_rate=0.4")
SINGLE = ("horizon=4 years", "sample_every=13w", "lifecycle.market.buyers.count=150",
          "lifecycle.market.suppliers.count=6", "lifecycle.market.buyers.sourcing_breadth=1",
          "lifecycle.market.buyers.exit_rate=0.5", *CENTRES)
MULTI = ("horizon=3 years", "sample_every=52w", "lifecycle.market.buyers.count=200",
         "lifecycle.market.suppliers.count=16", "lifecycle.market.buyers.sourcing_breadth=3",
         "lifecycle.market.buyers.requirement_shift_rate=3",
         "lifecycle.market.buyers.exit_rate=0.2",
         "lifecycle.entry.rate=2", *CENTRES)


def differing(overrides, replications, market_class=Market):
    return paired_runs.differing(overrides, replications, market_class, PerBuyerMarket)


def test_the_comparison_finds_clocks_that_shift_requirements_too_rarely():
    found = differing(SHORT, 8, HalfShiftsMarket)
    assert "requirement_shifts" in found


@pytest.mark.parametrize("overrides", [SHORT, SINGLE, MULTI], ids=["baseline", "single", "multi"])
def test_spend_and_relationships_match_one_clock_per_buyer(overrides):
    assert differing(overrides, 8) == {}


@pytest.mark.slow
@pytest.mark.parametrize("overrides", [(), SINGLE, MULTI], ids=["baseline", "single", "multi"])
def test_spend_and_relationships_match_one_clock_per_buyer_long(overrides):
    assert differing(overrides, 100) == {}
