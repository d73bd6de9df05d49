"""The market: one replication's agents, parameters and processes.

One ``Market`` is one replication. Its SimPy processes are the ones of the
model: each supplier's marketing contacts, the buyers' requirement shifts,
buying-centre turnover and exits (each kind one merged Poisson process for
all buyers, ``clocks.py``), competitor entry, and one lifecycle process per
relationship (``stages.py``), whose reviews ``clocks.Reviews`` queues by
stage. A relationship exists only once a buyer and a supplier have met and
the buyer is motivated to evaluate it; nothing iterates over all
buyer-supplier combinations.

The market has three working parts: ``relationships`` keeps the books of every
relationship (``relationships.py``), ``sourcing`` decides how buyers find
suppliers and split their demand (``sourcing.py``), and ``orders`` places the
buyers' orders by those shares (``orders.py``: an event per order with a
supplier, the outside orders counted per sample period). Stage and decision
functions see the market through ``interface.LifecycleMarket``.
"""

from __future__ import annotations

import math

import numpy as np
import simpy

from sim.engine import EventLog, Streams, run_until
from sim.models.lifecycle import population
from sim.models.lifecycle.agents import Buyer, Draws, Supplier
from sim.models.lifecycle.clocks import BuyerClocks, Reviews
from sim.models.lifecycle.decisions import marketing_rate
from sim.models.lifecycle.economics import WEEKS_PER_YEAR
from sim.models.lifecycle.judgement import prospect_forecast
from sim.models.lifecycle.orders import OrderBook
from sim.models.lifecycle.outputs import EVENT_COLUMNS, Sampler
from sim.models.lifecycle.relationships import Relationships
from sim.models.lifecycle.sourcing import Sourcing


class Market:
    """One replication of the lifecycle model: agents, parameters and processes."""

    #: keeps the buyers' orders (``orders.py``); a test can put another in its place
    _order_book = OrderBook
    #: runs the buyers' constant-rate clocks (``clocks.py``); likewise replaceable
    _buyer_clocks = BuyerClocks
    #: queues the relationships' reviews (``clocks.py``); likewise replaceable
    _reviews = Reviews

    def __init__(self, scenario, seed: np.random.SeedSequence, events: bool = False):
        config = scenario.lifecycle
        self.config = config
        self.rel = config.relationship
        self.economics = config.economics
        self.policy = config.policy
        self.horizon = float(scenario.horizon)
        self.env = simpy.Environment()
        self.streams = Streams(seed)
        self._draws_per_purpose()
        self.log = EventLog(events, EVENT_COLUMNS)
        self.delta = math.log1p(self.economics.discount_rate)
        self.delta_per_week = self.delta / WEEKS_PER_YEAR
        attention = self.policy.attention
        self.attention_by_stage: tuple[float, ...] = (
            attention.pre, attention.early, attention.development,
            attention.long_term, attention.final,
        )
        reviews = self.rel.review_interval
        self.review_by_stage: tuple[float, ...] = (
            math.inf, reviews.early, reviews.development, reviews.long_term, reviews.final,
        )
        self._flat_parameters()
        self.buyers: list[Buyer] = []
        self.suppliers: list[Supplier] = []
        self.cumulative_value = 0.0
        self.cumulative_revenue = 0.0
        self.buyer_spend = 0.0
        self.spend_incumbents = 0.0
        self.spend_entrants = 0.0
        self.spend_outside = 0.0
        self.marketing_spend = 0.0
        self.prospects_judged = 0
        self.prospects_declined = 0
        self.entrants = 0
        self.next_buyer = 0
        self.next_supplier = 0
        self.first_entry = math.inf
        self.relationships = Relationships(self)
        self.sourcing = Sourcing(self)
        self.orders = self._order_book(self)
        self.buyer_clocks = self._buyer_clocks(self)
        self.reviews = self._reviews(self)
        population.populate(self)
        self.sampler = Sampler(self, float(scenario.sample_every))

    def _draws_per_purpose(self) -> None:
        """One stream of draws per purpose, so each purpose's numbers stay put."""
        streams = self.streams
        self.marketing_draws = Draws(streams["marketing"])
        self.order_draws = Draws(streams["orders"])
        self.episode_draws = Draws(streams["episodes"])
        self.requirement_draws = Draws(streams["requirements"])
        self.turnover_draws = Draws(streams["turnover"])
        self.decision_draws = Draws(streams["decisions"])
        self.population_draws = Draws(streams["population"])
        self.entry_draws = Draws(streams["entry"])
        self.outside_draws = Draws(streams["outside"])
        self.forecast_draws = Draws(streams["forecast"])

    def _flat_parameters(self) -> None:
        """Flat copies of the parameters read on every order (attribute chains cost time)."""
        rel = self.rel
        self.fit_scale = rel.orders.fit_scale
        self.fit_weight = rel.orders.fit_weight
        self.technology_weight = rel.orders.technology_weight
        self.time_weight = rel.orders.time_weight
        self.social_keep = 1.0 - rel.orders.social_learning
        self.satisfaction_memory = rel.satisfaction.memory
        self.choice_gamma = rel.choice.gamma
        self.choice_beta = rel.choice.beta
        self.choice_reinforced = rel.choice.reinforced
        self.trial_share = rel.trial.share
        self.goodwill_history = rel.trust.goodwill_history
        self.care_step = rel.trust.care_step
        self.handling_cost = self.economics.handling_cost

    # -- running ---------------------------------------------------------------

    def run(self) -> None:
        """Run to the horizon and close the books of the relationships still active."""
        self.env.process(self.sampler.process())
        run_until(self.env, self.horizon)
        self.sampler.finish()
        self.relationships.close(self.horizon)

    # -- processes ---------------------------------------------------------------

    def supplier_marketing(self, supplier: Supplier):
        """Poisson marketing contacts to buyers drawn at random (C2), at a rate the
        supplier reviews once a year by the value its contacts found (C16)."""
        own = supplier.marketing_rate
        if own <= 0.0:
            return
        draws = self.marketing_draws
        timeout = self.env.timeout
        cost = self.economics.marketing_cost
        contacts, found, review = 0, 0.0, self.env.now + WEEKS_PER_YEAR
        while True:
            yield timeout(draws.exponential(1.0 / supplier.marketing_rate))
            if not supplier.active:
                return
            buyer = self.sourcing.target(supplier)
            accounts = len(supplier.accounts)
            if buyer is not None and self.sourcing.contact(supplier, buyer):
                self.marketing_spend += cost
                contacts += 1
                if len(supplier.accounts) > accounts:
                    found += prospect_forecast(self, buyer, supplier)
            if self.env.now >= review:
                supplier.marketing_rate = marketing_rate(self, supplier, own, contacts, found)
                contacts, found, review = 0, 0.0, review + WEEKS_PER_YEAR

    def competitor_entry(self):
        """Competitors enter at random times (Poisson at ``entry.rate`` per year)."""
        rate = self.config.entry.rate / WEEKS_PER_YEAR
        while rate > 0.0:
            yield self.env.timeout(self.entry_draws.exponential(1.0 / rate))
            population.enter(self)
