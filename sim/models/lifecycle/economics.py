"""Money in a relationship (C16): the ledger, discounting and NPV forecasts.

Every order books revenue (order value x price), margin (revenue x gross
margin) and a cost to serve; attention is a continuous cost per attention
unit and week; adaptations are investments. All of it is seen from the
supplier and discounted continuously: a cash flow at week t is worth
``exp(-delta * t / 52)`` with ``delta = ln(1 + annual rate)``.

Suggested functional forms chosen here:

- Cost to serve one order: ``handling_cost * (0.5 + social distance)``; a
  conflict adds ``conflict_cost``. Social distance shrinks with every order,
  so a routine relationship costs less per order (C10).
- Attention an account receives: the policy's allocation for its stage,
  scaled down when the supplier's accounts ask for more than its capacity.
- The supplier's NPV forecast of an account: the net margin per year it
  expects at a given volume share, kept for the forecast horizon H with an
  annual ending hazard h read from what it sees (the buyer's satisfaction and
  the mutual commitment): ``h = 0.05 + 0.8 (1 - satisfaction)(1 - commitment)``
  and ``NPV = net * (1 - exp(-(h + delta) H)) / (h + delta)``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.models.lifecycle.agents import Pair
from sim.units import WEEKS_PER_YEAR

if TYPE_CHECKING:
    from sim.models.lifecycle.interface import LifecycleMarket
def present_value_of_flow(delta: float, rate: float, start: float, end: float) -> float:
    """Present value of a flow of ``rate`` money per week from ``start`` to ``end`` (weeks)."""
    if end <= start:
        return 0.0
    if delta == 0.0:
        return rate * (end - start)
    per_week = delta / WEEKS_PER_YEAR
    return rate * (math.exp(-per_week * start) - math.exp(-per_week * end)) / per_week


def book_order(
    market: LifecycleMarket, pair: Pair, revenue: float, cost: float, now: float,
) -> None:
    """Book one order: revenue, its margin and the cost to serve it (money)."""
    margin = revenue * pair.supplier.margin
    pair.revenue += revenue
    pair.margin += margin
    pair.cost_to_serve += cost
    stage = pair.stage
    pair.revenue_by_stage[stage] += revenue
    pair.cost_by_stage[stage] += cost
    value = (margin - cost) * math.exp(-market.delta_per_week * now)
    pair.npv += value
    market.cumulative_value += value
    market.cumulative_revenue += revenue


def book_cost(market: LifecycleMarket, pair: Pair, cost: float, now: float) -> None:
    """Book a one-off cost to serve (a conflict, a re-tailored offering), money."""
    pair.cost_to_serve += cost
    pair.cost_by_stage[pair.stage] += cost
    value = cost * math.exp(-market.delta_per_week * now)
    pair.npv -= value
    market.cumulative_value -= value


def book_investment(
    market: LifecycleMarket, pair: Pair, amount: float, by_supplier: bool, now: float,
) -> None:
    """Book an adaptation investment; only the supplier's enters its NPV (money)."""
    if by_supplier:
        pair.investment_supplier += amount
        value = amount * math.exp(-market.delta_per_week * now)
        pair.npv -= value
        market.cumulative_value -= value
    else:
        pair.investment_buyer += amount
        pair.switching_cost += amount


def attention_rate(market: LifecycleMarket, pair: Pair) -> float:
    """Attention the account receives now, attention units per week."""
    supplier = pair.supplier
    allocation = market.attention_by_stage[pair.stage]
    if supplier.attention_demand > supplier.capacity > 0.0:
        return allocation * supplier.capacity / supplier.attention_demand
    return allocation if supplier.capacity > 0.0 else 0.0


def accrue_attention(market: LifecycleMarket, pair: Pair, now: float) -> None:
    """Book the attention received and its cost since last booked (at the current attention)."""
    since = pair.attention_since
    if now <= since:
        return
    units = attention_rate(market, pair)
    pair.attention_received += units * (now - since)
    rate = units * market.economics.attention_cost
    cost = rate * (now - since)
    pair.attention_since = now
    if cost == 0.0:
        return
    pair.attention_cost += cost
    pair.cost_by_stage[pair.stage] += cost
    value = present_value_of_flow(market.delta, rate, since, now)
    pair.npv -= value
    market.cumulative_value -= value


def annual_hazard(satisfaction: float, commitment: float) -> float:
    """The supplier's estimate of the yearly hazard that the account ends."""
    return 0.05 + 0.8 * (1.0 - satisfaction) * (1.0 - commitment)


def forecast_npv(
    market, pair: Pair, share: float, stage: int, satisfaction: float, commitment: float,
    success: float, attention_price: float | None = None,
) -> float:
    """The supplier's forecast of the account's NPV from now (money).

    ``share`` is the volume share it expects, ``stage`` the stage whose
    attention allocation it expects to pay, ``success`` the probability of an
    order going well (failures bring conflicts and their cost).
    """
    return forecast_account(
        market, pair.buyer, pair.supplier, pair.social, share, stage, satisfaction,
        commitment, success, attention_price,
    )


def forecast_account(
    market, buyer, supplier, social: float, share: float, stage: int, satisfaction: float,
    commitment: float, success: float, attention_price: float | None = None,
) -> float:
    """``forecast_npv`` for a buyer and supplier that need not have a relationship yet
    (a prospect, C1): ``social`` is the social distance the supplier expects;
    ``attention_price`` what it counts an attention unit-week at (money; the
    attention cost when None)."""
    economics = market.economics
    if attention_price is None:
        attention_price = economics.attention_cost
    orders = buyer.order_rate * WEEKS_PER_YEAR * share
    revenue = orders * buyer.order_value * supplier.price
    serve = orders * (
        economics.handling_cost * (0.5 + social)
        + (1.0 - success) * economics.conflict_cost
    )
    attention = market.attention_by_stage[stage] * attention_price * WEEKS_PER_YEAR
    net = revenue * supplier.margin - serve - attention
    rate = annual_hazard(satisfaction, commitment) + market.delta
    years = economics.forecast_horizon / WEEKS_PER_YEAR
    return net * (1.0 - math.exp(-rate * years)) / rate
