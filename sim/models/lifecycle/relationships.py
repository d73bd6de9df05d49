"""Relationship bookkeeping: start, stage entry, end, messages and records.

``Relationships`` keeps the market's live relationships, the count in each
stage and the records of those that ended. It knows nothing of how buyers
source: whoever must react to an ending (sourcing re-splits the buyer's
demand and may search) registers with ``on_end`` and is told after the books
are closed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sim.models.lifecycle import preferences
from sim.models.lifecycle.agents import EARLY, PRE, STAGE_NAMES, Buyer, Pair, Supplier
from sim.models.lifecycle.economics import accrue_attention, book_cost
from sim.models.lifecycle.judgement import prospect_value, update_commitment
from sim.models.lifecycle.outputs import PairRecords
from sim.models.lifecycle.stages import lifecycle
from sim.models.lifecycle.vocabulary import (
    ENDED,
    EXITS,
    OUTSIDE,
    EndCause,
    EndReason,
    EntryCause,
    EventKind,
    Message,
    Stage,
)

if TYPE_CHECKING:
    from sim.models.lifecycle.interface import LifecycleMarket

#: Told of every ending: the pair, and whether its buyer may search at once.
EndListener = Callable[[Pair, bool], None]


class Relationships:
    """The market's relationships: their life events and their records."""

    def __init__(self, market: LifecycleMarket):
        self.market = market
        self.active: dict[Pair, None] = {}
        self.stage_counts = [0] * len(Stage)
        self.records = PairRecords()
        self._end_listeners: list[EndListener] = []

    def on_end(self, listener: EndListener) -> None:
        """Have ``listener(pair, search)`` called after every ending."""
        self._end_listeners.append(listener)

    def start(self, buyer: Buyer, supplier: Supplier, cause: str) -> Pair:
        """A buyer starts evaluating a supplier: a new relationship in ``pre``.

        ``cause`` is an ``EntryCause`` (``switched_from_`` followed by a name).
        """
        market = self.market
        trust = market.rel.trust
        pair = Pair(buyer, supplier, market.env.now)
        reputation = min(0.98, max(0.02, supplier.reputation))
        pair.set_prior(reputation, trust.prior_strength, trust.goodwill_weight)
        preferences.begin(market, pair, prospect_value(market, buyer, supplier))
        buyer.pairs.append(pair)
        if supplier in buyer.aware:
            buyer.aware.remove(supplier)
        supplier.accounts[pair] = None
        supplier.attention_demand += market.attention_by_stage[PRE]
        if supplier.offer_pull > 0.0:
            book_cost(market, pair, market.economics.tailoring_cost, market.env.now)
        self.active[pair] = None
        self.stage_counts[PRE] += 1
        if market.log.enabled:
            self.record(
                pair, EventKind.STAGE_CHANGE, cause,
                new_stage=STAGE_NAMES[PRE], trust_after=pair.trust,
            )
        market.env.process(lifecycle(market, pair))
        market.sourcing.update_searching(buyer)
        return pair

    def enter_stage(self, pair: Pair, stage: Stage, cause: EntryCause) -> None:
        """Move a relationship to ``stage`` for the reason ``cause``."""
        market = self.market
        now = market.env.now
        accrue_attention(market, pair, now)
        old = pair.stage
        self.stage_counts[old] -= 1
        self.stage_counts[stage] += 1
        attention = market.attention_by_stage
        pair.supplier.attention_demand += attention[stage] - attention[old]
        pair.stage = stage
        pair.stage_since = now
        pair.t_stage[stage] = now
        pair.furthest = max(pair.furthest, stage)
        pair.review_token += 1
        if stage == EARLY:
            pair.cap = market.rel.trial.share
            pair.trust_at_start = pair.trust
        market.sourcing.allocate(pair.buyer)
        commitment_before = pair.commitment_buyer
        update_commitment(market, pair)
        if market.log.enabled:
            self.record(
                pair, EventKind.STAGE_CHANGE, cause,
                stage=STAGE_NAMES[old], new_stage=STAGE_NAMES[stage],
                trust_after=pair.trust, satisfaction_after=pair.satisfaction,
                commitment_before=commitment_before, commitment_after=pair.commitment_buyer,
                uncertainty_after=pair.uncertainty,
            )
        self.schedule_review(pair)

    def end(
        self, pair: Pair, reason: EndReason, cause: EndCause | None = None, *,
        rival: Supplier | None = None, search: bool = True,
    ) -> None:
        """End a relationship for ``reason``, decided by ``cause`` (or won by ``rival``).

        An unknown reason or cause raises ``ValueError`` at once, and so does
        a ``competitor`` ending without the ``rival`` that took the business
        (its ``lost_to``; an ``outside_option`` ending is lost to ``outside``). The
        listeners are told afterwards; ``search`` says whether the buyer may
        search at once (false when it has just switched to ``rival``).
        """
        reason = EndReason(reason)
        cause = EndCause(cause) if cause is not None else None
        if (reason == EndReason.COMPETITOR) != (rival is not None):
            raise ValueError(f"a {reason} ending with rival {rival}: a competitor ending, "
                             "and only one, names the rival that took the business")
        if pair.ended:
            return
        market = self.market
        now = market.env.now
        buyer, supplier = pair.buyer, pair.supplier
        accrue_attention(market, pair, now)
        update_commitment(market, pair)
        pair.end = now
        pair.end_reason = reason.value
        if rival is not None:
            pair.lost_to = rival.name
        elif reason == EndReason.OUTSIDE_OPTION:
            pair.lost_to = OUTSIDE
        buyer.pairs.remove(pair)
        preferences.forget(buyer, supplier)
        del supplier.accounts[pair]
        del self.active[pair]
        self.stage_counts[pair.stage] -= 1
        supplier.attention_demand -= market.attention_by_stage[pair.stage]
        if reason not in EXITS:
            buyer.rejected.append(supplier)
            if len(buyer.rejected) > market.config.market.awareness_limit:
                del buyer.rejected[0]
        self.records.add(market, pair, censored=False)
        if market.log.enabled:
            self.record(
                pair, EventKind.STAGE_CHANGE, cause or (rival.name if rival else reason),
                new_stage=ENDED, detail=reason,
                trust_after=pair.trust, satisfaction_after=pair.satisfaction,
            )
        self.post(pair, (Message.END,))
        for listener in self._end_listeners:
            listener(pair, search)

    def close(self, horizon: float) -> None:
        """Close the books of the relationships still active at ``horizon`` (censored)."""
        market = self.market
        for pair in list(self.active):
            accrue_attention(market, pair, horizon)
            update_commitment(market, pair)
            self.records.add(market, pair, censored=True)

    def post(self, pair: Pair, message: tuple) -> None:
        """Hand a message (a ``Message`` kind, then its data) to the relationship's process."""
        pair.inbox.append(message)
        wakeup = pair.wakeup
        if wakeup is not None:
            pair.wakeup = None
            wakeup.succeed()

    def schedule_review(self, pair: Pair) -> None:
        """The buyer's next review of this relationship, at its stage's interval
        (queued by ``market.reviews``, ``clocks.py``)."""
        self.market.reviews.schedule(pair)

    def record(self, pair: Pair, kind: EventKind, cause: str, **values) -> None:
        """Record one event of a relationship (only when events are recorded)."""
        values.setdefault("stage", STAGE_NAMES[pair.stage])
        if "detail" in values:
            values["detail"] = str(values["detail"])
        self.market.log.record(
            time=self.market.env.now, buyer=pair.buyer.name, supplier=pair.supplier.name,
            kind=EventKind(kind).value, cause=str(cause), **values,
        )
