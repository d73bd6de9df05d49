"""What happens inside a relationship: orders, conflicts, requirement shifts, turnover.

These run synchronously inside the buyer's processes (``market.py``) and
tell the relationship's own process when it must react (``post``).

Suggested functional forms chosen here:

- An order is an episode: it goes well with ``success_probability``; the
  outcome updates the Beta belief (a += 1 or b += 1), a good order adds one
  to the shared history behind goodwill, and the order updates satisfaction
  ``s <- s + m (clip(0.5 + delivered - expectation) - s)`` and the buyer's
  preference for the supplier (``preferences.reinforce``, the shared choice
  rule's update).
- A failed order turns into a conflict unless the supplier's problem solving
  prevents it (probability ``0.8 problem_solving (1 - friction)``); a
  conflict is resolved with probability
  ``(0.2 + 0.7 conflict_resolution)(1 - friction)``, where friction is the
  working friction of cultural distance (``judgement.working_friction``:
  different ways of working, C3, C15). An unresolved conflict counts
  ``conflict_penalty`` extra failures against reliability, lowers the value
  of the order by 0.3 and lowers the supplier's care; a resolved one raises
  it (goodwill, ``judgement``).
- A requirement shift moves the buyer's requirements by a normal step plus a
  market-wide technology trend. Each current supplier notices it with
  probability ``1 - exp(-attention_effect * attention * (0.25 + customer_knowledge))``
  and then re-tailors its offering (a cost), closing ``0.3 + 0.5 customer_knowledge``
  of the gap, and the buyer sees it cared for; otherwise fit erodes and the
  buyer sees it neglected (care falls, C11, C14).
- A key person leaving shrinks the experience behind the belief by
  ``uncertainty_return x (1 - K)`` (same expected reliability, more
  uncertainty), and the shared history behind goodwill by as much, and brings
  back some social distance. ``K`` is the supplier's knowledge of the buying
  centre's key persons (C14, ``centre_knowledge``): it grows with the
  attention the account receives times the supplier's customer knowledge,
  and the leaver's share ``1 / buying_centre`` of it leaves with the person.
- Commitment is recomputed after every order of a begun relationship (its
  trust and volume share have just changed, C7).
- An adaptation is a project (C8, C9): decided at a review, it is delivered
  ``project_time x scale`` weeks later and costs the side's base cost x
  scale, ``scale = formulas.project_scale(complexity)`` with complexity from
  the buyer's order rate (``formulas.complexity``: frequent deliveries are
  just in time). Each side runs at most one project at a time. On delivery
  the investment is sunk (the supplier's enters its NPV, the buyer's is its
  switching cost), technological distance falls by ``adaptation_effect``,
  and a supplier's project also moves its offering toward the buyer's
  requirements and cuts time distance by half as much; commitment is
  recomputed. A project of a relationship that ended is abandoned.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.models.lifecycle import formulas
from sim.models.lifecycle.agents import DEVELOPMENT, EARLY, STAGE_NAMES, Buyer, Pair
from sim.models.lifecycle.economics import (
    attention_rate,
    book_cost,
    book_investment,
    book_order,
)
from sim.models.lifecycle.judgement import update_commitment, value_of_success, working_friction
from sim.models.lifecycle.preferences import reinforce
from sim.models.lifecycle.vocabulary import EventKind, Message
from sim.units import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from sim.models.lifecycle.interface import LifecycleMarket
EPISODE, REVIEW, PROBLEM, APPROACH, END = Message


def order_episode(market: LifecycleMarket, pair: Pair, value: float) -> None:
    """One order of ``value`` (money before price) placed with the pair's supplier.

    This runs for most orders of a replication, so it reads the model's
    parameters from the market's flat copies and keeps to local variables.
    """
    now = market.env.now
    revenue = _book_revenue(market, pair, value * pair.supplier.price, now)
    alpha, beta = pair.alpha, pair.beta
    goodwill_before = pair.goodwill
    commitment_before = pair.commitment_buyer
    satisfaction = pair.satisfaction
    fit, success = _outcome(market, pair)
    pair.episodes += 1
    trust_after_order = math.nan
    resolved = True
    if success:
        pair.alpha = alpha + 1.0
        pair.history += 1.0
        pair.update_goodwill(market.goodwill_history)
        delivered = value_of_success(fit, pair.supplier.price)
        cause = "success"
    else:
        pair.beta = beta + 1.0
        pair.failures += 1
        delivered, cause = 0.0, "failure"
        friction = working_friction(pair)
        if market.episode_draws.uniform() >= 0.8 * pair.supplier.problem_solving * (
            1.0 - friction
        ):
            cause = "failure_conflict"
            trust_after_order = pair.trust
            resolved = conflict(market, pair, now, friction)
            if not resolved:
                delivered = -0.3
    _feel(market, pair, delivered)
    stage = pair.stage
    if stage >= DEVELOPMENT:
        market.sourcing.allocate(pair.buyer)
    elif stage == EARLY:
        market.relationships.post(pair, (EPISODE,))
    update_commitment(market, pair)
    if market.log.enabled:
        trust_before = formulas.trust(alpha, beta, goodwill_before, pair.goodwill_weight)
        _record_order(market, pair, cause, revenue, fit, (trust_before, trust_after_order),
                      satisfaction, commitment_before, resolved)
    if delivered < 0.0 and stage >= DEVELOPMENT:
        # In early the order's EPISODE already runs the trial's checks once;
        # a PROBLEM as well would run them (and their draws) twice.
        market.relationships.post(pair, (PROBLEM,))


def _book_revenue(market: LifecycleMarket, pair: Pair, revenue: float, now: float) -> float:
    """Book the order's revenue and cost to serve; the order removes some social distance."""
    market.buyer_spend += revenue
    if pair.supplier.entrant:
        market.spend_entrants += revenue
    else:
        market.spend_incumbents += revenue
    social = pair.social
    book_order(market, pair, revenue, market.handling_cost * (0.5 + social), now)
    pair.social = social * market.social_keep
    return revenue


def _outcome(market: LifecycleMarket, pair: Pair) -> tuple[float, bool]:
    """The offering's fit now, and whether the order goes well (one draw)."""
    offering, requirements = pair.offering, pair.buyer.requirements
    # formulas.fit and formulas.success_probability, inlined: this runs for
    # every order (tests/lifecycle/test_lifecycle_formulas.py holds them equal).
    fit = 1.0 - math.hypot(
        offering[0] - requirements[0], offering[1] - requirements[1]
    ) / market.fit_scale
    if fit < 0.0:
        fit = 0.0
    success = market.episode_draws.uniform() < (
        pair.supplier.quality
        * (1.0 - market.fit_weight * (1.0 - fit))
        * (1.0 - market.technology_weight * pair.technological)
        * (1.0 - market.time_weight * pair.time_distance)
    )
    return fit, success


def _feel(market: LifecycleMarket, pair: Pair, delivered: float) -> None:
    """Satisfaction and preference follow the value the order delivered."""
    satisfaction = pair.satisfaction
    felt = 0.5 + delivered - pair.buyer.expectation
    felt = 0.0 if felt < 0.0 else 1.0 if felt > 1.0 else felt
    pair.satisfaction = satisfaction + market.satisfaction_memory * (felt - satisfaction)
    reinforce(market, pair.buyer, pair.supplier, delivered)


def _record_order(
    market: LifecycleMarket, pair: Pair, cause: str, revenue: float, fit: float,
    trust: tuple[float, float], satisfaction: float, commitment: float, resolved: bool,
) -> None:
    """Record the order (and its conflict): ``trust`` before the order and, after a
    conflict, right after the order (before the conflict is handled)."""
    trust_before, trust_after_order = trust
    conflicted = cause == "failure_conflict"
    market.relationships.record(
        pair, EventKind.EPISODE, cause, amount=revenue,
        trust_before=trust_before,
        trust_after=trust_after_order if conflicted else pair.trust,
        satisfaction_before=satisfaction, satisfaction_after=pair.satisfaction,
        commitment_before=commitment, commitment_after=pair.commitment_buyer,
        fit_before=fit, fit_after=fit,
    )
    if conflicted:
        _record_conflict(market, pair, resolved, trust_after_order)


def conflict(market: LifecycleMarket, pair: Pair, now: float, friction: float) -> bool:
    """A failed order becomes a conflict; returns whether it is resolved (C15).

    ``friction`` (working friction of cultural distance, [0, 1]) makes it
    harder to resolve. How the supplier handles it moves its care.
    """
    pair.conflicts += 1
    book_cost(market, pair, market.economics.conflict_cost, now)
    chance = (0.2 + 0.7 * pair.supplier.conflict_resolution) * (1.0 - friction)
    resolved = market.episode_draws.uniform() < chance
    if resolved:
        cared(market, pair)
    else:
        pair.unresolved += 1
        pair.beta += market.rel.trust.conflict_penalty
        neglected(market, pair)
    return resolved


def cared(market: LifecycleMarket, pair: Pair) -> None:
    """The supplier answered a need or resolved a conflict: care rises (goodwill).

    In routine relationships (long-term, final) the buyer takes such care
    half for granted (C10), so it earns half the step.
    """
    credit = 1.0 if pair.stage <= DEVELOPMENT else 0.5
    pair.care += credit * market.care_step * (1.0 - pair.care)
    pair.update_goodwill(market.goodwill_history)


def neglected(market: LifecycleMarket, pair: Pair) -> None:
    """The supplier missed a need or left a conflict open: care falls (C11, C15)."""
    pair.care -= market.care_step * pair.care
    pair.update_goodwill(market.goodwill_history)


def _record_conflict(
    market: LifecycleMarket, pair: Pair, resolved: bool, trust_before: float,
) -> None:
    market.relationships.record(
        pair, EventKind.CONFLICT, "resolved" if resolved else "unresolved",
        amount=market.economics.conflict_cost,
        trust_before=trust_before, trust_after=pair.trust,
    )


def requirement_shift(market: LifecycleMarket, buyer: Buyer) -> None:
    """The buyer's needs move; each current supplier notices the shift or misses it."""
    rel = market.rel
    population = market.config.market.buyers
    draws = market.requirement_draws
    requirements = buyer.requirements
    old = (requirements[0], requirements[1])
    for axis in (0, 1):
        moved = requirements[axis] + population.requirement_trend + (
            population.requirement_shift_size * draws.normal()
        )
        requirements[axis] = 0.0 if moved < 0.0 else 1.0 if moved > 1.0 else moved
    now = market.env.now
    for pair in buyer.pairs:
        if pair.stage < EARLY:
            continue
        supplier = pair.supplier
        attention = attention_rate(market, pair)
        knowledge = 0.25 + supplier.customer_knowledge
        hazard = rel.orders.attention_effect * attention * knowledge
        noticed = draws.uniform() < 1.0 - math.exp(-hazard)
        fit_before = formulas.fit(pair.offering, old, rel.orders.fit_scale)
        if noticed:
            pair.noticed_shifts += 1
            pull = formulas.tailoring_pull(supplier.customer_knowledge)
            pair.offering[0] += pull * (requirements[0] - pair.offering[0])
            pair.offering[1] += pull * (requirements[1] - pair.offering[1])
            book_cost(market, pair, market.economics.tailoring_cost, now)
            cared(market, pair)
        else:
            pair.missed_shifts += 1
            neglected(market, pair)
        if market.log.enabled:
            market.relationships.record(
                pair, EventKind.REQUIREMENT_SHIFT, "noticed" if noticed else "missed",
                fit_before=fit_before, fit_after=pair.fit(rel.orders.fit_scale),
                amount=market.economics.tailoring_cost if noticed else 0.0,
            )


def key_person_leaves(market: LifecycleMarket, buyer: Buyer) -> None:
    """A member of the buying centre leaves; the newcomer brings back uncertainty.

    The share of the belief lost shrinks with what the supplier knows of the
    buying centre's key persons (``centre_knowledge``, C14), and the leaver's
    part of that knowledge goes with the leaver.
    """
    returned = market.config.market.buyers.uncertainty_return
    for pair in buyer.pairs:
        if pair.stage < EARLY:
            continue
        knowledge = centre_knowledge(market, pair)
        lost = returned * (1.0 - knowledge)
        pair.centre_knowledge = knowledge * (1.0 - 1.0 / buyer.buying_centre)
        reliability = pair.reliability
        uncertainty_before, trust_before = pair.uncertainty, pair.trust
        seen = pair.alpha + pair.beta
        kept = pair.prior_strength + (seen - pair.prior_strength) * (1.0 - lost)
        kept = max(kept, min(seen, pair.prior_strength))
        pair.alpha, pair.beta = reliability * kept, (1.0 - reliability) * kept
        pair.history *= 1.0 - lost
        pair.update_goodwill(market.goodwill_history)
        pair.social += (1.0 - pair.social) * 0.5 * lost
        if market.log.enabled:
            market.relationships.record(
                pair, EventKind.TURNOVER, "key_person_left",
                uncertainty_before=uncertainty_before, uncertainty_after=pair.uncertainty,
                trust_before=trust_before, trust_after=pair.trust,
                detail=f"{STAGE_NAMES[pair.stage]}",
            )


def centre_knowledge(market: LifecycleMarket, pair: Pair) -> float:
    """What the supplier knows now of the buying centre's key persons, [0, 1] (C14).

    It grows with the attention the account received and the supplier's
    customer knowledge: over ``A`` attention unit-weeks since it was last
    brought up to date, ``K <- 1 - (1 - K) exp(-key_person_learning x
    customer_knowledge x A)``. Brings ``centre_knowledge`` up to date.
    """
    received = pair.attention_received + attention_rate(market, pair) * (
        market.env.now - pair.attention_since
    )
    growth = market.rel.trust.key_person_learning * pair.supplier.customer_knowledge
    unknown = (1.0 - pair.centre_knowledge) * math.exp(
        -growth * (received - pair.centre_attention)
    )
    pair.centre_knowledge, pair.centre_attention = 1.0 - unknown, received
    return pair.centre_knowledge


def project_scale(market: LifecycleMarket, pair: Pair) -> float:
    """How large an adaptation project is in this relationship (cost and duration,
    1 at median complexity; C9)."""
    development = market.rel.development
    complexity = formulas.complexity(
        pair.buyer.order_rate * WEEKS_PER_YEAR, development.complexity_order_rate
    )
    return formulas.project_scale(complexity, development.complexity_weight)


def start_project(
    market: LifecycleMarket, pair: Pair, cost: float, by_supplier: bool, forecast: float,
) -> None:
    """One side commits ``cost`` (money) to an adaptation project, delivered later (C8, C9)."""
    now = market.env.now
    duration = market.rel.development.project_time * project_scale(market, pair)
    pair.projects[by_supplier] = now + duration
    if math.isnan(pair.trust_at_adaptation):
        pair.trust_at_adaptation = pair.trust
    if market.log.enabled:
        commitment = pair.commitment_supplier if by_supplier else pair.commitment_buyer
        market.relationships.record(
            pair, EventKind.ADAPTATION, "supplier" if by_supplier else "buyer", amount=cost,
            trust_before=pair.trust, trust_after=pair.trust, forecast=forecast,
            uncertainty_before=pair.uncertainty, uncertainty_after=pair.uncertainty,
            commitment_before=commitment, commitment_after=commitment,
        )

    def deliver(_event, pair=pair):
        if not pair.ended:
            deliver_project(market, pair, cost, by_supplier)

    market.env.timeout(duration).callbacks.append(deliver)


def deliver_project(market: LifecycleMarket, pair: Pair, cost: float, by_supplier: bool) -> None:
    """An adaptation project is delivered: its investment is sunk and it takes effect."""
    effect = market.rel.development.adaptation_effect
    del pair.projects[by_supplier]
    pair.technological *= 1.0 - effect
    if by_supplier:
        pair.adaptations_supplier += 1
        pair.time_distance *= 1.0 - 0.5 * effect
        requirements, offering = pair.buyer.requirements, pair.offering
        for axis in (0, 1):
            offering[axis] += effect * (requirements[axis] - offering[axis])
    else:
        pair.adaptations_buyer += 1
    book_investment(market, pair, cost, by_supplier, market.env.now)
    update_commitment(market, pair)
