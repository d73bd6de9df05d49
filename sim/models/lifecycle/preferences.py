"""The buyer's preference for each supplier it knows: the choice rule's J.

Every choice a buyer makes among suppliers (volume shares, and with
``relationship.choice.reinforced`` its searches and the competitors' offers
it weighs) is the logit of ``sim.models.choice`` over these preferences and
the outside option's own (``outside``). They are kept on the buyer
(``Buyer.preferences``: supplier -> (J, week of its last update)) in one of
two memories:

- **per order** (``reinforced`` false, the default): a relationship's J starts
  at its prospect value / gamma when the relationship begins and moves only
  with the orders placed with it, ``J <- (1 - gamma) J + delivered value``;
  it does not decay between them. The outside option's is constant,
  ``alternative_value / gamma``, the fixed point of that rule for a buyer
  buying only outside.
- **reinforced** (Weisbuch, Kirman & Herreiner 2000): the buyer keeps a J for
  every supplier it knows (its suppliers and those in its awareness list).
  All decay by ``1 - gamma`` per period, the period being the buyer's mean
  order interval ``1 / r`` (``r`` its orders per week), so over ``t`` weeks
  ``J <- J (1 - gamma)^(r t)`` (``choice.decayed_preference``); an order adds
  its delivered value to the J of the supplier that served it. A J is stored
  with the week of its last update and decayed when read, so a choice costs
  nothing for the suppliers not in it. A supplier entering the buyer's
  awareness, unknown so far, starts at J = 0, as in the source: its
  reputation shapes the buyer's other judgements (persuasion, pre), not its
  memory of value received. A supplier that is neither one of the buyer's
  suppliers nor in its awareness list is forgotten (J back to 0).

With Poisson orders a supplier that gets the share ``s`` of them, each worth
``v``, has ``dJ/dt = r (s v - lambda J)`` with ``lambda = -ln(1 - gamma)``
(about gamma), so J tends to ``s v / lambda``.

Reinforced, the outside option is remembered like a supplier: its J decays
at the same rate and grows with the orders the buyer places outside, each
worth ``alternative_value``. Those orders are not simulated one by one
(``orders.py`` counts them per sample period), so the outside J follows the
mean of that process between two changes of the buyer's shares, with ``s``
the share left outside: ``J(t) = s a / lambda + (J(t0) - s a / lambda)
exp(-lambda r (t - t0))`` (``outside``). A buyer joins the market at the
steady state of buying only outside, ``a / lambda``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.models.choice import choice_probabilities, decayed_preference, update_preference

if TYPE_CHECKING:
    from sim.models.lifecycle.agents import Buyer, Pair, Supplier
    from sim.models.lifecycle.interface import LifecycleMarket

__all__ = ["begin", "choose", "critical_beta", "forget", "memory_rate", "outside",
           "outside_share", "outside_start", "preference", "reinforce"]


def memory_rate(gamma: float) -> float:
    """``lambda = -ln(1 - gamma)``: the continuous decay rate per period (inf at gamma 1).

    >>> round(memory_rate(0.2), 4)
    0.2231
    """
    return math.inf if gamma >= 1.0 else -math.log1p(-gamma)


def preference(market: LifecycleMarket, buyer: Buyer, supplier: Supplier) -> float:
    """The buyer's preference for ``supplier`` now (value per order / gamma scale)."""
    entry = buyer.preferences.get(supplier)
    if entry is None:
        return 0.0
    value, since = entry
    if not market.choice_reinforced:
        return value
    return decayed_preference(value, buyer.order_rate * (market.env.now - since),
                              market.choice_gamma)


def outside_start(market: LifecycleMarket, buyer: Buyer) -> float:
    """A joining buyer's outside J: the steady state of buying only outside.

    ``alternative_value / gamma`` per order, ``alternative_value / lambda`` reinforced.
    """
    choice = market.rel.choice
    if choice.reinforced:
        return buyer.alternative_value / memory_rate(choice.gamma)  # 0 at gamma 1
    return buyer.alternative_value / choice.gamma


def outside(market: LifecycleMarket, buyer: Buyer) -> float:
    """The buyer's preference for the outside option now (constant unless reinforced)."""
    if not market.choice_reinforced:
        return buyer.outside_preference
    rate = memory_rate(market.choice_gamma)
    if math.isinf(rate):
        return 0.0
    target = buyer.outside_share * buyer.alternative_value / rate
    elapsed = market.env.now - buyer.outside_since
    return target + (buyer.outside_preference - target) * math.exp(
        -rate * buyer.order_rate * elapsed)


def outside_share(market: LifecycleMarket, buyer: Buyer, share: float) -> None:
    """The buyer now sends the share ``share`` of its orders outside (reinforced, J follows)."""
    if market.choice_reinforced:
        buyer.outside_preference = outside(market, buyer)
        buyer.outside_since = market.env.now
    buyer.outside_share = share


def reinforce(market: LifecycleMarket, buyer: Buyer, supplier: Supplier, payoff: float) -> None:
    """An order with ``supplier`` delivered ``payoff`` (value per order): its J grows."""
    if market.choice_reinforced:
        value = preference(market, buyer, supplier) + payoff
    else:
        value = update_preference(  # type: ignore[assignment]  # float in, float out
            buyer.preferences[supplier][0], payoff, market.choice_gamma)
    buyer.preferences[supplier] = (value, market.env.now)


def begin(market: LifecycleMarket, pair: Pair, prospect: float) -> None:
    """A relationship begins; per order its J starts at ``prospect`` (value per order) / gamma.

    Reinforced, the buyer keeps what it remembers of the supplier (0 for one
    it has never bought from).
    """
    if not market.choice_reinforced:
        pair.buyer.preferences[pair.supplier] = (prospect / market.choice_gamma, market.env.now)


def forget(buyer: Buyer, supplier: Supplier) -> None:
    """Forget ``supplier`` unless it is still one of the buyer's suppliers or in its awareness."""
    if supplier in buyer.aware or any(pair.supplier is supplier for pair in buyer.pairs):
        return
    buyer.preferences.pop(supplier, None)


def choose(market: LifecycleMarket, buyer: Buyer, suppliers: list[Supplier]) -> Supplier | None:
    """One of ``suppliers``, or None for the outside option, drawn by the logit (one draw).

    The logit with the market's beta over the buyer's preferences for
    ``suppliers`` and the outside option's, from ``decision_draws``.
    """
    values = [preference(market, buyer, supplier) for supplier in suppliers]
    values.append(outside(market, buyer))
    pick = market.decision_draws.uniform()
    for supplier, chance in zip(suppliers, choice_probabilities(values, market.choice_beta),
                                strict=False):
        pick -= chance
        if pick < 0.0:
            return supplier
    return None


def critical_beta(suppliers: int, gamma: float, value: float) -> float:
    """Mean-field threshold of loyalty among ``suppliers`` equal suppliers (per value unit).

    Reinforced, with every order worth ``value`` and the outside option's
    preference 0: ``dJ_j/dt = r (value P_j - lambda J_j)`` has an evenly
    spread state, which loses stability where ``beta value P = lambda`` there,
    that is at ``beta J = 1``: ``beta_c = lambda (n e + 1) / (e value)``,
    ``lambda = memory_rate(gamma)``. Without the outside option it would be
    the source's ``n gamma / profit`` with gamma read as lambda.

    >>> round(critical_beta(2, 0.2, 1.0), 4)
    0.5284
    """
    return memory_rate(gamma) * (suppliers * math.e + 1.0) / (math.e * value)
