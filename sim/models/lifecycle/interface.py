"""What stage, decision, episode and judgement functions see of the market.

They receive a ``LifecycleMarket``: the replication's clock, parameters,
random draws and agents, and its three working parts, ``relationships`` (the
bookkeeping: start, stage entry, end, messages, records), ``sourcing``
(contacts, searches, volume shares) and ``orders`` (the buyers' orders by
those shares), and its clocks, ``buyer_clocks`` (every buyer's requirement
shifts, key-person departures and exit) and ``reviews`` (the relationships'
reviews). ``Market`` (``market.py``) is the one
implementation; a test may pass any object with these members.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import simpy

    from sim.engine import EventLog, Streams
    from sim.models.lifecycle.agents import Buyer, Draws, Supplier
    from sim.models.lifecycle.clocks import BuyerClocks, Reviews
    from sim.models.lifecycle.config import Economics, LifecycleConfig, Policy, Relationship
    from sim.models.lifecycle.orders import OrderBook
    from sim.models.lifecycle.relationships import Relationships
    from sim.models.lifecycle.sourcing import Sourcing


class LifecycleMarket(Protocol):
    """One replication of the lifecycle model, as the model's functions use it."""

    # the clock and the parameters
    env: simpy.Environment
    horizon: float  # weeks
    config: LifecycleConfig
    rel: Relationship
    policy: Policy
    economics: Economics
    delta: float  # continuous discount rate per year
    delta_per_week: float
    attention_by_stage: tuple[float, ...]  # attention units per week, indexed by stage
    review_by_stage: tuple[float, ...]  # weeks between reviews, indexed by stage

    # flat copies of parameters read on every order
    fit_scale: float
    fit_weight: float
    technology_weight: float
    time_weight: float
    social_keep: float
    satisfaction_memory: float
    choice_gamma: float
    choice_beta: float
    choice_reinforced: bool  # every known supplier's preference decays; searches, switches by logit
    trial_share: float
    goodwill_history: float
    care_step: float
    handling_cost: float

    # randomness, one stream per purpose
    streams: Streams
    marketing_draws: Draws
    order_draws: Draws
    episode_draws: Draws
    requirement_draws: Draws
    turnover_draws: Draws
    decision_draws: Draws
    population_draws: Draws
    entry_draws: Draws
    outside_draws: Draws  # counts of orders placed outside
    forecast_draws: Draws  # the size signals suppliers are told of buyers

    # the agents and the market's running totals (money)
    buyers: list[Buyer]
    suppliers: list[Supplier]
    log: EventLog
    cumulative_value: float
    cumulative_revenue: float
    buyer_spend: float
    spend_incumbents: float
    spend_entrants: float
    spend_outside: float
    marketing_spend: float
    prospects_judged: int  # buyers judged as prospects by a supplier, before any relationship
    prospects_declined: int  # of which the supplier found not worth pursuing
    entrants: int
    next_buyer: int
    next_supplier: int
    first_entry: float  # week of the first entry, inf before it

    # the working parts
    relationships: Relationships
    sourcing: Sourcing
    orders: OrderBook
    buyer_clocks: BuyerClocks
    reviews: Reviews

    # the processes a joining agent starts (SimPy generators)
    def supplier_marketing(self, supplier: Supplier) -> Generator: ...
    def competitor_entry(self) -> Generator: ...
