"""The market's clocks: the buyers' Poisson processes merged, the reviews queued by stage.

Every buyer has three clocks whose rates do not depend on what happens to it:
requirement shifts (``requirement_shift_rate`` per year), the departures of
its buying centre's key persons (``turnover_rate`` per person per year, so
``buying_centre x turnover_rate`` for the buyer) and its exit from the market
(``exit_rate`` per year; a buyer that leaves is replaced at once in its slot
of ``market.buyers``, so each slot exits as a Poisson process). Independent
Poisson processes superpose into one Poisson process at the sum of their
rates whose every event belongs to process ``i`` with probability
``rate_i / sum``, independently of everything else. So ``BuyerClocks`` runs
one process per kind for the whole market instead of one per buyer: the next
event of a kind is an exponential wait at the summed rate, and it falls to a
buyer drawn by rate (uniformly for shifts and exits, whose rates are the same
for every buyer; by the size of the buying centre for turnover). When a
buyer's replacement changes the summed turnover rate the wait is drawn
afresh, which a memoryless wait allows. This is the same process in
distribution as one clock per buyer, with three entries fewer per buyer in
the event queue.

A relationship's reviews come at a fixed interval for its stage
(``review_by_stage``), so within a stage they fall due in the order they were
set: ``Reviews`` keeps one first-in first-out queue per stage and holds one
event for the earliest review of each, at the same week as a review event of
its own would fire. A review made stale by a stage change (``review_token``)
or an ending is dropped without an event.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

from sim.engine import call_at
from sim.models.lifecycle.episodes import key_person_leaves, requirement_shift
from sim.models.lifecycle.population import buyer_leaves
from sim.models.lifecycle.vocabulary import Message
from sim.units import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from sim.models.lifecycle.agents import Buyer, Pair
    from sim.models.lifecycle.interface import LifecycleMarket


class BuyerClocks:
    """The requirement shifts, key-person departures and exits of all buyers, merged."""

    def __init__(self, market: LifecycleMarket):
        self.market = market
        buyers = market.config.market.buyers
        self.shift_rate = buyers.requirement_shift_rate / WEEKS_PER_YEAR  # per buyer
        self.person_rate = buyers.turnover_rate / WEEKS_PER_YEAR  # per key person
        self.exit_rate = buyers.exit_rate / WEEKS_PER_YEAR  # per buyer
        # the slots of the buyers with each size of buying centre, and each slot's place
        self._centres: dict[int, list[int]] = {}
        self._place: dict[int, int] = {}
        self._persons = 0  # key persons in all buying centres
        self._timed = -1  # the key persons when the wait to the next departure was drawn
        self._turnover_token = 0
        self._started = False

    def join(self, buyer: Buyer, slot: int) -> None:
        """A buyer takes ``slot``: its key persons join the turnover clock."""
        members = self._centres.setdefault(buyer.buying_centre, [])
        self._place[slot] = len(members)
        members.append(slot)
        self._persons += buyer.buying_centre
        if self._persons != self._timed:
            self._retime_turnover()

    def leave(self, buyer: Buyer, slot: int) -> None:
        """The buyer in ``slot`` leaves: its key persons leave the turnover clock.

        A newcomer joins in the same slot at once (``population.buyer_leaves``),
        and the wait is drawn afresh then if the summed rate has changed.
        """
        members = self._centres[buyer.buying_centre]
        place = self._place.pop(slot)
        last = members.pop()
        if last != slot:
            members[place] = last
            self._place[last] = place
        self._persons -= buyer.buying_centre

    def start(self) -> None:
        """Start the clocks (once every buyer of week 0 has joined)."""
        self._started = True
        count = len(self.market.buyers)
        if self.shift_rate > 0.0:
            self._shifts(count * self.shift_rate, None)
        if self.exit_rate > 0.0:
            self._exits(count * self.exit_rate, None)
        self._retime_turnover()

    def turnover_rate(self) -> float:
        """Key-person departures per week in the whole market."""
        return self._persons * self.person_rate

    def _shifts(self, rate: float, event) -> None:
        market = self.market
        draws = market.requirement_draws
        if event is not None:
            buyers = market.buyers
            requirement_shift(market, buyers[int(draws.uniform() * len(buyers))])
        market.env.timeout(draws.standard_exponential() / rate).callbacks.append(
            lambda event: self._shifts(rate, event))

    def _exits(self, rate: float, event) -> None:
        market = self.market
        draws = market.population_draws
        if event is not None:
            slot = int(draws.uniform() * len(market.buyers))
            buyer_leaves(market, market.buyers[slot], slot)
        market.env.timeout(draws.standard_exponential() / rate).callbacks.append(
            lambda event: self._exits(rate, event))

    def _retime_turnover(self) -> None:
        """Draw the wait to the next departure at the current summed rate."""
        if not self._started:
            return
        self._turnover_token += 1
        self._timed = self._persons
        rate = self.turnover_rate()
        if rate > 0.0:
            token = self._turnover_token
            wait = self.market.turnover_draws.standard_exponential() / rate
            self.market.env.timeout(wait).callbacks.append(
                lambda event: self._departure(token))

    def _departure(self, token: int) -> None:
        """A key person leaves; its buyer is drawn by the size of its buying centre."""
        if token != self._turnover_token:
            return
        market = self.market
        pick = market.turnover_draws.uniform() * self._persons
        slot = -1
        for size, members in self._centres.items():
            weight = size * len(members)
            if pick < weight:
                slot = members[min(len(members) - 1, int(pick / size))]
                break
            pick -= weight
        if slot < 0:  # the rounding of the last subtraction: the last buyer of all
            slot = next(members[-1] for members in reversed(self._centres.values()) if members)
        key_person_leaves(market, market.buyers[slot])
        if token == self._turnover_token:
            self._retime_turnover()


class Reviews:
    """Every relationship's next review, in one first-in first-out queue per stage."""

    def __init__(self, market: LifecycleMarket):
        self.market = market
        self._due: list[deque[tuple[float, Pair, int]]] = [
            deque() for _ in market.review_by_stage]
        self._armed = [False] * len(market.review_by_stage)

    def schedule(self, pair: Pair) -> None:
        """The buyer's next review of ``pair``, at its stage's interval from now."""
        stage = pair.stage
        wait = self.market.review_by_stage[stage]
        if wait == math.inf:
            return
        self._due[stage].append((self.market.env.now + wait, pair, pair.review_token))
        if not self._armed[stage]:
            self._arm(stage)

    def pending(self, stage: int) -> int:
        """Reviews queued in ``stage`` (stale ones included until they reach the front)."""
        return len(self._due[stage])

    def _arm(self, stage: int) -> None:
        due = self._due[stage]
        while due and (due[0][1].review_token != due[0][2] or due[0][1].ended):
            due.popleft()
        if due:
            self._armed[stage] = True
            call_at(self.market.env, due[0][0], lambda _event: self._review(stage))

    def _review(self, stage: int) -> None:
        self._armed[stage] = False
        _, pair, token = self._due[stage].popleft()
        if pair.review_token == token and not pair.ended:
            self.market.relationships.post(pair, (Message.REVIEW,))
        if not self._armed[stage]:
            self._arm(stage)
