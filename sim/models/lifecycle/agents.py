"""Buyers, suppliers and the relationships between them.

The agents are small classes with ``__slots__``: a replication holds thousands
of them and touches them on every order, so they carry state and a few cheap
derived quantities, and the behaviour lives in the process modules.

Positions (culture, technology, location, requirements, offerings) are points
in [0, 1]^2. A distance between two positions is their Euclidean distance
divided by sqrt(2), so it lies in [0, 1].

A relationship's belief about the supplier's reliability is a Beta(a, b)
posterior: trust is its mean a / (a + b), uncertainty its standard deviation
and experience the number of orders seen (Ford 1980).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

from sim.models.lifecycle import formulas
from sim.models.lifecycle.vocabulary import END_REASONS, STAGE_NAMES, Stage

if TYPE_CHECKING:
    import simpy

__all__ = [
    "DEVELOPMENT", "EARLY", "END_REASONS", "FINAL", "LONG_TERM", "PRE", "STAGE_NAMES",
    "Buyer", "Draws", "Pair", "Supplier", "distance", "offering_for",
]

# Module-level names for the stages read on every order.
PRE, EARLY, DEVELOPMENT, LONG_TERM, FINAL = Stage
_SQRT2 = math.sqrt(2.0)


def distance(p: Sequence[float], q: Sequence[float]) -> float:
    """Distance between two points of [0, 1]^2, scaled to [0, 1]."""
    return math.hypot(p[0] - q[0], p[1] - q[1]) / _SQRT2


def offering_for(buyer: Buyer, supplier: Supplier) -> list[float]:
    """Where the supplier's first offering to the buyer sits in technology space.

    A supplier's standard offering sits at its technology position; it moves
    ``offer_pull`` of the way towards the buyer's current requirements
    (tailored by what the supplier knows of its customers' needs). An
    entrant's offering sits at ``tailoring`` from the requirements.
    """
    if supplier.tailoring is None:
        technology, pull = supplier.technology, supplier.offer_pull
        if pull <= 0.0:
            return list(technology)
        requirements = buyer.requirements
        return [technology[axis] + pull * (requirements[axis] - technology[axis])
                for axis in (0, 1)]
    return [
        min(1.0, max(0.0, buyer.requirements[axis] + supplier.tailoring[axis]))
        for axis in (0, 1)
    ]


class Draws:
    """Scalar random numbers from one generator, drawn in blocks for speed.

    Drawing one number at a time from a numpy Generator costs far more than
    the model's own work per event; blocks keep the stream reproducible
    (same generator, same order of calls) at a fraction of the cost.
    ``uniform()`` is in [0, 1), ``normal()`` standard normal and
    ``exponential(mean)`` an exponential waiting time with that mean.
    """

    __slots__ = ("normal", "rng", "standard_exponential", "uniform")
    _BLOCK = 2048

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        block = self._BLOCK
        self.uniform = partial(next, chain.from_iterable(
            iter(lambda: rng.random(block).tolist(), None)
        ))
        self.normal = partial(next, chain.from_iterable(
            iter(lambda: rng.standard_normal(block).tolist(), None)
        ))
        self.standard_exponential = partial(next, chain.from_iterable(
            iter(lambda: rng.standard_exponential(block).tolist(), None)
        ))

    def exponential(self, mean: float) -> float:
        """An exponential waiting time with the given mean."""
        return self.standard_exponential() * mean


class Supplier:
    """A seller: positions, quality, price, marketing, capacity and skills.

    ``marketing_rate`` is in contacts per week, ``capacity`` in attention
    units per week; ``reputation`` is what the market believes of its quality
    (external information a prospect judges it by, C1). ``prospects`` holds
    its judgement of every buyer it has considered (worth pursuing or not),
    made before any relationship and remembered. ``tailoring`` is
    None for a supplier whose offering starts from its technology position
    (moved ``offer_pull`` of the way to each prospect's requirements) and,
    for an entrant, the offset of the offering it tailors to each
    prospect's current requirements.
    """

    __slots__ = (
        "accounts", "active", "attention_demand", "capacity", "conflict_resolution",
        "culture", "customer_knowledge", "entrant", "entry_time", "index", "location",
        "margin", "marketing_rate", "name", "negotiation", "offer_pull", "price", "problem_solving",
        "prospects", "quality", "reputation", "size_signals", "tailoring", "technology",
    )

    # drawn when the supplier joins the market (population.py)
    culture: tuple[float, ...]
    technology: tuple[float, ...]
    location: tuple[float, ...]
    quality: float
    price: float
    margin: float
    marketing_rate: float
    capacity: float
    reputation: float
    negotiation: float
    problem_solving: float
    conflict_resolution: float
    customer_knowledge: float

    def __init__(self, index: int, name: str, entrant: bool, entry_time: float):
        self.index = index
        self.name = name
        self.entrant = entrant
        self.entry_time = entry_time
        self.active = True
        self.accounts: dict[Pair, None] = {}
        self.attention_demand = 0.0
        self.tailoring: tuple[float, float] | None = None
        self.offer_pull = 0.0
        # Its judgement of each buyer it has looked at: worth pursuing or not (C1, C16).
        self.prospects: dict[Buyer, bool] = {}
        # What it was told of each buyer's size, over the true size (C1, economics.size_signal).
        self.size_signals: dict[Buyer, float] = {}


class Buyer:
    """A buying firm: positions, requirements, demand and its current suppliers.

    ``order_rate`` is in orders per week, ``order_value`` in money per order.
    ``pairs`` are its relationships in any stage before ended; ``aware`` the
    suppliers it has heard of (most recent last); ``rejected`` those it
    recently ended with; ``preferences`` its preference (the choice rule's J)
    for each supplier it remembers, with the week of its last update
    (``preferences.py``).
    """

    __slots__ = (
        "active", "alternative_value", "aware", "breadth", "buying_centre", "culture",
        "expectation", "index", "location", "name", "order_rate", "order_value",
        "outside_preference", "outside_share", "outside_since", "pairs", "preferences",
        "rejected", "requirements",
        "search_threshold",
        "searching", "technology",
        "tolerance", "trial_period",
    )

    # drawn when the buyer joins the market (population.py)
    culture: tuple[float, ...]
    technology: tuple[float, ...]
    location: tuple[float, ...]
    requirements: list[float]
    order_rate: float
    order_value: float
    breadth: int
    tolerance: float
    search_threshold: float
    expectation: float
    alternative_value: float
    buying_centre: int
    outside_preference: float  # the outside option's J at ``outside_since`` (preferences.py)
    trial_period: float

    def __init__(self, index: int, name: str):
        self.index = index
        self.name = name
        self.active = True
        self.pairs: list[Pair] = []
        self.aware: list[Supplier] = []
        self.rejected: list[Supplier] = []
        self.preferences: dict[Supplier, tuple[float, float]] = {}
        self.outside_share = 1.0
        self.outside_since = 0.0
        self.searching = True


class Pair:
    """One buyer-supplier relationship, from first evaluation to its end.

    Beliefs: ``alpha``, ``beta`` of the Beta posterior about the supplier's
    reliability (and the prior's ``prior_strength``); ``goodwill`` in [0, 1],
    the buyer's belief that the supplier looks after its interests, built
    from ``history`` (successful orders shared, weighted by who still
    remembers them) and ``care`` (how the supplier answered new requirements
    and conflicts); trust blends the two with ``goodwill_weight``.
    ``attention_received`` is in attention units x weeks. Distances in
    [0, 1]. ``offering`` is where the supplier's offering to this buyer
    sits; fit compares it with the buyer's current requirements.
    The buyer's preference for the supplier (the choice rule's J) is kept
    on the buyer (``Buyer.preferences``). Money in the ledger is
    undiscounted except ``npv``, the supplier's continuously discounted net
    value of the account. ``projects`` maps a side (``True`` for the supplier)
    to the week its running adaptation project is delivered.
    ``centre_knowledge`` in [0, 1] is what the supplier knows of the buying
    centre's key persons (C14), brought up to date at ``centre_attention``
    (the attention received then, attention units x weeks). ``exposure`` is
    the volume share summed over time up to ``exposure_since`` (weeks): the
    supplier's orders seen are Poisson over it (``economics.estimated_order_rate``).
    """

    __slots__ = (
        "adaptations_buyer",
        "adaptations_supplier",
        "alpha",
        "attention_cost",
        "attention_received",
        "attention_since",
        "beta",
        "buyer",
        "cap",
        "care",
        "centre_attention",
        "centre_knowledge",
        "chosen",
        "commitment_buyer",
        "commitment_supplier",
        "conflicts",
        "cost_by_stage",
        "cost_to_serve",
        "cultural",
        "end",
        "end_reason",
        "episodes",
        "exposure",
        "exposure_since",
        "failures",
        "forecast_last",
        "furthest",
        "geographic",
        "goodwill",
        "goodwill_weight",
        "history",
        "inbox",
        "investment_buyer",
        "investment_supplier",
        "lost_to",
        "margin",
        "missed_shifts",
        "noticed_shifts",
        "npv",
        "npv_forecast",
        "offering",
        "prior_strength",
        "projects",
        "revenue",
        "revenue_by_stage",
        "review_token",
        "satisfaction",
        "share",
        "social",
        "stage",
        "stage_since",
        "start",
        "supplier",
        "switching_cost",
        "t_stage",
        "technological",
        "time_distance",
        "trust_at_adaptation",
        "trust_at_start",
        "unresolved",
        "wakeup",
    )

    def __init__(self, buyer: Buyer, supplier: Supplier, now: float):
        self.buyer = buyer
        self.supplier = supplier
        self.start = now
        self.stage = PRE
        self.stage_since = now
        self.furthest = PRE
        self.t_stage = [now, math.nan, math.nan, math.nan, math.nan]
        self.end = math.nan
        self.end_reason = ""
        self.lost_to = ""
        # True when the buyer chose this supplier over its alternatives (a switch),
        # so the buyer's judgement in pre is already made.
        self.chosen = False
        self.cultural = distance(buyer.culture, supplier.culture)
        self.technological = distance(buyer.technology, supplier.technology)
        self.geographic = distance(buyer.location, supplier.location)
        self.time_distance = self.geographic
        self.social = 0.5 + 0.5 * self.cultural
        self.offering = offering_for(buyer, supplier)
        self.satisfaction = 0.5
        self.commitment_buyer = 0.0
        self.commitment_supplier = 0.0
        self.investment_buyer = 0.0
        self.investment_supplier = 0.0
        self.switching_cost = 0.0
        self.share = 0.0
        self.cap = 0.0
        self.attention_since = now
        self.attention_received = 0.0
        self.exposure = 0.0
        self.exposure_since = now
        self.goodwill = self.history = 0.0
        self.care = 1.0
        self.centre_knowledge = self.centre_attention = 0.0
        self.goodwill_weight = 0.0
        self.conflicts = self.unresolved = self.episodes = self.failures = 0
        self.adaptations_buyer = self.adaptations_supplier = 0
        self.projects: dict[bool, float] = {}
        self.noticed_shifts = self.missed_shifts = 0
        self.revenue = self.margin = self.cost_to_serve = self.attention_cost = 0.0
        self.npv = 0.0
        self.npv_forecast = math.nan
        self.forecast_last = math.nan
        self.trust_at_adaptation = math.nan
        self.trust_at_start = math.nan
        self.revenue_by_stage = [0.0] * 5
        self.cost_by_stage = [0.0] * 5
        self.inbox: list[tuple] = []
        self.wakeup: simpy.Event | None = None
        self.review_token = 0

    def set_prior(self, reputation: float, strength: float, goodwill_weight: float) -> None:
        """Start the beliefs: reliability from the supplier's reputation, worth
        ``strength`` orders; no goodwill yet, weighing ``goodwill_weight`` in trust."""
        self.prior_strength = strength
        self.alpha = strength * reputation
        self.beta = strength * (1.0 - reputation)
        self.goodwill_weight = goodwill_weight

    @property
    def reliability(self) -> float:
        """The buyer's expected reliability of the supplier (Beta mean), [0, 1]."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def trust(self) -> float:
        """The buyer's trust: expected reliability blended with goodwill, [0, 1]."""
        return formulas.trust(self.alpha, self.beta, self.goodwill, self.goodwill_weight)

    def update_goodwill(self, history_scale: float) -> None:
        """Goodwill from shared history (saturating) and the supplier's care."""
        history = self.history
        self.goodwill = history / (history + history_scale) * self.care

    @property
    def uncertainty(self) -> float:
        """Standard deviation of the buyer's belief about reliability."""
        a, b = self.alpha, self.beta
        n = a + b
        return math.sqrt(a * b / (n * n * (n + 1.0)))

    @property
    def ended(self) -> bool:
        """Whether the relationship has ended."""
        return self.end_reason != ""

    def fit(self, fit_scale: float) -> float:
        """Fit of the offering to the buyer's current requirements, [0, 1]."""
        return formulas.fit(self.offering, self.buyer.requirements, fit_scale)
