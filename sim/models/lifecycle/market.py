"""The market: agents, their processes and the bookkeeping of relationships.

One ``Market`` is one replication. Its SimPy processes are the ones of the
model: each supplier's marketing contacts, each buyer's orders, requirement
shifts, buying-centre turnover and exit, competitor entry, and one lifecycle
process per relationship (``stages.py``). A relationship exists only once a
buyer and a supplier have met and the buyer is motivated to evaluate it;
nothing iterates over all buyer-supplier combinations.

Suggested functional forms chosen here:

- Contacts are Poisson at the supplier's marketing rate, to a buyer drawn at
  random. A contact makes the buyer aware of the supplier (it remembers the
  last ``awareness_limit``). It persuades a searching buyer with probability
  ``persuasion`` and a content one with ``openness x (1 - lowest
  satisfaction)`` (C2), each times the offer's appeal,
  ``clip(0.5 + (prospect value - outside value) / 0.2, 0, 1)``. A persuaded
  buyer with a free slot (fewer relationships than its sourcing breadth)
  starts evaluating the supplier: a ``pre`` relationship. A persuaded buyer
  without one puts the offer to its weakest relationship, whose stage
  decides (C6, C9). A buyer in a final relationship ignores routine
  marketing; only an entrant's approach gets through (C12).
- Volume shares: trial orders take a fixed small share in early; the rest of
  the demand is split by the shared logit choice rule over the developed
  relationships' preferences and an outside option worth the buyer's
  alternative value, each capped by a trust-dependent ceiling in development.
"""

from __future__ import annotations

import math

import numpy as np
import simpy

from sim.engine import EventLog, Streams
from sim.models.choice import choice_probabilities
from sim.models.lifecycle import population
from sim.models.lifecycle.agents import (
    DEVELOPMENT,
    EARLY,
    FINAL,
    PRE,
    STAGE_NAMES,
    Buyer,
    Draws,
    Pair,
    Supplier,
)
from sim.models.lifecycle.economics import WEEKS_PER_YEAR, accrue_attention
from sim.models.lifecycle.episodes import (
    APPROACH,
    END,
    key_person_leaves,
    order_episode,
    requirement_shift,
)
from sim.models.lifecycle.judgement import (
    holding_value,
    known_rivals,
    prospect_value,
    update_commitment,
)
from sim.models.lifecycle.outputs import EVENT_COLUMNS, PairRecords, Sampler
from sim.models.lifecycle.vocabulary import (
    ENDED,
    EXITS,
    EndCause,
    EndReason,
    EntryCause,
    EventKind,
    Message,
)


class Market:
    """One replication of the lifecycle model: state, processes and bookkeeping."""

    def __init__(self, scenario, seed: np.random.SeedSequence, events: bool = False):
        config = scenario.lifecycle
        self.config = config
        self.rel = config.relationship
        self.economics = config.economics
        self.policy = config.policy
        self.horizon = float(scenario.horizon)
        self.env = simpy.Environment()
        streams = Streams(seed)
        self.streams = streams
        self.marketing_draws = Draws(streams["marketing"])
        self.order_draws = Draws(streams["orders"])
        self.episode_draws = Draws(streams["episodes"])
        self.requirement_draws = Draws(streams["requirements"])
        self.turnover_draws = Draws(streams["turnover"])
        self.decision_draws = Draws(streams["decisions"])
        self.population_draws = Draws(streams["population"])
        self.entry_draws = Draws(streams["entry"])
        self.log = EventLog(events, EVENT_COLUMNS)
        self.delta = math.log1p(self.economics.discount_rate)
        self.delta_per_week = self.delta / WEEKS_PER_YEAR
        attention = self.policy.attention
        self.attention_by_stage = (
            attention.pre, attention.early, attention.development,
            attention.long_term, attention.final,
        )
        self.review_by_stage = (
            math.inf, self.rel.review_interval.early, self.rel.review_interval.development,
            self.rel.review_interval.long_term, self.rel.review_interval.final,
        )
        # Flat copies of the parameters read on every order.
        rel = self.rel
        self.fit_scale = rel.orders.fit_scale
        self.fit_weight = rel.orders.fit_weight
        self.technology_weight = rel.orders.technology_weight
        self.time_weight = rel.orders.time_weight
        self.social_keep = 1.0 - rel.orders.social_learning
        self.satisfaction_memory = rel.satisfaction.memory
        self.choice_gamma = rel.choice.gamma
        self.choice_beta = rel.choice.beta
        self.trial_share = rel.trial.share
        self.goodwill_history = rel.trust.goodwill_history
        self.care_step = rel.trust.care_step
        self.handling_cost = self.economics.handling_cost
        self.stage_counts = [0] * 5
        self.buyers: list[Buyer] = []
        self.suppliers: list[Supplier] = []
        self.active: dict[Pair, None] = {}
        self.records = PairRecords()
        self.cumulative_value = 0.0
        self.cumulative_revenue = 0.0
        self.buyer_spend = 0.0
        self.spend_incumbents = 0.0
        self.spend_entrants = 0.0
        self.spend_outside = 0.0
        self.marketing_spend = 0.0
        self.entrants = 0
        self.next_buyer = 0
        self.next_supplier = 0
        self.first_entry = math.inf
        population.populate(self)
        self.sampler = Sampler(self, float(scenario.sample_every))

    # -- running ---------------------------------------------------------------

    def run(self) -> None:
        """Run to the horizon and close the books of the relationships still active."""
        self.env.process(self.sampler.process())
        self.env.run(until=self.horizon)
        self.sampler.finish()
        for pair in list(self.active):
            accrue_attention(self, pair, self.horizon)
            update_commitment(self, pair)
            self.records.add(self, pair, censored=True)

    # -- processes ---------------------------------------------------------------

    def supplier_marketing(self, supplier: Supplier):
        """Poisson marketing contacts to buyers drawn at random (C2)."""
        if supplier.marketing_rate <= 0.0:
            return
        mean_wait = 1.0 / supplier.marketing_rate
        draws = self.marketing_draws
        timeout = self.env.timeout
        cost = self.economics.marketing_cost
        while True:
            yield timeout(draws.exponential(mean_wait))
            if not supplier.active:
                return
            buyers = self.buyers
            buyer = buyers[int(draws.uniform() * len(buyers))]
            self.marketing_spend += cost
            self.contact(supplier, buyer)

    def buyer_orders(self, buyer: Buyer):
        """Poisson orders, each placed with one current supplier by volume share or outside."""
        if buyer.order_rate <= 0.0:
            return
        mean_wait = 1.0 / buyer.order_rate
        draws = self.order_draws
        timeout = self.env.timeout
        wait, normal, uniform = draws.standard_exponential, draws.normal, draws.uniform
        exp = math.exp
        while True:
            yield timeout(wait() * mean_wait)
            if not buyer.active:
                return
            pick = uniform()
            for pair in buyer.pairs:
                pick -= pair.share
                if pick < 0.0:
                    order_episode(self, pair, buyer.order_value * exp(0.3 * normal() - 0.045))
                    break
            else:
                # Outside purchases only count towards market shares: their
                # expected value stands in for the draw.
                self.spend_outside += buyer.order_value

    def buyer_requirements(self, buyer: Buyer):
        """Requirement shifts at Poisson times (new needs appear)."""
        rate = self.config.market.buyers.requirement_shift_rate / WEEKS_PER_YEAR
        if rate <= 0.0:
            return
        draws = self.requirement_draws
        while True:
            yield self.env.timeout(draws.exponential(1.0 / rate))
            if not buyer.active:
                return
            requirement_shift(self, buyer)

    def buying_centre(self, buyer: Buyer):
        """Key persons leave the buying centre at Poisson times."""
        rate = buyer.buying_centre * self.config.market.buyers.turnover_rate / WEEKS_PER_YEAR
        if rate <= 0.0:
            return
        draws = self.turnover_draws
        while True:
            yield self.env.timeout(draws.exponential(1.0 / rate))
            if not buyer.active:
                return
            key_person_leaves(self, buyer)

    def competitor_entry(self):
        """Competitors enter at random times (Poisson at ``entry.rate`` per year)."""
        rate = self.config.entry.rate / WEEKS_PER_YEAR
        while rate > 0.0:
            yield self.env.timeout(self.entry_draws.exponential(1.0 / rate))
            population.enter(self)

    # -- contacts and the buyer's choice -------------------------------------------

    def contact(self, supplier: Supplier, buyer: Buyer) -> None:
        """A marketing contact from ``supplier`` reaches ``buyer`` (C2, C12)."""
        pairs = buyer.pairs
        institutional = None
        for pair in pairs:
            if pair.supplier is supplier:
                return
            if pair.stage == FINAL:
                institutional = pair
        if institutional is not None and not supplier.entrant:
            return
        aware = buyer.aware
        if supplier in aware:
            aware.remove(supplier)
        aware.append(supplier)
        if len(aware) > self.config.market.awareness_limit:
            del aware[0]
        if supplier in buyer.rejected:
            return
        if institutional is not None:
            self.post(institutional, (APPROACH, supplier))
            return
        if buyer.searching:
            persuasion = self.rel.switching.persuasion
        else:
            lowest = min((p.satisfaction for p in pairs if p.stage >= EARLY), default=0.0)
            persuasion = self.rel.switching.openness * (1.0 - lowest)
        # An offer persuades in proportion to how it looks against the
        # buyer's outside options: half as often when merely equal to them.
        appeal = 0.5 + (prospect_value(self, buyer, supplier) - buyer.alternative_value) / 0.2
        persuasion *= 0.0 if appeal < 0.0 else 1.0 if appeal > 1.0 else appeal
        if self.marketing_draws.uniform() >= persuasion:
            return
        if len(pairs) < buyer.breadth:
            self.start_pair(buyer, supplier, EntryCause.MARKETING)
            return
        candidates = [p for p in pairs if p.stage >= EARLY]
        if candidates:
            weakest = min(candidates, key=lambda p: holding_value(self, p))
            self.post(weakest, (APPROACH, supplier))

    def search(self, buyer: Buyer) -> None:
        """The buyer looks for a supplier among those it knows of (C2, C6)."""
        buyer.searching = True
        if len(buyer.pairs) >= buyer.breadth:
            return
        known = known_rivals(buyer)
        if not known:
            return
        best = max(known, key=lambda s: prospect_value(self, buyer, s))
        if prospect_value(self, buyer, best) >= buyer.alternative_value:
            self.start_pair(buyer, best, EntryCause.SEARCH)

    def update_searching(self, buyer: Buyer) -> None:
        """A buyer searches while it lacks suppliers or one of them disappoints it."""
        buyer.searching = len(buyer.pairs) < buyer.breadth or any(
            p.satisfaction < buyer.search_threshold for p in buyer.pairs if p.stage >= EARLY
        )

    def allocate(self, buyer: Buyer) -> None:
        """Split the buyer's demand into volume shares (sum at most 1).

        Trial orders take their share first; the rest goes by the shared
        choice rule over the developed relationships and the outside option,
        a developing relationship capped by ``development_cap``.
        """
        trial = 0.0
        developed = []
        for pair in buyer.pairs:
            stage = pair.stage
            if stage >= DEVELOPMENT:
                developed.append(pair)
            elif stage == EARLY:
                trial += pair.cap
            else:
                pair.share = 0.0
        scale = 1.0 if trial <= 1.0 else 1.0 / trial
        rest = 1.0 - trial * scale
        if developed:
            preferences = [pair.preference for pair in developed]
            preferences.append(buyer.outside_preference)
            chances = choice_probabilities(preferences, self.choice_beta)
            trial_share = self.trial_share
            for pair, chance in zip(developed, chances, strict=False):
                if pair.stage == DEVELOPMENT:
                    # development_cap, inlined: the ceiling grows with trust (C7).
                    weight = pair.goodwill_weight
                    trust = (1.0 - weight) * pair.alpha / (pair.alpha + pair.beta) + (
                        weight * pair.goodwill
                    )
                    cap = trial_share + (1.0 - trial_share) * max(0.0, 2.0 * trust - 1.0)
                    if chance > cap:
                        chance = cap
                pair.share = rest * chance
        if trial > 0.0:
            for pair in buyer.pairs:
                if pair.stage == EARLY:
                    pair.share = pair.cap * scale

    # -- the life of a relationship ------------------------------------------------

    def start_pair(self, buyer: Buyer, supplier: Supplier, cause: str) -> Pair:
        """A buyer starts evaluating a supplier: a new relationship in ``pre``."""
        from sim.models.lifecycle.stages import lifecycle

        pair = Pair(buyer, supplier, self.env.now)
        reputation = min(0.98, max(0.02, supplier.reputation))
        pair.set_prior(reputation, self.rel.trust.prior_strength, self.rel.trust.goodwill_weight)
        pair.preference = prospect_value(self, buyer, supplier) / self.rel.choice.gamma
        buyer.pairs.append(pair)
        if supplier in buyer.aware:
            buyer.aware.remove(supplier)
        supplier.accounts[pair] = None
        supplier.attention_demand += self.attention_by_stage[PRE]
        self.active[pair] = None
        self.stage_counts[PRE] += 1
        if self.log.enabled:
            self.record(
                pair, EventKind.STAGE_CHANGE, cause,
                new_stage=STAGE_NAMES[PRE], trust_after=pair.trust,
            )
        self.env.process(lifecycle(self, pair))
        self.update_searching(buyer)
        return pair

    def enter_stage(self, pair: Pair, stage: int, cause: str) -> None:
        """Move a relationship to ``stage`` for the reason ``cause``."""
        now = self.env.now
        accrue_attention(self, pair, now)
        old = pair.stage
        self.stage_counts[old] -= 1
        self.stage_counts[stage] += 1
        pair.supplier.attention_demand += (
            self.attention_by_stage[stage] - self.attention_by_stage[old]
        )
        pair.stage = stage
        pair.stage_since = now
        pair.t_stage[stage] = now
        pair.furthest = max(pair.furthest, stage)
        pair.review_token += 1
        if stage == EARLY:
            pair.cap = self.rel.trial.share
            pair.trust_at_start = pair.trust
        self.allocate(pair.buyer)
        commitment_before = pair.commitment_buyer
        update_commitment(self, pair)
        if self.log.enabled:
            self.record(
                pair, EventKind.STAGE_CHANGE, cause,
                stage=STAGE_NAMES[old], new_stage=STAGE_NAMES[stage],
                trust_after=pair.trust, satisfaction_after=pair.satisfaction,
                commitment_before=commitment_before, commitment_after=pair.commitment_buyer,
                uncertainty_after=pair.uncertainty,
            )
        self.schedule_review(pair)

    def end_pair(
        self, pair: Pair, reason: EndReason, cause: EndCause | None = None, *,
        rival: Supplier | None = None, search: bool = True,
    ) -> None:
        """End a relationship for ``reason``, decided by ``cause`` (or won by ``rival``).

        An unknown reason or cause raises ``ValueError`` at once. A buyer
        left short of suppliers by a relationship that had got past the
        evaluation searches at once (unless ``search`` is false); after a
        failed evaluation it waits for the next persuasive contact.
        """
        reason = EndReason(reason)
        cause = EndCause(cause) if cause is not None else None
        if pair.ended:
            return
        now = self.env.now
        buyer, supplier = pair.buyer, pair.supplier
        accrue_attention(self, pair, now)
        update_commitment(self, pair)
        pair.end = now
        pair.end_reason = reason.value
        buyer.pairs.remove(pair)
        del supplier.accounts[pair]
        del self.active[pair]
        self.stage_counts[pair.stage] -= 1
        supplier.attention_demand -= self.attention_by_stage[pair.stage]
        if reason not in EXITS:
            buyer.rejected.append(supplier)
            if len(buyer.rejected) > self.config.market.awareness_limit:
                del buyer.rejected[0]
        self.records.add(self, pair, censored=False)
        if self.log.enabled:
            self.record(
                pair, EventKind.STAGE_CHANGE, rival.name if rival else cause or reason,
                new_stage=ENDED, detail=reason,
                trust_after=pair.trust, satisfaction_after=pair.satisfaction,
            )
        self.post(pair, (END,))
        if buyer.active:
            self.allocate(buyer)
            self.update_searching(buyer)
            if buyer.searching and search and pair.furthest >= EARLY:
                self.search(buyer)

    def post(self, pair: Pair, message: tuple) -> None:
        """Hand a message to the relationship's process and wake it."""
        pair.inbox.append(message)
        wakeup = pair.wakeup
        if wakeup is not None:
            pair.wakeup = None
            wakeup.succeed()

    def schedule_review(self, pair: Pair) -> None:
        """The buyer's next review of this relationship, at its stage's interval."""
        token = pair.review_token
        wait = self.review_by_stage[pair.stage]

        def review(_event, pair=pair, token=token):
            if pair.review_token == token and not pair.ended:
                self.post(pair, (Message.REVIEW,))

        self.env.timeout(wait).callbacks.append(review)

    def record(self, pair: Pair, kind: EventKind, cause: str, **values) -> None:
        """Record one event of a relationship (only when events are recorded)."""
        values.setdefault("stage", STAGE_NAMES[pair.stage])
        if "detail" in values:
            values["detail"] = str(values["detail"])
        self.log.record(
            time=self.env.now, buyer=pair.buyer.name, supplier=pair.supplier.name,
            kind=EventKind(kind).value, cause=str(cause), **values,
        )
