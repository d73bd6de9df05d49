"""A small stand-in for the market: what stage and decision functions see of it.

``StubMarket`` has the members of ``interface.LifecycleMarket`` that the
model's functions read, default parameters, a SimPy clock, draws that return
a fixed number, and bookkeeping and sourcing parts that only write down what
they were asked to do. One buyer and one supplier, placed by hand.
"""

from __future__ import annotations

import math

import simpy

from sim.engine import EventLog
from sim.models.lifecycle.agents import Buyer, Pair, Supplier
from sim.models.lifecycle.config import LifecycleConfig
from sim.models.lifecycle.vocabulary import EndCause, EndReason, Stage


class FixedDraws:
    """Every uniform is ``value``; normals are 0."""

    def __init__(self, value: float):
        self.value = value

    def uniform(self) -> float:
        return self.value

    def normal(self) -> float:
        return 0.0


class StubBooks:
    """Relationship bookkeeping that records calls and applies only their effect on the pair."""

    def __init__(self, market: StubMarket):
        self.market = market
        self.ended: list[tuple[EndReason, EndCause | None, str | None]] = []
        self.entered: list[tuple[Stage, str, float]] = []
        self.reviews = 0
        self.started: list[tuple[str, str]] = []

    def end(self, pair, reason, cause=None, *, rival=None, search=True) -> None:
        self.ended.append((EndReason(reason), cause, rival.name if rival else None))
        pair.end_reason = EndReason(reason).value
        if pair in pair.buyer.pairs:
            pair.buyer.pairs.remove(pair)
        pair.buyer.rejected.append(pair.supplier)
        pair.end = self.market.env.now

    def enter_stage(self, pair, stage, cause) -> None:
        self.entered.append((stage, str(cause), self.market.env.now))
        pair.stage, pair.stage_since = stage, self.market.env.now

    def start(self, buyer, supplier, cause) -> Pair:
        self.started.append((supplier.name, str(cause)))
        pair = Pair(buyer, supplier, self.market.env.now)
        trust = self.market.rel.trust
        pair.set_prior(supplier.reputation, trust.prior_strength, trust.goodwill_weight)
        buyer.pairs.append(pair)
        return pair

    def schedule_review(self, pair) -> None:
        self.reviews += 1

    def post(self, pair, message) -> None:
        pair.inbox.append(message)

    def record(self, pair, kind, cause, **values) -> None:
        pass


class StubSourcing:
    """Sourcing that counts how often the buyer's demand was split again."""

    def __init__(self):
        self.allocations = 0
        self.searches = 0

    def allocate(self, buyer) -> None:
        self.allocations += 1

    def search(self, buyer) -> None:
        self.searches += 1

    def update_searching(self, buyer) -> None:
        pass


class StubMarket:
    """Default parameters, a clock at week 0, fixed draws, recording parts."""

    def __init__(self, draw: float = 0.5):
        config = LifecycleConfig()
        self.config = config
        self.rel = config.relationship
        self.policy = config.policy
        self.economics = config.economics
        self.env = simpy.Environment()
        self.horizon = 520.0
        self.delta = math.log1p(config.economics.discount_rate)
        self.delta_per_week = self.delta / 52.0
        attention = config.policy.attention
        self.attention_by_stage = (attention.pre, attention.early, attention.development,
                                   attention.long_term, attention.final)
        self.review_by_stage = (math.inf, 8.0, 13.0, 52.0, 156.0)
        choice = config.relationship.choice
        self.choice_beta, self.choice_gamma = choice.beta, choice.gamma
        self.choice_reinforced = choice.reinforced
        self.decision_draws = self.episode_draws = FixedDraws(draw)
        self.log = EventLog(False)
        self.cumulative_value = self.cumulative_revenue = 0.0
        self.prospects_judged = self.prospects_declined = 0
        self.relationships = StubBooks(self)
        self.sourcing = StubSourcing()


def make_buyer(**values) -> Buyer:
    """A buyer at the centre of every space, tolerant, with modest outside options."""
    buyer = Buyer(1, "B1")
    buyer.culture = buyer.technology = buyer.location = (0.5, 0.5)
    buyer.requirements = [0.5, 0.5]
    buyer.order_rate, buyer.order_value = 0.5, 10.0
    buyer.breadth, buyer.tolerance = 2, 0.4
    buyer.search_threshold, buyer.expectation = 0.45, 0.6
    buyer.alternative_value, buyer.buying_centre = 0.3, 3
    buyer.outside_preference, buyer.trial_period = 1.5, 78.0
    for name, value in values.items():
        setattr(buyer, name, value)
    return buyer


def make_supplier(name: str = "S1", entrant: bool = False, **values) -> Supplier:
    """A good supplier next to the buyer, average skills, selling at the market price."""
    supplier = Supplier(1, name, entrant, 0.0)
    supplier.culture = supplier.technology = supplier.location = (0.5, 0.5)
    supplier.quality, supplier.reputation = 0.9, 0.9
    supplier.price, supplier.margin = 1.0, 0.3
    supplier.marketing_rate, supplier.capacity = 1.0, 60.0
    supplier.negotiation = supplier.problem_solving = 0.5
    supplier.conflict_resolution = supplier.customer_knowledge = 0.5
    for key, value in values.items():
        setattr(supplier, key, value)
    return supplier


def make_pair(market: StubMarket, buyer: Buyer | None = None,
              supplier: Supplier | None = None) -> Pair:
    """A new relationship between the buyer and the supplier, with the market's prior."""
    buyer = buyer or make_buyer()
    supplier = supplier or make_supplier()
    pair = Pair(buyer, supplier, market.env.now)
    trust = market.rel.trust
    pair.set_prior(supplier.reputation, trust.prior_strength, trust.goodwill_weight)
    buyer.pairs.append(pair)
    return pair
