"""Decisions at reviews: the buyer's judgement, the supplier's forecasts, adaptations.

Suggested functional forms chosen here:

- Buyer review: poor performance ends it when the buyer foresees problems
  (C5); below its search threshold the buyer turns to a better known supplier
  if one beats the incumbent by switching cost and inertia (competitor), ends
  it when satisfaction is ``dissatisfaction_margin`` below the threshold
  (dissatisfaction), and otherwise searches: marketing contacts now persuade
  it (C2, C11).
- A competitor's offer (``competitor_wins``) wins when its prospect value
  beats the incumbent's holding value and is the best the buyer could turn
  to; with ``choice.reinforced`` it wins with the logit's chance
  (``switch_chance``) between the incumbent's preference plus the switching
  penalty and inertia (as a preference term) and the competitor's.
- Competitor endings name who took the business: a rival the buyer could
  buy from (it starts evaluating it at once) or the spot market (C6).
- Supplier forecasts (C16): pursue a prospect at volume share
  ``1 / sourcing breadth``; keep an account at its current share; adapt when
  the forecast with the adaptation (technological distance cut by
  ``adaptation_effect``, a proportionally higher success rate and share, more
  commitment) exceeds the forecast without it by ``(1 + hurdle)`` times the
  investment. Every forecast is recorded (``forecast_last``; events).
- The buyer adapts when its trust clears its own threshold and its own
  forecast gain (``buyer_adaptation_gain``: fewer failed orders over its
  volume with the supplier and the stay it expects) exceeds ``(1 +
  buyer_hurdle)`` times the project's cost (C8); its investment becomes its
  switching cost (C9).
- The supplier's contact rate (C16, ``marketing_rate``): once a year it
  compares the value its contacts found (the pursue forecast of every
  relationship a contact started, over the contacts made; contacts go to
  buyers drawn at random, so the year's average contact stands for the
  marginal one) with a contact's cost, ``marketing_cost``, and moves its
  rate by ``(1 - marketing_step)`` when below, by ``(1 + marketing_step)``
  when above, kept within ``[marketing_floor, marketing_ceiling]`` times
  its own (drawn) rate.
- An adaptation is a project (``episodes.start_project``): its cost and
  duration grow with the relationship's complexity, and it takes effect
  when delivered; a side with a project running starts no other.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from sim.models.choice import choice_probabilities
from sim.models.lifecycle import formulas
from sim.models.lifecycle.agents import DEVELOPMENT, LONG_TERM, Buyer, Pair, Supplier
from sim.models.lifecycle.economics import annual_hazard, forecast_npv
from sim.models.lifecycle.episodes import project_scale, start_project
from sim.models.lifecycle.judgement import (
    attention_price,
    best_alternative,
    best_alternative_supplier,
    best_rival,
    foresees_problems,
    holding_value,
    known_rivals,
    prospect_value,
    success_probability,
    switching_penalty,
    too_far_apart,
    update_commitment,
    value_of_success,
)
from sim.models.lifecycle.preferences import preference
from sim.models.lifecycle.vocabulary import EndCause, EndReason, EntryCause, EventKind
from sim.units import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from sim.models.lifecycle.interface import LifecycleMarket

def buyer_review(market: LifecycleMarket, pair: Pair) -> bool:
    """The buyer reviews the supplier; returns whether the relationship ended."""
    buyer = pair.buyer
    if foresees_problems(market, pair):
        market.relationships.end(pair, EndReason.POOR_PERFORMANCE, EndCause.FORESEES_PROBLEMS)
        return True
    if pair.satisfaction >= buyer.search_threshold:
        market.sourcing.update_searching(buyer)
        return False
    rival, _ = best_rival(market, buyer)
    if rival is not None and competitor_wins(market, pair, rival):
        return True
    if pair.satisfaction < buyer.search_threshold - market.rel.satisfaction.dissatisfaction_margin:
        market.relationships.end(pair, EndReason.DISSATISFACTION, EndCause.BELOW_EXPECTATION)
        return True
    market.sourcing.search(buyer)
    return False


def competitor_wins(market: LifecycleMarket, pair: Pair, competitor: Supplier) -> bool:
    """A competitor's offer against the incumbent; returns whether the buyer switched (C6, C9).

    The offer wins when it beats the incumbent's holding value and is the
    best the buyer could turn to (outside options and its other known rivals
    included), from a competitor it could actually buy from (``known_rivals``).
    """
    buyer = pair.buyer
    if competitor not in known_rivals(market, buyer):
        return False
    if market.rel.choice.reinforced:
        margin = switch_chance(market, pair, competitor)
        won = market.decision_draws.uniform() < margin
    else:
        offer = prospect_value(market, buyer, competitor)
        margin = offer - holding_value(market, pair)
        won = margin > 0.0 and offer >= best_alternative(market, buyer)
    if won:
        won = _evaluated(market, pair, competitor)
    if market.log.enabled:
        market.relationships.record(
            pair, EventKind.APPROACH, "switched" if won else "kept",
            detail=competitor.name, forecast=margin,
        )
    if won:
        market.relationships.end(pair, EndReason.COMPETITOR, rival=competitor, search=False)
    return won


def switch_chance(market: LifecycleMarket, pair: Pair, competitor: Supplier) -> float:
    """Reinforced choice: the chance that the buyer takes ``competitor``'s offer (C6, C9).

    The logit with the market's beta between the incumbent's preference plus
    the switching penalty and inertia, as a preference term ``(penalty +
    inertia) / gamma`` (what a lasting advantage of that value per order adds
    to a preference, like the outside option's ``alternative_value /
    gamma``), and the competitor's preference.
    """
    buyer = pair.buyer
    penalty = switching_penalty(market, pair) + market.rel.switching.inertia
    incumbent = preference(market, buyer, pair.supplier) + penalty / market.rel.choice.gamma
    chances = choice_probabilities(
        [incumbent, preference(market, buyer, competitor)], market.rel.choice.beta)
    return chances[1]


def switch(
    market: LifecycleMarket, pair: Pair, rival: Supplier, cause: EndCause | None = None,
) -> bool:
    """The buyer turns from the pair's supplier to ``rival``; returns whether it did.

    It starts evaluating the rival and judges first whether they are too far
    apart (C3); if so that evaluation ends and the buyer stays, otherwise it
    leaves the pair's supplier (a ``competitor`` ending, lost to ``rival``)
    and the rival's pre stage goes straight to negotiation: the buyer has
    already weighed it against its alternatives.
    """
    if not _evaluated(market, pair, rival):
        return False
    market.relationships.end(pair, EndReason.COMPETITOR, cause, rival=rival, search=False)
    return True


def _evaluated(market: LifecycleMarket, pair: Pair, rival: Supplier) -> bool:
    """The buyer starts evaluating ``rival`` to replace the pair's supplier; whether it
    passes the buyer's judgement of distance (C3)."""
    return evaluate_chosen(
        market, pair.buyer, rival, EntryCause.SWITCHED + pair.supplier.name) is not None


def evaluate_chosen(
    market: LifecycleMarket, buyer: Buyer, supplier: Supplier, cause: str,
) -> Pair | None:
    """The buyer, having chosen ``supplier`` over its alternatives, starts evaluating it.

    Only the judgement of distance (C3) is left to make: a pair too far
    apart ends at once (None); otherwise its pre stage goes straight to
    negotiation (``Pair.chosen``).
    """
    evaluated = market.relationships.start(buyer, supplier, cause)
    if too_far_apart(market, evaluated):
        market.relationships.end(evaluated, EndReason.DISTANCE, EndCause.TOO_FAR_APART)
        return None
    evaluated.chosen = True
    return evaluated


def turn_to_alternative(
    market: LifecycleMarket, pair: Pair, cause: EndCause, falls_short: Callable[[], bool],
) -> bool:
    """While the pair's supplier ``falls_short`` of the buyer's alternatives, the buyer
    turns to the best of them (C6); returns whether the relationship ended.

    The best is a rival it could buy from when one beats its outside options
    (``switch``: a ``competitor`` ending, unless the rival proves too far
    apart, and then the next best is weighed), else the spot market
    (``outside_option``).
    """
    while not pair.ended and falls_short():
        rival = best_alternative_supplier(market, pair.buyer)
        if rival is None:
            market.relationships.end(pair, EndReason.OUTSIDE_OPTION, cause)
        else:
            switch(market, pair, rival, cause)
    return pair.ended


def pursue_forecast(market: LifecycleMarket, pair: Pair) -> float:
    """The supplier's NPV forecast of a prospect it might pursue (money)."""
    share = 1.0 / pair.buyer.breadth
    return forecast_npv(
        market, pair, share, DEVELOPMENT, satisfaction=0.5, commitment=0.3,
        success=success_probability(market, pair),
    )


def marketing_rate(
    market: LifecycleMarket, supplier: Supplier, own: float, contacts: int, found: float,
) -> float:
    """The supplier's contact rate for the next year (contacts per week, C16).

    ``own`` is its drawn rate, ``contacts`` the contacts it made in the past
    year and ``found`` the forecast value of the relationships they started
    (money). Without a contact the rate stays.
    """
    rate = supplier.marketing_rate
    if contacts <= 0:
        return rate
    policy = market.policy
    value, cost = found / contacts, market.economics.marketing_cost
    if value < cost:
        rate *= 1.0 - policy.marketing_step
    elif value > cost:
        rate *= 1.0 + policy.marketing_step
    return min(own * policy.marketing_ceiling, max(own * policy.marketing_floor, rate))


def supplier_keeps(market: LifecycleMarket, pair: Pair) -> bool:
    """The supplier decides whether to keep the account; returns whether it does (C16)."""
    forecast = forecast_npv(
        market, pair, pair.share, pair.stage, pair.satisfaction,
        _mutual(pair), success_probability(market, pair),
        attention_price(market, pair.supplier),
    )
    pair.forecast_last = forecast
    if market.log.enabled:
        market.relationships.record(pair, EventKind.DECISION, "keep", forecast=forecast)
    if market.policy.drop_unprofitable and forecast < 0.0:
        # It remembers refusing the buyer, so it does not court it again.
        pair.supplier.prospects[pair.buyer] = False
        market.relationships.end(pair, EndReason.UNPROFITABLE, EndCause.FORECAST_NEGATIVE)
        return False
    return True


def _mutual(pair: Pair) -> float:
    return 0.5 * (pair.commitment_buyer + pair.commitment_supplier)


def consider_adaptations(market: LifecycleMarket, pair: Pair) -> None:
    """Each side decides whether to start an adaptation project (C8, C9).

    A side with a project still running starts no other; a project's cost
    scales with the relationship's complexity (``episodes.project_scale``).
    """
    rel, policy, economics = market.rel, market.policy, market.economics
    scale = project_scale(market, pair)
    if (
        True not in pair.projects
        and pair.technological > 0.02
        and pair.trust >= policy.adaptation_trust
    ):
        investment = economics.adaptation_supplier * scale
        gain = _adaptation_gain(market, pair, investment)
        if market.log.enabled:
            market.relationships.record(pair, EventKind.DECISION, "adapt", forecast=gain)
        if gain >= (1.0 + policy.adaptation_hurdle) * investment:
            start_project(market, pair, investment, by_supplier=True, forecast=gain)
    if False not in pair.projects and pair.trust >= rel.development.adaptation_trust:
        _buyer_adapts(market, pair, economics.adaptation_buyer * scale)
    update_commitment(market, pair)


def _buyer_adapts(market: LifecycleMarket, pair: Pair, cost: float) -> None:
    """The buyer starts a project costing ``cost`` (money) when its own forecast gain
    clears ``(1 + buyer_hurdle)`` times the cost (C8); the forecast is recorded."""
    gain = buyer_adaptation_gain(market, pair)
    if market.log.enabled:
        market.relationships.record(
            pair, EventKind.DECISION, "buyer_adapt", forecast=gain, amount=cost
        )
    if gain >= (1.0 + market.rel.development.buyer_hurdle) * cost:
        start_project(market, pair, cost, by_supplier=False, forecast=gain)


def buyer_adaptation_gain(market: LifecycleMarket, pair: Pair) -> float:
    """The buyer's forecast of what an adaptation project is worth to it (money, C8).

    From what it observes: the project cuts technological distance by
    ``adaptation_effect``, so it expects its belief in the supplier's
    reliability to rise by the same factor as the success probability
    (fewer failed orders: lower cost), each good order worth
    ``value_of_success`` at the offering's fit; times its volume with the
    supplier (orders per year x order value x share), from the project's
    delivery for ``buyer_horizon``, discounted at ``delta`` plus the yearly
    hazard it sees of the relationship ending (``economics.annual_hazard`` of
    its satisfaction and its own commitment).
    """
    rel, buyer = market.rel, pair.buyer
    orders, development = rel.orders, rel.development
    weight, technological = orders.technology_weight, pair.technological
    before = 1.0 - weight * technological
    after = 1.0 - weight * technological * (1.0 - development.adaptation_effect)
    per_order = pair.reliability * (after / before - 1.0) * value_of_success(
        pair.fit(orders.fit_scale), pair.supplier.price
    )
    per_year = per_order * buyer.order_value * buyer.order_rate * WEEKS_PER_YEAR * pair.share
    rate = annual_hazard(pair.satisfaction, pair.commitment_buyer) + market.delta
    delivery = development.project_time * project_scale(market, pair) / WEEKS_PER_YEAR
    years = development.buyer_horizon / WEEKS_PER_YEAR
    return per_year * math.exp(-rate * delivery) * (1.0 - math.exp(-rate * years)) / rate


def _adaptation_gain(market: LifecycleMarket, pair: Pair, investment: float) -> float:
    """Forecast NPV with the adaptation minus the forecast without it (money)."""
    rel = market.rel
    success = success_probability(market, pair)
    base = forecast_npv(
        market, pair, pair.share, LONG_TERM, pair.satisfaction, _mutual(pair), success
    )
    technological = pair.technological
    pair.technological = technological * (1.0 - rel.development.adaptation_effect)
    success_after = success_probability(market, pair)
    pair.technological = technological
    share_after = min(1.0, pair.share * success_after / max(success, 1e-9) + 0.1)
    invested = formulas.sunk(
        pair.investment_supplier + investment, rel.switching.switching_cost_scale
    )
    commitment_after = 0.5 * (
        pair.commitment_buyer
        + formulas.commitment(formulas.SUPPLIER_COMMITMENT, pair.trust, share_after, invested)
    )
    after = forecast_npv(
        market, pair, share_after, LONG_TERM, pair.satisfaction, commitment_after, success_after
    )
    return after - base

