"""How each side judges the other: reliability, value, alternatives, commitment.

Suggested functional forms chosen here (all values are "value per order",
on the scale of the buyer's expectation, roughly [0, 1]):

- Probability that an order goes well:
  ``quality * (1 - w_fit (1 - fit)) * (1 - w_tech * technological) * (1 - w_time * time)``.
- Value of a good order: ``0.3 + 0.7 fit - (price - 1)``; a failed order is
  worth 0 (less when its conflict stays open).
- An offer's appeal against the buyer's outside options:
  ``clip(0.5 + (prospect value - outside value) / 0.2, 0, 1)`` (C2); the
  supplier's expected cost of courting a prospect: ``marketing_cost /
  (persuasion x appeal)`` (C16).
- Expected value of a supplier: expected reliability (the mean of the Beta
  belief) x value of a good order; a prospect is judged by reputation instead
  and by the fit of the offer it would make (C1, C14). Value comparisons rest on
  reliability, so an incumbent and a stranger are judged on one scale.
- Trust: ``(1 - w) reliability + w goodwill`` with ``w = goodwill_weight``
  (trust in competence and in benevolence; Ganesan 1994, Doney & Cannon
  1997). Goodwill ``= history / (history + goodwill_history) x care``: it is
  nil with a stranger (the buyer's initial trust is wary, whatever the
  reputation), grows with successful shared orders and saturates; ``care``
  starts at 1 and moves ``care_step`` of the way to 1 when the supplier
  answers a new requirement or resolves a conflict, to 0 when it misses one
  or leaves a conflict open (C11, C15). Trust governs the relational
  decisions: entering development, the volume ceiling (C7), adaptations (C8)
  and commitment.
- Working friction: the cultural distance, [0, 1] (different ways of
  working); it makes failures turn into conflicts more often and conflicts harder to
  resolve (C3, C15).
- Switching penalty: ``weight * switching_cost / (switching_cost + scale)`` value per
  order; a competitor must beat the incumbent by it plus inertia (C9).
- Foreseeing problems: the posterior probability that reliability is below
  ``problem_level`` (normal approximation of the Beta posterior) exceeds
  ``foresight`` (C5).
- Alternatives: the rival suppliers the buyer could actually buy from
  (``known_rivals``: known, active, not rejected, not its own, and willing
  to pursue it by their own prospect judgement, ``would_pursue``) and the
  spot market. A competitor ending names the best of them (``lost_to``).
- Outclassed in a trial: the same posterior puts probability ``foresight`` on
  reliability below ``rival / value_of_success``, where ``rival`` is the best
  prospect value among the known rival suppliers (the comparison level for
  alternatives; Thibaut & Kelley 1959, Anderson & Narus 1990) (C6).
- Commitment: buyer ``0.35 trust + 0.3 share + 0.35 s(investment_buyer)``,
  supplier ``0.4 trust + 0.2 share + 0.4 s(investment_supplier)`` with
  ``s(x) = x / (x + scale)``: it grows with trust, dependence and
  adaptations (Morgan & Hunt 1994; Ford 1980).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.models.lifecycle import formulas
from sim.models.lifecycle.agents import DEVELOPMENT, Buyer, Pair, Supplier, distance, offering_for
from sim.models.lifecycle.economics import forecast_account

if TYPE_CHECKING:
    from sim.models.lifecycle.interface import LifecycleMarket
_SQRT2 = math.sqrt(2.0)


def success_probability(market: LifecycleMarket, pair: Pair) -> float:
    """Probability that the next order with this supplier goes well."""
    orders = market.rel.orders
    return formulas.success_probability(
        pair.supplier.quality, pair.fit(orders.fit_scale), pair.technological,
        pair.time_distance, orders.fit_weight, orders.technology_weight, orders.time_weight,
    )


def value_of_success(fit: float, price: float) -> float:
    """Value per order of an order that went well."""
    return 0.3 + 0.7 * fit - (price - 1.0)


def expected_value(market: LifecycleMarket, pair: Pair) -> float:
    """What the buyer expects an order with this supplier to be worth (value per order)."""
    return pair.reliability * value_of_success(
        pair.fit(market.rel.orders.fit_scale), pair.supplier.price
    )


def offering_fit(market: LifecycleMarket, buyer: Buyer, supplier: Supplier) -> float:
    """Fit of the offering a supplier would make to the buyer's current requirements."""
    return formulas.fit(offering_for(buyer, supplier), buyer.requirements,
                        market.rel.orders.fit_scale)


def prospect_value(market: LifecycleMarket, buyer: Buyer, supplier: Supplier) -> float:
    """Value per order the buyer expects from a supplier it has no experience with (C1)."""
    fit = offering_fit(market, buyer, supplier)
    return supplier.reputation * value_of_success(fit, supplier.price)


def _paired(buyer: Buyer, supplier: Supplier) -> bool:
    return any(pair.supplier is supplier for pair in buyer.pairs)


def prospect_forecast(market: LifecycleMarket, buyer: Buyer, supplier: Supplier) -> float:
    """The supplier's NPV forecast of pursuing a buyer it has no relationship with (C1, C16).

    The same forecast as for a pursued pair (``decisions.pursue_forecast``):
    a share of ``1 / sourcing breadth`` at development's attention, from the
    distances and fit the supplier can see before any order and the size it
    was told of the buyer (``economics.estimated_order_rate``) (money).
    """
    orders = market.rel.orders
    cultural = distance(buyer.culture, supplier.culture)
    geographic = distance(buyer.location, supplier.location)
    success = formulas.success_probability(
        supplier.quality, offering_fit(market, buyer, supplier),
        distance(buyer.technology, supplier.technology), geographic,
        orders.fit_weight, orders.technology_weight, orders.time_weight,
    )
    tailoring = market.economics.tailoring_cost if supplier.offer_pull > 0.0 else 0.0
    return forecast_account(
        market, buyer, supplier, 0.5 + 0.5 * cultural, 1.0 / buyer.breadth, DEVELOPMENT,
        satisfaction=0.5, commitment=0.3, success=success,
        attention_price=attention_price(market, supplier, market.attention_by_stage[DEVELOPMENT]),
    ) - tailoring


def attention_price(market: LifecycleMarket, supplier: Supplier, extra: float = 0.0) -> float:
    """What an account's attention costs the supplier: its alternative use (C11, C16).

    ``attention_cost x min(1, load)``, load = the attention its accounts ask
    for (plus ``extra`` for a new account) over its capacity: idle account
    managers cost little more for one more account, a stretched team takes
    attention from the accounts it has (money per attention unit-week).
    """
    if supplier.capacity <= 0.0:
        return market.economics.attention_cost
    load = (supplier.attention_demand + extra) / supplier.capacity
    return market.economics.attention_cost * min(1.0, load)


def offer_appeal(market: LifecycleMarket, buyer: Buyer, supplier: Supplier) -> float:
    """How the supplier's offer looks against the buyer's outside options, [0, 1] (C2).

    ``clip(0.5 + (prospect value - outside value) / 0.2, 0, 1)``: an offer
    merely equal to the outside options persuades half as often as a clearly
    better one.
    """
    appeal = 0.5 + (prospect_value(market, buyer, supplier) - buyer.alternative_value) / 0.2
    return 0.0 if appeal < 0.0 else 1.0 if appeal > 1.0 else appeal


def courting_cost(market: LifecycleMarket, buyer: Buyer, supplier: Supplier) -> float:
    """The marketing the supplier expects to spend to win the buyer's interest (money, C16).

    ``marketing_cost / (persuasion x appeal)``: a contact's cost times the
    expected number of contacts until one persuades the buyer while it looks
    for a supplier (geometric); infinite when no contact can persuade it.
    """
    cost = market.economics.marketing_cost
    if cost <= 0.0:
        return 0.0
    chance = market.rel.switching.persuasion * offer_appeal(market, buyer, supplier)
    return cost / chance if chance > 0.0 else math.inf


def would_pursue(market: LifecycleMarket, buyer: Buyer, supplier: Supplier) -> bool:
    """Whether the supplier judges the buyer worth pursuing (C16), before any relationship.

    The prospect's forecast, less the expected cost of courting it
    (``courting_cost``), must clear ``pursue_hurdle``. A supplier judges a
    prospect once, the first time it considers it (a marketing contact, or
    the buyer turning to it), and remembers the verdict, so a buyer it
    declined is not courted again; the market counts the prospects judged
    and declined.
    """
    verdict = supplier.prospects.get(buyer)
    if verdict is None:
        forecast = prospect_forecast(market, buyer, supplier)
        verdict = forecast - courting_cost(market, buyer, supplier) >= market.policy.pursue_hurdle
        supplier.prospects[buyer] = verdict
        market.prospects_judged += 1
        market.prospects_declined += not verdict
    return verdict


def known_rivals(market: LifecycleMarket, buyer: Buyer) -> list[Supplier]:
    """The suppliers the buyer could actually buy from, besides its own (C2, C6).

    Those it knows of that are in the market, that it has not recently
    ended with (``rejected``: whichever side decided), that are not already
    its suppliers, and that would pursue it (``would_pursue``). Every count
    of alternatives (``best_alternative``, ``credible_alternatives``, searches,
    competitors' offers) rests on this one list.
    """
    return [
        supplier for supplier in buyer.aware
        if supplier.active and supplier not in buyer.rejected and not _paired(buyer, supplier)
        and would_pursue(market, buyer, supplier)
    ]


def best_rival(market: LifecycleMarket, buyer: Buyer) -> tuple[Supplier | None, float]:
    """The buyer's best known rival and its prospect value (None and 0 when there is none)."""
    best, value = None, 0.0
    for supplier in known_rivals(market, buyer):
        prospect = prospect_value(market, buyer, supplier)
        if best is None or prospect > value:
            best, value = supplier, prospect
    return best, value


def best_rival_value(market: LifecycleMarket, buyer: Buyer) -> float:
    """The best prospect value among the buyer's known rivals, 0 when there are none."""
    return best_rival(market, buyer)[1]


def best_alternative(market: LifecycleMarket, buyer: Buyer) -> float:
    """The best value the buyer could get elsewhere: outside options or known rivals (C6)."""
    return max(buyer.alternative_value, best_rival_value(market, buyer))


def best_alternative_supplier(market: LifecycleMarket, buyer: Buyer) -> Supplier | None:
    """Who the buyer's best alternative is: a known rival, or None for the spot market (C6)."""
    rival, value = best_rival(market, buyer)
    return rival if rival is not None and value > buyer.alternative_value else None


def credible_alternatives(market: LifecycleMarket, pair: Pair) -> int:
    """Alternatives the buyer sees within ``credibility_margin`` of this supplier (C12)."""
    buyer = pair.buyer
    bar = expected_value(market, pair) - market.rel.final.credibility_margin
    count = int(buyer.alternative_value >= bar)
    for supplier in known_rivals(market, buyer):
        count += prospect_value(market, buyer, supplier) >= bar
    return count


def switching_penalty(market: LifecycleMarket, pair: Pair) -> float:
    """Value per order the buyer gives up by leaving: its sunk adaptations (C9)."""
    switching = market.rel.switching
    return formulas.switching_penalty(
        pair.switching_cost, switching.switching_cost_scale, switching.switching_weight
    )


def holding_value(market: LifecycleMarket, pair: Pair) -> float:
    """The incumbent's value in a comparison: expected value plus switching penalty and inertia."""
    inertia = market.rel.switching.inertia
    return expected_value(market, pair) + switching_penalty(market, pair) + inertia


def likely_below(market: LifecycleMarket, pair: Pair, level: float) -> bool:
    """Whether the buyer's belief makes reliability below ``level`` likely (``foresight``)."""
    spread = pair.uncertainty
    reliability = pair.reliability
    if spread <= 0.0:
        return reliability < level
    z = (level - reliability) / spread
    return 0.5 * (1.0 + math.erf(z / _SQRT2)) >= market.rel.trial.foresight


def foresees_problems(market: LifecycleMarket, pair: Pair) -> bool:
    """Whether the buyer's belief makes poor reliability likely (C5)."""
    return likely_below(market, pair, market.rel.trial.problem_level)


def outclassed(market: LifecycleMarket, pair: Pair) -> bool:
    """Whether a known rival is likely worth more than this supplier (C6).

    The buyer compares the supplier with the best prospect among the rival
    suppliers it knows of and could turn to (its comparison level for
    alternatives): the supplier is outclassed when the buyer's belief makes
    it likely (``foresight``) that its reliability is below the level at which
    an order with it would be worth as much as that prospect. Without a known
    rival nothing outclasses it; outside options are judged at the end of the
    trial period.
    """
    rival = best_rival_value(market, pair.buyer)
    if rival <= 0.0:
        return False
    value = value_of_success(pair.fit(market.rel.orders.fit_scale), pair.supplier.price)
    return value <= 0.0 or likely_below(market, pair, rival / value)


def update_commitment(market: LifecycleMarket, pair: Pair) -> None:
    """Recompute both sides' commitment from trust, dependence and adaptations."""
    scale = market.rel.switching.switching_cost_scale
    trust, share = pair.trust, pair.share
    pair.commitment_buyer = formulas.commitment(
        formulas.BUYER_COMMITMENT, trust, share, formulas.sunk(pair.investment_buyer, scale)
    )
    pair.commitment_supplier = formulas.commitment(
        formulas.SUPPLIER_COMMITMENT, trust, share,
        formulas.sunk(pair.investment_supplier, scale),
    )


def distance_gap(pair: Pair) -> float:
    """Cultural or technological distance beyond the buyer's tolerance (C3)."""
    return max(0.0, max(pair.cultural, pair.technological) - pair.buyer.tolerance)


def too_far_apart(market: LifecycleMarket, pair: Pair) -> bool:
    """The buyer's judgement of distance in pre: it abandons with probability
    ``1 - exp(-distance_sensitivity x gap)`` (C3), whatever else fits."""
    gap = distance_gap(pair)
    return gap > 0.0 and market.decision_draws.uniform() < 1.0 - math.exp(
        -market.rel.trial.distance_sensitivity * gap
    )


def experienced_cultural_gap(pair: Pair) -> float:
    """Cultural distance felt in working together, beyond the buyer's tolerance (C5).

    Social distance (unfamiliarity) magnifies the cultural gap; it shrinks with
    every order, so a relationship that survives its first orders feels it less.
    """
    return max(0.0, pair.cultural * (0.5 + pair.social) - pair.buyer.tolerance)



def working_friction(pair: Pair) -> float:
    """Cultural distance felt in working together, [0, 1] (C3, C15).

    Different ways of working turn failures into conflicts and make them
    harder to resolve, however familiar the partners have become.
    """
    return pair.cultural
