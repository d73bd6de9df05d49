"""The relationship lifecycle: one SimPy process per pair, one function per stage.

``pre -> early -> development -> long_term -> final`` (Ford 1980; Dwyer,
Schurr & Oh 1987), and from any stage to ended with a reason (C13). Each
stage function waits for what happens to the relationship (orders in the
trial, reviews, open conflicts, a competitor's approach, an end decided
elsewhere), decides, and returns the next stage function, or ``None`` once
the relationship has ended. Nothing here draws a stage from a fixed
transition probability: every move follows from trust, distance, fit,
satisfaction, commitment, switching cost, alternatives, attention and entry.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.models.lifecycle import formulas
from sim.models.lifecycle.agents import DEVELOPMENT, EARLY, FINAL, LONG_TERM, Pair
from sim.models.lifecycle.decisions import (
    buyer_review,
    competitor_wins,
    consider_adaptations,
    pursue_forecast,
    supplier_keeps,
    turn_to_alternative,
)
from sim.models.lifecycle.episodes import APPROACH, END, EPISODE, PROBLEM, REVIEW
from sim.models.lifecycle.judgement import (
    best_alternative,
    credible_alternatives,
    expected_value,
    experienced_cultural_gap,
    foresees_problems,
    known_rivals,
    outclassed,
    prospect_value,
    too_far_apart,
)
from sim.models.lifecycle.vocabulary import EndCause, EndReason, EntryCause, EventKind

if TYPE_CHECKING:
    from sim.models.lifecycle.interface import LifecycleMarket

def lifecycle(market: LifecycleMarket, pair: Pair):
    """The life of one relationship: its stages one after another until it ends."""
    stage = pre
    while stage is not None and not pair.ended:
        stage = yield from stage(market, pair)


def wait(market: LifecycleMarket, pair: Pair):
    """Wait until something happens to the relationship; return what happened."""
    if not pair.inbox:
        pair.wakeup = market.env.event()
        yield pair.wakeup
    messages, pair.inbox = pair.inbox, []
    if pair.ended:
        # Ended elsewhere (an exit, a competitor) after these were posted.
        return [(END,)]
    return messages


def pre(market: LifecycleMarket, pair: Pair):
    """Pre-relationship: each side judges the other's potential, then they negotiate.

    The buyer abandons with a probability that grows with cultural or
    technological distance beyond its tolerance, whatever else fits (C3); it
    compares the supplier's expected value (reputation, fit, price) with its
    alternatives (C1, C6) and turns to the best of them when the supplier
    falls short; the supplier has already judged the buyer worth pursuing
    before the pair began (C16). Negotiation takes longer at larger social
    distance and shorter with negotiation skill.
    """
    rel, buyer, supplier = market.rel, pair.buyer, pair.supplier
    draws = market.decision_draws
    if not pair.chosen and _buyer_declines(market, pair):
        return None
    # The supplier judged the buyer worth pursuing before the pair existed
    # (``judgement.would_pursue``); its forecast is kept beside the realised NPV.
    forecast = pursue_forecast(market, pair)
    pair.npv_forecast = pair.forecast_last = forecast
    if market.log.enabled:
        market.relationships.record(pair, EventKind.DECISION, "pursue", forecast=forecast)
    negotiation = rel.trial.negotiation_time * (0.5 + pair.social) * (1.5 - supplier.negotiation)
    yield market.env.timeout(negotiation)
    if pair.ended:
        return None
    market.relationships.enter_stage(pair, EARLY, EntryCause.NEGOTIATED)
    if draws.uniform() < rel.trial.large_project_probability * (0.5 + supplier.negotiation):
        pair.cap = max(pair.cap, rel.trial.large_project_share)
        market.sourcing.allocate(buyer)
    return early


def _buyer_declines(market: LifecycleMarket, pair: Pair) -> bool:
    """The buyer's judgement in pre: too far apart (C3), or a better alternative (C6)."""
    if too_far_apart(market, pair):
        market.relationships.end(pair, EndReason.DISTANCE, EndCause.TOO_FAR_APART)
        return True
    buyer, supplier = pair.buyer, pair.supplier
    return turn_to_alternative(
        market, pair, EndCause.BETTER_ALTERNATIVE,
        lambda: prospect_value(market, buyer, supplier) < best_alternative(market, buyer),
    )


def early(market: LifecycleMarket, pair: Pair):
    """Early: trial orders from which the buyer learns the supplier's ways (C4).

    After each order the buyer abandons when its belief makes poor
    performance likely or the cultural distance it experiences is too large
    (C5). It moves to development when trust clears the threshold and the
    supplier beats its best alternative (C6).
    """
    rel = market.rel
    while True:
        for message in (yield from wait(market, pair)):
            kind = message[0]
            if kind == END:
                return None
            if kind == APPROACH:
                if competitor_wins(market, pair, message[1]):
                    return None
                continue
            if kind == EPISODE:
                if pair.episodes >= 2 and foresees_problems(market, pair):
                    market.relationships.end(
                        pair, EndReason.POOR_PERFORMANCE, EndCause.FORESEES_PROBLEMS
                    )
                    return None
                gap = experienced_cultural_gap(pair)
                if gap > 0.0 and market.decision_draws.uniform() < 1.0 - math.exp(
                    -0.25 * rel.trial.distance_sensitivity * gap
                ):
                    market.relationships.end(pair, EndReason.DISTANCE, EndCause.CULTURAL_FRICTION)
                    return None
            if kind in (EPISODE, REVIEW) and _ready_for_development(market, pair):
                market.relationships.enter_stage(pair, DEVELOPMENT, EntryCause.TRUST_BUILT)
                return development
            if kind == REVIEW:
                if pair.episodes >= rel.trial.min_episodes and turn_to_alternative(
                    market, pair, EndCause.OUTCLASSED_IN_TRIAL, lambda: outclassed(market, pair)
                ):
                    return None
                if _trial_failed(market, pair):
                    return None
                market.relationships.schedule_review(pair)


def _ready_for_development(market: LifecycleMarket, pair: Pair) -> bool:
    rel = market.rel
    return (
        pair.episodes >= rel.trial.min_episodes
        and pair.trust >= rel.trial.development_trust
        and expected_value(market, pair) >= best_alternative(market, pair.buyer)
    )


def _trial_failed(market: LifecycleMarket, pair: Pair) -> bool:
    """At the end of the buyer's trial period a supplier that has not convinced is let go."""
    rel = market.rel
    if market.env.now - pair.stage_since < pair.buyer.trial_period:
        return False
    if turn_to_alternative(
        market, pair, EndCause.ALTERNATIVE_BETTER_AFTER_TRIAL,
        lambda: expected_value(market, pair) < best_alternative(market, pair.buyer),
    ):
        return True
    if pair.trust < rel.trial.development_trust:
        market.relationships.end(pair, EndReason.POOR_PERFORMANCE, EndCause.TRUST_NOT_BUILT)
    elif pair.satisfaction < pair.buyer.search_threshold:
        market.relationships.end(pair, EndReason.DISSATISFACTION, EndCause.TRIAL_DISAPPOINTED)
    return pair.ended


def development_ceiling(trust: float, trial_share: float) -> float:
    """Development's defining rule for volume: the largest share a developing
    relationship gets, from the trial share at trust 0.5 up to all of the
    buyer's demand at trust 1 (C7). Sourcing applies it when it splits demand.
    """
    return trial_share + (1.0 - trial_share) * max(0.0, 2.0 * trust - 1.0)


def development(market: LifecycleMarket, pair: Pair):
    """Development: volume grows with trust; intensive, costly account management (C7).

    The buyer's volume share is capped by ``development_ceiling``.

    At each review the buyer judges performance and satisfaction, the
    supplier whether the account is worth keeping, and both whether to adapt
    (only with enough trust and, for the supplier, an NPV gain that clears its
    hurdle; C8, C16). Adaptations build commitment; mutual commitment makes
    the relationship long-term.
    """
    return (yield from _reviewed(market, pair, _to_long_term))


def _to_long_term(market: LifecycleMarket, pair: Pair):
    threshold = market.rel.development.commitment_threshold
    if min(pair.commitment_buyer, pair.commitment_supplier) >= threshold:
        market.relationships.enter_stage(pair, LONG_TERM, EntryCause.MUTUAL_COMMITMENT)
        return long_term
    return None


def _reviewed(market: LifecycleMarket, pair: Pair, promote):
    """Development and long-term: weather what happens, review, adapt, move on.

    At each scheduled review that the relationship passes, both sides may
    adapt; ``promote(market, pair)`` then returns the next stage function
    once the relationship is ready for it, or None to wait for the next review.
    """
    while True:
        for message in (yield from wait(market, pair)):
            if not _weathers(market, pair, message, problems=True):
                return None
            if message[0] == REVIEW:
                if not _passes_review(market, pair):
                    return None
                consider_adaptations(market, pair)
                following = promote(market, pair)
                if following is not None:
                    return following
                market.relationships.schedule_review(pair)


def _weathers(market: LifecycleMarket, pair: Pair, message, problems: bool) -> bool:
    """Whether the relationship survives what happened: an end decided elsewhere,
    a competitor's approach, or (when ``problems``) a failed order that makes
    the buyer review the supplier out of turn."""
    kind = message[0]
    if kind == END:
        return False
    if kind == APPROACH:
        return not competitor_wins(market, pair, message[1])
    if kind == PROBLEM and problems:
        return not buyer_review(market, pair)
    return True


def _passes_review(market: LifecycleMarket, pair: Pair) -> bool:
    """A scheduled review: the buyer judges the supplier, the supplier the account."""
    return not buyer_review(market, pair) and supplier_keeps(market, pair)


def long_term(market: LifecycleMarket, pair: Pair):
    """Long-term: routine under established rules, cheaper to serve (C9, C10).

    The supplier's attention policy may cut attention, so requirement shifts
    go unnoticed and fit and satisfaction erode (C11). A competitor's offer
    wins when it beats the incumbent by more than switching cost and inertia.
    At each review it may be institutionalised (C12): a hazard that grows with
    the stay in long-term, satisfaction and the absence of credible
    alternatives (``_ready_for_final``).
    """
    return (yield from _reviewed(market, pair, _to_final))


def _to_final(market: LifecycleMarket, pair: Pair):
    if _ready_for_final(market, pair):
        market.relationships.enter_stage(pair, FINAL, EntryCause.INSTITUTIONALISED)
        return final
    return None


def _ready_for_final(market: LifecycleMarket, pair: Pair) -> bool:
    """Whether the relationship is institutionalised at this review: a hazard (C12).

    While both sides stay committed, the chance over the interval since the
    last review grows with the time spent in long-term, the buyer's
    satisfaction above the final threshold and the absence of credible
    alternatives (``formulas.institutionalisation_chance``).
    """
    rel = market.rel
    final = rel.final
    if min(pair.commitment_buyer, pair.commitment_supplier) < rel.development.commitment_threshold:
        return False
    satisfied = (pair.satisfaction - final.satisfaction) / (1.0 - final.satisfaction)
    if satisfied <= 0.0:
        return False
    now = market.env.now - pair.stage_since
    since = max(0.0, now - market.review_by_stage[LONG_TERM])
    unrivalled = math.exp(-final.alternative_weight * credible_alternatives(market, pair))
    chance = formulas.institutionalisation_chance(
        since, now, final.hazard, final.hazard_time, min(1.0, satisfied), unrivalled
    )
    return market.decision_draws.uniform() < chance


def final(market: LifecycleMarket, pair: Pair):
    """Final: institutionalised; rare reviews, conflicts absorbed (C12).

    Conflicts are absorbed by established procedures until the next (rare)
    review. Offers reach the buyer through the ordinary rules (an entrant's
    included); at a review a buyer whose supplier's attention has lapsed
    may look around (``_attention_lapsed``), so a final relationship can
    decay without any entry.
    """
    while True:
        for message in (yield from wait(market, pair)):
            if not _weathers(market, pair, message, problems=False):
                return None
            if message[0] == REVIEW:
                if not _passes_review(market, pair) or _attention_lapsed(market, pair):
                    return None
                market.relationships.schedule_review(pair)


def _attention_lapsed(market: LifecycleMarket, pair: Pair) -> bool:
    """Whether a lapse of the supplier's attention loses it the buyer; at a final review.

    The buyer remembers how its needs were met (``care``, which falls with
    every requirement shift the supplier missed). With probability
    ``1 - exp(-lapse_sensitivity (1 - care))`` it looks around: it searches,
    and its best known rival makes an offer judged like any other
    (``decisions.competitor_wins``), against the switching cost and inertia.
    Returns whether the relationship ended.
    """
    chance = 1.0 - math.exp(-market.rel.final.lapse_sensitivity * (1.0 - pair.care))
    if market.decision_draws.uniform() >= chance:
        return False
    buyer = pair.buyer
    market.sourcing.search(buyer)
    rival = max(
        known_rivals(market, buyer), key=lambda s: prospect_value(market, buyer, s), default=None
    )
    return rival is not None and competitor_wins(market, pair, rival)
