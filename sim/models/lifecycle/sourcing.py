"""Buyer sourcing: contacts, searches, and the split of demand into volume shares.

Suggested functional forms chosen here:

- Contacts are Poisson at the supplier's marketing rate, to a buyer drawn at
  random among those it has not judged unworthy (``market.py``, ``target``):
  the supplier judges every prospect before courting it
  (``judgement.would_pursue``, C16) and remembers a buyer it declined. A
  contact makes the buyer aware of the supplier (it
  remembers the last ``awareness_limit``). It persuades a searching buyer
  with probability ``persuasion`` and a content one with ``openness x (1 -
  lowest satisfaction)`` (C2), each times the offer's appeal,
  ``clip(0.5 + (prospect value - outside value) / 0.2, 0, 1)``. A persuaded
  buyer with a free slot (fewer relationships than its sourcing breadth)
  starts evaluating the supplier: a ``pre`` relationship. A persuaded buyer
  without one puts the offer to its weakest relationship, whose stage
  decides (C6, C9). Entrants and buyers in final relationships follow the
  same rule as everyone else (C12).
- Volume shares: trial orders take a fixed small share in early; the rest of
  the demand is split by the shared logit choice rule over the developed
  relationships' preferences (``preferences.py``) and an outside option worth
  the buyer's alternative value, a developing relationship capped by
  development's volume ceiling (``stages.development_ceiling``, C7). The
  shares are set again after every order with a developed relationship,
  from the preferences then.
- Searches: the best known prospect, when it beats the outside options; with
  ``choice.reinforced`` a draw from the same logit over the known suppliers'
  preferences and the outside option's.

Sourcing listens to the bookkeeping: when a relationship ends, the buyer's
demand is split again and, short of suppliers, it may search at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.models.choice import choice_probabilities
from sim.models.lifecycle import preferences
from sim.models.lifecycle.agents import DEVELOPMENT, EARLY, Buyer, Pair, Supplier
from sim.models.lifecycle.decisions import evaluate_chosen
from sim.models.lifecycle.economics import accrue_exposure
from sim.models.lifecycle.judgement import (
    holding_value,
    known_rivals,
    offer_appeal,
    prospect_value,
    would_pursue,
)
from sim.models.lifecycle.stages import development_ceiling
from sim.models.lifecycle.vocabulary import EntryCause, Message

if TYPE_CHECKING:
    from sim.models.lifecycle.interface import LifecycleMarket

#: Draws a marketing contact makes to find a buyer its supplier has not declined.
TARGET_TRIES = 8


class Sourcing:
    """How buyers find suppliers and split their demand among them."""

    def __init__(self, market: LifecycleMarket):
        self.market = market
        market.relationships.on_end(self.after_end)

    def target(self, supplier: Supplier) -> Buyer | None:
        """The buyer a marketing contact goes to: one drawn at random among those
        the supplier has not judged unworthy (it targets its prospects, C16), or
        None when ``TARGET_TRIES`` draws found none."""
        market = self.market
        buyers, prospects = market.buyers, supplier.prospects
        uniform = market.marketing_draws.uniform
        for _ in range(TARGET_TRIES):
            buyer = buyers[int(uniform() * len(buyers))]
            if prospects.get(buyer, True):
                return buyer
        return None

    def contact(self, supplier: Supplier, buyer: Buyer) -> bool:
        """A marketing contact from ``supplier`` reaches ``buyer`` (C2, C12).

        The supplier first judges the buyer as a prospect (``would_pursue``):
        it does not court a buyer it finds not worth pursuing. Returns whether
        a contact was made.
        """
        market = self.market
        pairs = buyer.pairs
        for pair in pairs:
            if pair.supplier is supplier:
                return False
        if not would_pursue(market, buyer, supplier):
            return False
        aware = buyer.aware
        if supplier in aware:
            aware.remove(supplier)
        aware.append(supplier)
        if len(aware) > market.config.market.awareness_limit:
            preferences.forget(buyer, aware.pop(0))
        if supplier in buyer.rejected:
            return True
        if market.marketing_draws.uniform() >= self.persuasion(supplier, buyer):
            return True
        if len(pairs) < buyer.breadth:
            market.relationships.start(buyer, supplier, EntryCause.MARKETING)
            return True
        candidates = [p for p in pairs if p.stage >= EARLY]
        if candidates:
            weakest = min(candidates, key=lambda p: holding_value(market, p))
            market.relationships.post(weakest, (Message.APPROACH, supplier))
        return True

    def persuasion(self, supplier: Supplier, buyer: Buyer) -> float:
        """Probability that a contact from ``supplier`` persuades ``buyer`` (C2)."""
        market = self.market
        switching = market.rel.switching
        if buyer.searching:
            persuasion = switching.persuasion
        else:
            lowest = min((p.satisfaction for p in buyer.pairs if p.stage >= EARLY), default=0.0)
            persuasion = switching.openness * (1.0 - lowest)
        return persuasion * offer_appeal(market, buyer, supplier)

    def search(self, buyer: Buyer) -> None:
        """The buyer looks for a supplier among those it knows of (C2, C6).

        Reinforced (``choice.reinforced``), it picks one of the known
        suppliers it could buy from, or the outside option, by the logit over
        its preferences (``preferences.choose``): that is its judgement of
        the alternatives, so only distance is judged in pre
        (``decisions.evaluate_chosen``); otherwise it takes the best
        prospect when it beats the outside options.
        """
        buyer.searching = True
        if len(buyer.pairs) >= buyer.breadth:
            return
        known = known_rivals(self.market, buyer)
        if not known:
            return
        market = self.market
        if market.choice_reinforced:
            chosen = preferences.choose(market, buyer, known)
            if chosen is not None:
                evaluate_chosen(market, buyer, chosen, EntryCause.SEARCH)
            return
        chosen = max(known, key=lambda s: prospect_value(market, buyer, s))
        if prospect_value(market, buyer, chosen) >= buyer.alternative_value:
            market.relationships.start(buyer, chosen, EntryCause.SEARCH)

    def update_searching(self, buyer: Buyer) -> None:
        """A buyer searches while it lacks suppliers or one of them disappoints it."""
        buyer.searching = len(buyer.pairs) < buyer.breadth or any(
            p.satisfaction < buyer.search_threshold for p in buyer.pairs if p.stage >= EARLY
        )

    def after_end(self, pair: Pair, search: bool) -> None:
        """A relationship ended: split the buyer's demand again; search if short of suppliers.

        A buyer left short by a relationship that had got past the evaluation
        searches at once (unless ``search`` is false); after a failed
        evaluation it waits for the next persuasive contact.
        """
        buyer = pair.buyer
        if buyer.active:
            self.allocate(buyer)
            self.update_searching(buyer)
            if buyer.searching and search and pair.furthest >= EARLY:
                self.search(buyer)

    def allocate(self, buyer: Buyer) -> None:
        """Split the buyer's demand into volume shares (sum at most 1).

        Trial orders take their share first; the rest goes by the shared
        choice rule over the developed relationships and the outside option,
        a developing relationship capped by ``development_ceiling``. The
        buyer's orders follow the new shares at once (``orders.reshare``).
        """
        trial = 0.0
        developed = []
        now = self.market.env.now
        for pair in buyer.pairs:
            accrue_exposure(pair, now)
            stage = pair.stage
            if stage >= DEVELOPMENT:
                developed.append(pair)
            elif stage == EARLY:
                trial += pair.cap
            else:
                pair.share = 0.0
        scale = 1.0 if trial <= 1.0 else 1.0 / trial
        rest = 1.0 - trial * scale
        total = trial * scale
        if developed:
            market = self.market
            values = [preferences.preference(market, buyer, pair.supplier) for pair in developed]
            values.append(preferences.outside(market, buyer))
            chances = choice_probabilities(values, market.choice_beta)
            trial_share = self.market.trial_share
            for pair, chance in zip(developed, chances, strict=False):
                if pair.stage == DEVELOPMENT:
                    cap = development_ceiling(pair.trust, trial_share)
                    if chance > cap:
                        chance = cap
                pair.share = share = rest * chance
                total += share
        if trial > 0.0:
            for pair in buyer.pairs:
                if pair.stage == EARLY:
                    pair.share = pair.cap * scale
        preferences.outside_share(self.market, buyer, 1.0 - total)
        self.market.orders.reshare(buyer, total)
