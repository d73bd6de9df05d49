"""Who is in the market: drawing buyers and suppliers, entry and exit.

Buyers and incumbent suppliers are drawn from their profiles (or taken from
explicit lists) at week 0. A departing buyer is replaced by a new one drawn
from the same profile, so demand stays stationary; a departing supplier is not
replaced, but competitors enter at scheduled times or at random.

Suggested functional forms chosen here:

- A buyer's requirements start near its own technology (normal noise 0.05).
- A supplier's reputation is its quality seen through noise
  (``reputation_noise``): what the market knows of it before any order (C1).
- An entrant tailors its offering to each prospect's current requirements
  (within ``technology_noise``): it arrives with a newer offering than
  incumbents who stopped following their customers (C12).
- Exits are Poisson: each supplier draws its exit time once; the buyers'
  exits are one merged Poisson process over the buyers' slots
  (``clocks.BuyerClocks``), each slot exiting at ``exit_rate``.
- A buyer's patience with a trial (its trial period) is drawn from
  ``relationship.trial.period`` on a stream of its own, so it leaves the other
  draws of the market as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.models.lifecycle import formulas, preferences
from sim.models.lifecycle.agents import Buyer, Supplier
from sim.models.lifecycle.economics import WEEKS_PER_YEAR
from sim.models.lifecycle.vocabulary import EndReason, EventKind

if TYPE_CHECKING:
    from sim.models.lifecycle.interface import LifecycleMarket
_SKILLS = ("negotiation", "problem_solving", "conflict_resolution", "customer_knowledge")


def _draw(dist, count: int, rng: np.random.Generator, low: float, high: float) -> list[float]:
    values = np.clip(np.asarray(dist.sample(rng, count), dtype=float), low, high)
    return values.tolist()


def _points(dist, count: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    values = _draw(dist, 2 * count, rng, 0.0, 1.0)
    return list(zip(values[0::2], values[1::2], strict=True))


def _given(spec, name: str, drawn):
    value = getattr(spec, name, None) if spec is not None else None
    return drawn if value is None else value


def draw_buyers(market: LifecycleMarket, specs: list) -> list[Buyer]:
    """New buyers, one per entry of ``specs`` (None: everything drawn from the profile)."""
    profile = market.config.market.buyers
    rng = market.population_draws.rng
    count = len(specs)
    culture = _points(profile.culture, count, rng)
    technology = _points(profile.technology, count, rng)
    location = _points(profile.location, count, rng)
    order_rate = _draw(profile.order_rate, count, rng, 0.0, np.inf)
    order_value = _draw(profile.order_value, count, rng, 1e-9, np.inf)
    breadth = _draw(profile.sourcing_breadth, count, rng, 1.0, 20.0)
    tolerance = _draw(profile.distance_tolerance, count, rng, 0.0, 1.0)
    threshold = _draw(profile.search_threshold, count, rng, 0.0, 1.0)
    expectation = _draw(profile.expectation, count, rng, 0.0, 1.0)
    alternative = _draw(profile.alternative_value, count, rng, 0.0, 1.0)
    centre = _draw(profile.buying_centre, count, rng, 1.0, 50.0)
    noise = rng.normal(0.0, 0.05, 2 * count).tolist()
    trial = _draw(market.rel.trial.period, count, market.streams["patience"], 1.0, np.inf)
    buyers = []
    for i, spec in enumerate(specs):
        market.next_buyer += 1
        buyer = Buyer(market.next_buyer, f"B{market.next_buyer}")
        buyer.culture = tuple(_given(spec, "culture", culture[i]))
        buyer.technology = tuple(_given(spec, "technology", technology[i]))
        buyer.location = tuple(_given(spec, "location", location[i]))
        buyer.requirements = [
            min(1.0, max(0.0, buyer.technology[0] + noise[2 * i])),
            min(1.0, max(0.0, buyer.technology[1] + noise[2 * i + 1])),
        ]
        buyer.order_rate = _given(spec, "order_rate", order_rate[i]) / WEEKS_PER_YEAR
        buyer.order_value = _given(spec, "order_value", order_value[i])
        buyer.breadth = max(1, round(_given(spec, "sourcing_breadth", breadth[i])))
        buyer.tolerance = _given(spec, "distance_tolerance", tolerance[i])
        buyer.search_threshold = _given(spec, "search_threshold", threshold[i])
        buyer.expectation = _given(spec, "expectation", expectation[i])
        buyer.alternative_value = _given(spec, "alternative_value", alternative[i])
        buyer.buying_centre = max(1, round(_given(spec, "buying_centre", centre[i])))
        buyer.outside_preference = preferences.outside_start(market, buyer)
        buyer.outside_since = market.env.now
        buyer.trial_period = trial[i]
        buyers.append(buyer)
    return buyers


def draw_suppliers(market: LifecycleMarket, profile, specs: list, entrant: bool) -> list[Supplier]:
    """New suppliers from ``profile`` (incumbent or entrant), one per entry of ``specs``."""
    rng = market.population_draws.rng
    skills = market.config.skills
    count = len(specs)
    culture = _points(profile.culture, count, rng)
    technology = _points(profile.technology, count, rng)
    location = _points(profile.location, count, rng)
    quality = _draw(profile.quality, count, rng, 0.0, 1.0)
    price = _draw(profile.price, count, rng, 0.01, np.inf)
    margin = _draw(profile.margin, count, rng, 0.0, 1.0)
    marketing = _draw(profile.marketing_rate, count, rng, 0.0, np.inf)
    capacity = _draw(profile.capacity, count, rng, 0.0, np.inf)
    skill = {name: _draw(getattr(skills, name), count, rng, 0.0, 1.0) for name in _SKILLS}
    reputation_noise = rng.normal(0.0, market.rel.trust.reputation_noise, count).tolist()
    now = market.env.now
    tailoring = market.rel.orders.offer_tailoring
    suppliers = []
    for i, spec in enumerate(specs):
        market.next_supplier += 1
        if entrant:
            market.entrants += 1
            name = f"E{market.entrants}"
        else:
            name = f"S{market.next_supplier}"
        supplier = Supplier(market.next_supplier, name, entrant, now)
        supplier.culture = tuple(_given(spec, "culture", culture[i]))
        supplier.technology = tuple(_given(spec, "technology", technology[i]))
        supplier.location = tuple(_given(spec, "location", location[i]))
        supplier.quality = _given(spec, "quality", quality[i])
        supplier.price = _given(spec, "price", price[i])
        supplier.margin = _given(spec, "margin", margin[i])
        supplier.marketing_rate = _given(spec, "marketing_rate", marketing[i]) / WEEKS_PER_YEAR
        supplier.capacity = _given(spec, "capacity", capacity[i])
        for name_ in _SKILLS:
            setattr(supplier, name_, _given(spec, name_, skill[name_][i]))
        supplier.offer_pull = tailoring * formulas.tailoring_pull(supplier.customer_knowledge)
        supplier.reputation = min(0.98, max(0.02, supplier.quality + reputation_noise[i]))
        suppliers.append(supplier)
    return suppliers


def populate(market: LifecycleMarket) -> None:
    """Draw the market at week 0 and start every agent's processes."""
    config = market.config
    supplier_specs: list = config.market.supplier_list or [None] * config.market.suppliers.count
    for supplier in draw_suppliers(market, config.market.suppliers, supplier_specs, False):
        _join_supplier(market, supplier)
    buyer_specs: list = config.market.buyer_list or [None] * config.market.buyers.count
    buyers = draw_buyers(market, buyer_specs)
    known = min(config.market.initial_awareness, len(market.suppliers))
    draws = market.population_draws
    for buyer in buyers:
        slot = len(market.buyers)
        market.buyers.append(buyer)
        for _ in range(known):
            supplier = market.suppliers[int(draws.uniform() * len(market.suppliers))]
            if supplier not in buyer.aware:
                buyer.aware.append(supplier)
        _join_buyer(market, buyer, slot)
    market.buyer_clocks.start()
    for week in config.entry.times:
        if week < market.horizon:
            market.env.timeout(week).callbacks.append(lambda _event: _enter_quietly(market))
    market.env.process(market.competitor_entry())


def _enter_quietly(market: LifecycleMarket) -> None:
    """An entry at a scheduled week (an event callback returns nothing)."""
    enter(market)


def _join_buyer(market: LifecycleMarket, buyer: Buyer, slot: int) -> None:
    market.orders.join(buyer)
    market.buyer_clocks.join(buyer, slot)
    market.sourcing.search(buyer)


def _join_supplier(market: LifecycleMarket, supplier: Supplier) -> None:
    env = market.env
    market.suppliers.append(supplier)
    env.process(market.supplier_marketing(supplier))
    rate = market.config.market.supplier_exit_rate
    if rate > 0.0:
        wait = market.population_draws.exponential(WEEKS_PER_YEAR / rate)
        if env.now + wait < market.horizon:
            env.timeout(wait).callbacks.append(lambda _e: supplier_leaves(market, supplier))


def enter(market: LifecycleMarket) -> Supplier:
    """A competitor enters with offerings tailored to buyers' current requirements."""
    profile = market.config.entry.entrant
    (entrant,) = draw_suppliers(market, profile, [None], entrant=True)
    draws = market.entry_draws
    entrant.tailoring = (
        profile.technology_noise * draws.normal(), profile.technology_noise * draws.normal()
    )
    market.first_entry = min(market.first_entry, market.env.now)
    _join_supplier(market, entrant)
    if market.log.enabled:
        market.log.record(
            time=market.env.now, buyer="", supplier=entrant.name, kind=EventKind.ENTRY.value,
            cause="competitor_entry", stage="",
        )
    return entrant


def buyer_leaves(market: LifecycleMarket, buyer: Buyer, slot: int) -> None:
    """A buyer leaves the market; its relationships end; a new buyer takes its place.

    The suppliers forget what they judged of it and the size they read for
    it, so a departed buyer is not kept alive by their memories.
    """
    buyer.active = False
    market.orders.leave(buyer)
    market.buyer_clocks.leave(buyer, slot)
    for pair in list(buyer.pairs):
        market.relationships.end(pair, EndReason.BUYER_EXIT)
    for supplier in market.suppliers:
        supplier.prospects.pop(buyer, None)
        supplier.size_signals.pop(buyer, None)
    (newcomer,) = draw_buyers(market, [None])
    market.buyers[slot] = newcomer
    _join_buyer(market, newcomer, slot)


def supplier_leaves(market: LifecycleMarket, supplier: Supplier) -> None:
    """A supplier leaves the market; its relationships end."""
    supplier.active = False
    market.suppliers.remove(supplier)
    for pair in list(supplier.accounts):
        market.relationships.end(pair, EndReason.SUPPLIER_EXIT)
    for buyer in market.buyers:
        if supplier in buyer.aware:
            buyer.aware.remove(supplier)
