"""The lifecycle model's functional forms, each defined once.

Plain functions of numbers, so every caller (the agents' properties, the
judgements, the supplier's forecasts, the hot path of an order) computes the
same thing, and a test can check any copy against them. ``judgement.py``
explains the choices.

>>> round(trust(alpha=3.0, beta=1.0, goodwill=0.5, goodwill_weight=0.2), 12)
0.7
>>> fit((0.5, 0.5), (0.5, 0.5), fit_scale=0.8)
1.0
>>> sunk(40.0, scale=40.0)
0.5
>>> complexity(26.0, reference_rate=26.0)
0.5
>>> project_scale(0.5, weight=0.75)
1.0
>>> round(institutionalisation_chance(52.0, 104.0, 0.5, 104.0, 1.0, 1.0), 4)
0.3127
"""

from __future__ import annotations

import math
from collections.abc import Sequence

#: Commitment's weights on (trust, volume share, sunk investment) for each side.
BUYER_COMMITMENT = (0.35, 0.3, 0.35)
SUPPLIER_COMMITMENT = (0.4, 0.2, 0.4)


def trust(alpha: float, beta: float, goodwill: float, goodwill_weight: float) -> float:
    """Trust, [0, 1]: the Beta belief's mean reliability ``alpha / (alpha + beta)``
    blended with goodwill, which weighs ``goodwill_weight``."""
    return (1.0 - goodwill_weight) * alpha / (alpha + beta) + goodwill_weight * goodwill


def fit(offering: Sequence[float], requirements: Sequence[float], fit_scale: float) -> float:
    """Fit of an offering to requirements, [0, 1]: 1 at the same point, 0 at
    ``fit_scale`` (a distance in technology space) or further."""
    gap = math.hypot(offering[0] - requirements[0], offering[1] - requirements[1])
    return max(0.0, 1.0 - gap / fit_scale)


def tailoring_pull(customer_knowledge: float) -> float:
    """Share of the gap between an offering and the buyer's requirements that
    tailoring closes, [0.3, 0.8]: ``0.3 + 0.5 customer_knowledge``."""
    return 0.3 + 0.5 * customer_knowledge


def success_probability(
    quality: float, fit: float, technological: float, time_distance: float,
    fit_weight: float, technology_weight: float, time_weight: float,
) -> float:
    """Probability that an order goes well, [0, 1]: the supplier's quality, lowered
    by misfit, technological distance and time distance, each by its weight."""
    return (
        quality
        * (1.0 - fit_weight * (1.0 - fit))
        * (1.0 - technology_weight * technological)
        * (1.0 - time_weight * time_distance)
    )


def sunk(investment: float, scale: float) -> float:
    """How much a sunk investment binds, [0, 1): ``investment / (investment + scale)``,
    one half at ``scale`` (money)."""
    return investment / (investment + scale)


def commitment(
    weights: tuple[float, float, float], trust: float, share: float, sunk: float
) -> float:
    """One side's commitment, [0, 1]: trust, volume share and sunk investment
    (``sunk``), weighted by ``BUYER_COMMITMENT`` or ``SUPPLIER_COMMITMENT``."""
    return weights[0] * trust + weights[1] * share + weights[2] * sunk


def switching_penalty(switching_cost: float, scale: float, weight: float) -> float:
    """Value per order a buyer gives up by leaving its sunk adaptations (C9):
    ``weight`` times how much the switching cost (money) binds, ``sunk``."""
    return weight * switching_cost / (switching_cost + scale)


def complexity(order_rate: float, reference_rate: float) -> float:
    """How complex a relationship is, [0, 1): ``rate / (rate + reference_rate)``.

    Frequent deliveries tie the supplier's logistics into the buyer's
    production (just in time), so the order rate (orders per year) measures
    how much an adaptation must restructure; one half at ``reference_rate``.
    """
    return order_rate / (order_rate + reference_rate)


def project_scale(complexity: float, weight: float) -> float:
    """How much larger than at median complexity an adaptation project is, in
    cost and in duration: ``1 - weight + 2 weight complexity``, 1 at complexity
    0.5; ``weight`` in [0, 1] (C9)."""
    return 1.0 - weight + 2.0 * weight * complexity


def institutionalisation_chance(
    since: float, now: float, rate: float, reference: float, satisfied: float,
    unrivalled: float,
) -> float:
    """Probability that a long-term relationship becomes final between weeks
    ``since`` and ``now`` of its stay in long-term (C12).

    The hazard grows in proportion to the time spent in long-term, reaching
    ``rate`` per year at ``reference`` weeks, and is scaled by how satisfied
    the buyer is (``satisfied``, [0, 1]) and by the absence of credible
    alternatives (``unrivalled``, [0, 1]): ``h(t) = rate (t / reference)
    satisfied unrivalled`` per year, so the chance over the interval is
    ``1 - exp(-rate satisfied unrivalled (now^2 - since^2) / (2 reference 52))``.
    """
    exposure = (now * now - since * since) / (2.0 * reference * 52.0)
    return 1.0 - math.exp(-rate * satisfied * unrivalled * exposure)
