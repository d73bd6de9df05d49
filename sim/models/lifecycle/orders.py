"""Buyers' orders: each current supplier's one by one, the outside ones counted per period.

A buyer orders as a Poisson process at ``order_rate`` (per week); each order
goes to one of its relationships with probability equal to that
relationship's volume share (``sourcing.allocate``; the shares sum to at most
1), else outside. By the splitting property of the Poisson process this is
the same as two independent processes, given the path of the shares:

- orders with a supplier at rate ``order_rate x S(t)``, ``S`` the sum of the
  shares, each placed with relationship ``i`` with probability
  ``share_i / S``, so relationship ``i`` still receives a Poisson process at
  ``order_rate x share_i(t)``. The next order's time is drawn afresh whenever
  ``S`` changes (``reshare``): a waiting time is memoryless, so redrawing it
  at the new rate is exact. A buyer with no share costs no event.
- orders outside at rate ``order_rate x (1 - S(t))``. They only add the
  buyer's mean order value to the market's outside spend, so they are not
  simulated one by one: the expected number, ``order_rate x (1 - S)`` times
  the time at that share, accumulates between share changes, and at each of
  the sampler's period boundaries (``settle``) and when a buyer leaves each
  buyer's count is drawn as one Poisson number of that mean. The outside
  spend of every period has the distribution it has when each order is drawn.

Buyers are kept in slots (parallel lists, reused after a buyer leaves) so that
settling a period is a few array operations over all of them.
"""

from __future__ import annotations

import math
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from sim.models.lifecycle.episodes import order_episode

if TYPE_CHECKING:
    from sim.models.lifecycle.agents import Buyer
    from sim.models.lifecycle.interface import LifecycleMarket


class OrderBook:
    """Every buyer's orders: with suppliers as events, outside as counts per period."""

    def __init__(self, market: LifecycleMarket):
        self.market = market
        self._env = market.env
        self._draws = market.order_draws  # the times, choices and values of supplier orders
        self._slots: dict[Buyer, int] = {}
        self._free: list[int] = []
        self._buyer: list[Buyer] = []  # a left buyer stays until its slot is taken
        self._token: list[int] = []  # the supplier order due is valid while this is unchanged
        self._total: list[float] = []  # the sum of the buyer's volume shares
        self._rate: list[float] = []  # orders with suppliers per week
        self._outside: list[float] = []  # orders outside per week
        self._since: list[float] = []  # when the outside orders were last accrued
        self._banked: list[float] = []  # expected outside orders since the last settlement
        self._value: list[float] = []  # money per outside order

    def join(self, buyer: Buyer) -> None:
        """A buyer enters the market: all its demand goes outside until a share is set."""
        now = self._env.now
        if not self._free:
            self._free.append(len(self._buyer))
            self._buyer.append(buyer)
            self._token.append(0)
            for column in (self._total, self._rate, self._outside, self._since,
                           self._banked, self._value):
                column.append(0.0)
        slot = self._free.pop()
        self._slots[buyer] = slot
        self._buyer[slot] = buyer
        self._total[slot] = self._rate[slot] = self._banked[slot] = 0.0
        self._outside[slot] = buyer.order_rate
        self._since[slot] = now
        self._value[slot] = buyer.order_value

    def reshare(self, buyer: Buyer, total: float) -> None:
        """The buyer's volume shares were set again, summing to ``total``: follow them."""
        slot = self._slots.get(buyer)
        if slot is None:
            return
        order_rate = buyer.order_rate
        rate = order_rate * total
        if rate == self._rate[slot]:
            self._total[slot] = total
            return
        now = self._env.now
        self._banked[slot] += self._outside[slot] * (now - self._since[slot])
        self._since[slot] = now
        self._outside[slot] = order_rate - rate
        self._rate[slot] = rate
        self._total[slot] = total
        token = self._token[slot] = self._token[slot] + 1
        if rate > 0.0:
            wait = self._draws.standard_exponential() / rate
            self._env.timeout(wait).callbacks.append(partial(self._order, slot, token))

    def leave(self, buyer: Buyer) -> None:
        """The buyer leaves: count its outside orders up to now and free its slot."""
        slot = self._slots.pop(buyer, None)
        if slot is None:
            return
        market = self.market
        expected = self._banked[slot] + self._outside[slot] * (self._env.now - self._since[slot])
        if expected > 0.0:
            market.spend_outside += self._value[slot] * int(
                market.outside_draws.rng.poisson(expected))
        self._token[slot] += 1
        self._total[slot] = self._rate[slot] = self._outside[slot] = self._banked[slot] = 0.0
        self._free.append(slot)

    def settle(self, time: float) -> None:
        """Add every buyer's outside orders up to ``time`` to the market's outside spend."""
        count = len(self._buyer)
        if not count:
            return
        expected = np.asarray(self._banked) + np.asarray(self._outside) * (
            time - np.asarray(self._since))
        orders = self.market.outside_draws.rng.poisson(np.maximum(expected, 0.0))
        self.market.spend_outside += float(orders @ np.asarray(self._value))
        self._banked = [0.0] * count
        self._since = [time] * count

    def _order(self, slot: int, token: int, _event) -> None:
        """An order with a supplier: to one relationship, chosen by volume share."""
        if self._token[slot] != token:
            return
        buyer = self._buyer[slot]
        market = self.market
        draws = self._draws
        pick = draws.uniform() * self._total[slot]
        chosen = None
        for pair in buyer.pairs:
            share = pair.share
            if share > 0.0:
                chosen = pair
                pick -= share
                if pick < 0.0:
                    break
        if chosen is None:  # no share left; reshare has already stopped the orders
            return
        order_episode(market, chosen, buyer.order_value * math.exp(0.3 * draws.normal() - 0.045))
        if self._token[slot] == token:
            wait = draws.standard_exponential() / self._rate[slot]
            self._env.timeout(wait).callbacks.append(partial(self._order, slot, token))
