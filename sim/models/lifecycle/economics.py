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
- What the supplier knows of the buyer's demand (C1): never the true order
  rate. Before any order it has a size signal, the true rate times
  ``exp(sigma Z - sigma^2 / 2)`` (Z standard normal, drawn once per buyer
  and supplier; mean = the true rate; ``sigma = size_noise``). Orders seen
  update it as a Gamma-Poisson posterior: the signal is a Gamma prior worth
  ``k`` orders (``forecast_prior_orders``; by default matched to the
  signal's spread, ``k = 1 / (exp(sigma^2) - 1)``, the Gamma whose
  coefficient of variation is the signal's), the orders seen ``n`` over the
  share-weighted exposure ``E`` (weeks x volume share) are Poisson, so the
  estimate is ``(k + n) / (k / signal + E)``. The order value is the
  buyer's stated order size (its enquiry says how large an order is, not
  how often it orders). At ``sigma = 0`` the prior is infinitely strong and
  the forecast is the buyer's true demand.
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


def accrue_exposure(pair: Pair, now: float) -> None:
    """Add the volume share held since last accrued to the pair's exposure (share x weeks).

    Called before the buyer's shares change (``sourcing.allocate``).
    """
    pair.exposure += pair.share * (now - pair.exposure_since)
    pair.exposure_since = now


def prior_orders(economics) -> float:
    """How many orders the size signal is worth (``forecast_prior_orders``, C1).

    By default the Gamma prior whose coefficient of variation, ``1 / sqrt(k)``,
    is the signal's, ``sqrt(exp(sigma^2) - 1)``: ``k = 1 / (exp(sigma^2) - 1)``,
    infinite (perfect information) at ``size_noise`` 0.
    """
    if economics.forecast_prior_orders is not None:
        return economics.forecast_prior_orders
    sigma = economics.size_noise
    return math.inf if sigma <= 0.0 else 1.0 / math.expm1(sigma * sigma)


def size_signal(market, buyer, supplier) -> float:
    """The size the supplier was told of the buyer, over its true size (C1).

    ``exp(sigma Z - sigma^2 / 2)``, drawn the first time the supplier
    considers the buyer, on the market's own ``forecast`` stream, and kept;
    1 at ``size_noise`` 0 (no draw).
    """
    sigma = market.economics.size_noise
    if sigma <= 0.0:
        return 1.0
    signals = supplier.size_signals
    signal = signals.get(buyer)
    if signal is None:
        signal = signals[buyer] = math.exp(
            sigma * market.forecast_draws.normal() - 0.5 * sigma * sigma
        )
    return signal


def estimated_order_rate(
    market, buyer, supplier, orders: int = 0, exposure: float = 0.0,
) -> float:
    """The supplier's estimate of the buyer's order rate (orders per week, C1).

    The posterior mean ``(k + n) / (k / signal + E)`` after ``orders`` (n)
    seen over ``exposure`` (E, share x weeks); the signal alone before any.
    """
    signal = buyer.order_rate * size_signal(market, buyer, supplier)
    prior = prior_orders(market.economics)
    if prior == math.inf or signal <= 0.0 or (orders == 0 and exposure <= 0.0):
        return signal
    return (prior + orders) / (prior / signal + exposure)


def pair_order_rate(market, pair: Pair) -> float:
    """``estimated_order_rate`` from the orders the pair's supplier has seen up to now."""
    exposure = pair.exposure + pair.share * (market.env.now - pair.exposure_since)
    return estimated_order_rate(market, pair.buyer, pair.supplier, pair.episodes, exposure)


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
        commitment, success, attention_price, pair_order_rate(market, pair),
    )


def forecast_account(
    market, buyer, supplier, social: float, share: float, stage: int, satisfaction: float,
    commitment: float, success: float, attention_price: float | None = None,
    order_rate: float | None = None,
) -> float:
    """``forecast_npv`` for a buyer and supplier that need not have a relationship yet
    (a prospect, C1): ``social`` is the social distance the supplier expects;
    ``attention_price`` what it counts an attention unit-week at (money; the
    attention cost when None); ``order_rate`` the buyer's order rate it
    expects (orders per week; its size signal, ``estimated_order_rate``, when
    None)."""
    economics = market.economics
    if attention_price is None:
        attention_price = economics.attention_cost
    if order_rate is None:
        order_rate = estimated_order_rate(market, buyer, supplier)
    orders = order_rate * WEEKS_PER_YEAR * share
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
