"""The lifecycle market reduced to the case of Weisbuch, Kirman & Herreiner (2000).

Shared by ``lifecycle-wkh-transition`` and ``lifecycle-wkh-hysteresis``. The
bundled ``baseline`` is overridden (:data:`REDUCED`) so that a buyer chooses
among its suppliers only by the logit over reinforced preferences
(``relationship.choice.reinforced``):

- one product: every supplier's offering sits at the same technology point
  and no requirement moves, so all offerings fit a buyer alike; every order
  goes well (quality 1, no weight on fit, distance or time), so each order
  delivers the same value ``v = 0.3 + 0.7 fit`` at the fixed price 1;
- no stage's other effects: no distance, foreseen problems or dissatisfaction
  ends a relationship (tolerance 1, ``problem_level`` 0, search threshold 0),
  the supplier drops no account and pursues every buyer, nobody adapts or
  becomes long-term (commitment threshold 1, adaptation trust 1), no key
  person leaves, nobody exits; the trial is one order at the whole demand
  (``trial.share`` 1, so development's volume ceiling is 1 too) and then the
  relationship develops (``min_episodes`` 1, ``development_trust`` 0);
- every buyer works with all suppliers at once (sourcing breadth = their
  number), hears of them from frequent contacts that always persuade, and
  its outside option is worth 0 (its preference 0, a constant the logit
  still weighs).

The mean field (orders at rate ``r``, a supplier's share ``P_j`` the logit):
``dJ_j/dt = r (v P_j - lambda J_j)``, ``lambda = -ln(1 - gamma)`` the decay per
order interval (the model's period). Its evenly spread state loses
stability at ``beta_c = lambda (n e + 1) / (e v)``
(``preferences.critical_beta``): WKH's ``n gamma / profit`` with gamma read as
lambda, the profit per visit as the value per order ``v``, and the outside
option's constant preference 0 as the ``+ 1``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.models.choice import choice_probabilities
from sim.models.lifecycle.preferences import critical_beta, memory_rate

__all__ = ["BASE", "GAMMA", "REDUCED", "VALUE", "beta_c", "buyer_shares", "mean_field",
           "overrides", "y_per_buyer"]

BASE = "baseline"
GAMMA = 0.2
"""The memory decay per order interval (the bundled default)."""
FIT_SCALE = 2.0
VALUE = 0.3 + 0.7 * (1.0 - 0.05 * math.sqrt(math.pi / 2.0) / FIT_SCALE)
"""Value of an order in the reduced case: fit 1 less the mean distance of a buyer's
requirements from the common offering (normal noise 0.05 on each axis, Rayleigh mean)."""

REDUCED = (
    "lifecycle.relationship.choice.reinforced=true",
    f"lifecycle.relationship.choice.gamma={GAMMA}",
    "lifecycle.market.buyers.order_rate=26",
    "lifecycle.market.buyers.order_value=10",
    "lifecycle.market.buyers.distance_tolerance=1",
    "lifecycle.market.buyers.search_threshold=0",
    "lifecycle.market.buyers.alternative_value=0",
    "lifecycle.market.buyers.technology=0.5",
    "lifecycle.market.buyers.culture=0.5",
    "lifecycle.market.buyers.location=0.5",
    "lifecycle.market.buyers.requirement_shift_rate=0",
    "lifecycle.market.buyers.turnover_rate=0",
    "lifecycle.market.buyers.exit_rate=0",
    "lifecycle.market.suppliers.technology=0.5",
    "lifecycle.market.suppliers.culture=0.5",
    "lifecycle.market.suppliers.location=0.5",
    "lifecycle.market.suppliers.quality=1",
    "lifecycle.market.suppliers.price=1",
    "lifecycle.market.suppliers.marketing_rate=2000",
    "lifecycle.market.supplier_exit_rate=0",
    "lifecycle.market.awareness_limit=10",
    "lifecycle.relationship.trust.reputation_noise=0",
    "lifecycle.relationship.trust.goodwill_weight=0",
    f"lifecycle.relationship.orders.fit_scale={FIT_SCALE}",
    "lifecycle.relationship.orders.fit_weight=0",
    "lifecycle.relationship.orders.technology_weight=0",
    "lifecycle.relationship.orders.time_weight=0",
    "lifecycle.relationship.trial.share=1",
    "lifecycle.relationship.trial.large_project_probability=0",
    "lifecycle.relationship.trial.min_episodes=1",
    "lifecycle.relationship.trial.development_trust=0",
    "lifecycle.relationship.trial.problem_level=0",
    "lifecycle.relationship.trial.distance_sensitivity=0",
    "lifecycle.relationship.development.adaptation_trust=1",
    "lifecycle.relationship.development.commitment_threshold=1",
    "lifecycle.relationship.switching.persuasion=1",
    "lifecycle.relationship.switching.inertia=0",
    "lifecycle.relationship.switching.switching_weight=0",
    "lifecycle.policy.adaptation_trust=1",
    "lifecycle.policy.pursue_hurdle=-1000000000",
    "lifecycle.policy.marketing_step=0",
    "lifecycle.policy.drop_unprofitable=false",
    "lifecycle.economics.marketing_cost=0",
    "lifecycle.entry.rate=0",
)
"""Overrides of :data:`BASE` that reduce the lifecycle market to WKH's case."""


def overrides(suppliers: int, beta: float, buyers: int, years: float, *,
              breadth: int | None = None, extra=()) -> tuple[str, ...]:
    """The reduced case with ``suppliers`` incumbents, all known to every buyer, who
    works with ``breadth`` suppliers at once (default: all of them)."""
    return (*REDUCED,
            f"lifecycle.market.suppliers.count={suppliers}",
            f"lifecycle.market.buyers.count={buyers}",
            f"lifecycle.market.buyers.sourcing_breadth={breadth or suppliers}",
            f"lifecycle.market.initial_awareness={suppliers}",
            f"lifecycle.relationship.choice.beta={beta!r}",
            f"horizon={years!r} years", *extra)


def beta_c(suppliers: int, gamma: float = GAMMA) -> float:
    """The mean-field threshold of the reduced case with ``suppliers`` suppliers."""
    return critical_beta(suppliers, gamma, VALUE)


def buyer_shares(pairs: pd.DataFrame) -> pd.DataFrame:
    """Volume shares at the horizon: one row per (replication, buyer), a column per supplier."""
    live = pairs[pairs["censored"]]
    return live.pivot_table(index=["replication", "buyer"], columns="supplier",
                            values="volume_share", aggfunc="sum", fill_value=0.0)


def y_per_buyer(pairs: pd.DataFrame) -> pd.Series:
    """Each buyer's order parameter over its suppliers' shares at the horizon,
    ``y = sum s_j^2 / (sum s_j)^2`` (1/n spread evenly, 1 loyal; the outside
    option's share left out), by (replication, buyer)."""
    shares = buyer_shares(pairs)
    total = shares.sum(axis=1)
    return ((shares ** 2).sum(axis=1) / total ** 2)[total > 0]


def mean_field(values, beta: float, start, periods: float, step: float = 0.05) -> np.ndarray:
    """Preferences after ``periods`` order intervals of the reduced case's mean field.

    ``dJ_j = (v_j P_j - lambda J_j) dt`` (Euler steps of ``step`` periods),
    ``P`` the logit over ``J`` and the outside option's constant 0. ``values``
    are the suppliers' values per order; ``start`` one row of preferences per case.
    """
    values = np.asarray(values, dtype=float)
    preferences = np.atleast_2d(np.asarray(start, dtype=float)).copy()
    decay = memory_rate(GAMMA)
    outside = np.zeros((preferences.shape[0], 1))
    for _ in range(round(periods / step)):
        chances = choice_probabilities(np.hstack([preferences, outside]) * beta, 1.0)[:, :-1]
        preferences += step * (values * chances - decay * preferences)
    return preferences
