"""What happens inside a relationship: orders, conflicts, requirement shifts, turnover.

These run synchronously inside the buyer's processes (``market.py``) and
tell the relationship's own process when it must react (``post``).

Suggested functional forms chosen here:

- An order is an episode: it goes well with ``success_probability``; the
  outcome updates the Beta belief (a += 1 or b += 1), satisfaction
  ``s <- s + m (clip(0.5 + delivered - expectation) - s)`` and the buyer's
  preference (the shared choice rule's update, ``sim.models.choice``).
- A failed order turns into a conflict unless the supplier's problem solving
  prevents it (probability ``0.8 problem_solving``); a conflict is resolved
  with probability ``0.2 + 0.7 conflict_resolution``. An unresolved conflict
  counts ``conflict_penalty`` extra failures against trust and lowers the
  value of the order by 0.3 (C15).
- A requirement shift moves the buyer's requirements by a normal step plus a
  market-wide technology trend. Each current supplier notices it with
  probability ``1 - exp(-attention_effect * attention * (0.25 + customer_knowledge))``
  and then re-tailors its offering (a cost), closing ``0.3 + 0.5 customer_knowledge``
  of the gap; otherwise fit erodes (C11, C14).
- A key person leaving shrinks the experience behind the belief by
  ``uncertainty_return`` (same trust, more uncertainty) and brings back some
  social distance.
"""

from __future__ import annotations

import math

from sim.models.choice import update_preference
from sim.models.lifecycle.agents import DEVELOPMENT, EARLY, STAGE_NAMES, Buyer, Pair
from sim.models.lifecycle.economics import attention_rate, book_cost, book_order
from sim.models.lifecycle.judgement import value_of_success

EPISODE, REVIEW, PROBLEM, APPROACH, END = "episode", "review", "problem", "approach", "end"


def order_episode(market, pair: Pair, value: float) -> None:
    """One order of ``value`` (money before price) placed with the pair's supplier.

    This runs for most orders of a replication, so it reads the model's
    parameters from the market's flat copies and keeps to local variables.
    """
    now = market.env.now
    buyer, supplier = pair.buyer, pair.supplier
    revenue = value * supplier.price
    market.buyer_spend += revenue
    if supplier.entrant:
        market.spend_entrants += revenue
    else:
        market.spend_incumbents += revenue
    social = pair.social
    book_order(market, pair, revenue, market.handling_cost * (0.5 + social), now)
    pair.social = social * market.social_keep

    alpha, beta = pair.alpha, pair.beta
    satisfaction = pair.satisfaction
    offering, requirements = pair.offering, buyer.requirements
    fit = 1.0 - math.hypot(
        offering[0] - requirements[0], offering[1] - requirements[1]
    ) / market.fit_scale
    if fit < 0.0:
        fit = 0.0
    success = market.episode_draws.uniform() < (
        supplier.quality
        * (1.0 - market.fit_weight * (1.0 - fit))
        * (1.0 - market.technology_weight * pair.technological)
        * (1.0 - market.time_weight * pair.time_distance)
    )
    pair.episodes += 1
    if success:
        pair.alpha = alpha + 1.0
        delivered = value_of_success(fit, supplier.price)
        cause = "success"
        trust_after_order = (alpha + 1.0) / (alpha + beta + 1.0)
    else:
        pair.beta = beta + 1.0
        pair.failures += 1
        delivered = 0.0
        cause = "failure"
        trust_after_order = alpha / (alpha + beta + 1.0)
        if market.episode_draws.uniform() >= 0.8 * supplier.problem_solving:
            cause = "failure_conflict"
            resolved = conflict(market, pair, now)
            if not resolved:
                delivered = -0.3
    felt = 0.5 + delivered - buyer.expectation
    felt = 0.0 if felt < 0.0 else 1.0 if felt > 1.0 else felt
    pair.satisfaction = satisfaction + market.satisfaction_memory * (felt - satisfaction)
    pair.preference = update_preference(pair.preference, delivered, market.choice_gamma)
    stage = pair.stage
    if stage >= DEVELOPMENT:
        market.allocate(buyer)
    elif stage == EARLY:
        market.post(pair, (EPISODE,))
    if market.log.enabled:
        market.record(
            pair, "episode", cause, amount=revenue,
            trust_before=alpha / (alpha + beta), trust_after=trust_after_order,
            satisfaction_before=satisfaction, satisfaction_after=pair.satisfaction,
            fit_before=fit, fit_after=fit,
        )
        if cause == "failure_conflict":
            _record_conflict(market, pair, resolved, trust_after_order)
    if delivered < 0.0:
        market.post(pair, (PROBLEM,))


def conflict(market, pair: Pair, now: float) -> bool:
    """A failed order becomes a conflict; returns whether it is resolved (C15)."""
    pair.conflicts += 1
    book_cost(market, pair, market.economics.conflict_cost, now)
    resolved = market.episode_draws.uniform() < 0.2 + 0.7 * pair.supplier.conflict_resolution
    if not resolved:
        pair.unresolved += 1
        pair.beta += market.rel.conflict_penalty
    return resolved


def _record_conflict(market, pair: Pair, resolved: bool, trust_before: float) -> None:
    market.record(
        pair, "conflict", "resolved" if resolved else "unresolved",
        amount=market.economics.conflict_cost,
        trust_before=trust_before, trust_after=pair.trust,
    )


def requirement_shift(market, buyer: Buyer) -> None:
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
        noticed = draws.uniform() < 1.0 - math.exp(-rel.attention_effect * attention * knowledge)
        fit_before = _fit_at(pair, old, rel.fit_scale)
        if noticed:
            pair.noticed_shifts += 1
            pull = 0.3 + 0.5 * supplier.customer_knowledge
            pair.offering[0] += pull * (requirements[0] - pair.offering[0])
            pair.offering[1] += pull * (requirements[1] - pair.offering[1])
            book_cost(market, pair, market.economics.tailoring_cost, now)
        else:
            pair.missed_shifts += 1
        if market.log.enabled:
            market.record(
                pair, "requirement_shift", "noticed" if noticed else "missed",
                fit_before=fit_before, fit_after=pair.fit(rel.fit_scale),
                amount=market.economics.tailoring_cost if noticed else 0.0,
            )


def _fit_at(pair: Pair, requirements: tuple[float, float], fit_scale: float) -> float:
    gap = math.hypot(pair.offering[0] - requirements[0], pair.offering[1] - requirements[1])
    return max(0.0, 1.0 - gap / fit_scale)


def key_person_leaves(market, buyer: Buyer) -> None:
    """A member of the buying centre leaves; the newcomer brings back uncertainty."""
    lost = market.config.market.buyers.uncertainty_return
    for pair in buyer.pairs:
        if pair.stage < EARLY:
            continue
        trust = pair.trust
        uncertainty_before = pair.uncertainty
        seen = pair.alpha + pair.beta
        kept = pair.prior_strength + (seen - pair.prior_strength) * (1.0 - lost)
        kept = max(kept, min(seen, pair.prior_strength))
        pair.alpha, pair.beta = trust * kept, (1.0 - trust) * kept
        pair.social += (1.0 - pair.social) * 0.5 * lost
        if market.log.enabled:
            market.record(
                pair, "turnover", "key_person_left",
                uncertainty_before=uncertainty_before, uncertainty_after=pair.uncertainty,
                detail=f"{STAGE_NAMES[pair.stage]}",
            )
