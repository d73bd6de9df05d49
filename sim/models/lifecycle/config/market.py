"""The ``market:`` and ``entry:`` sections: who buys, who sells, who enters."""

from __future__ import annotations

from pydantic import Field

from sim.models.lifecycle.config._base import (
    MAX_MONEY,
    MAX_RATE,
    Money,
    Rate,
    Unit,
    UnitDistribution,
    _beta,
    _constant,
    _normal,
    _Section,
)
from sim.units import Distribution, LogNormal, Weeks, ranged


class BuyerProfile(_Section):
    """How buyers are drawn: each buyer samples every quantity once."""

    culture: UnitDistribution = Field(
        default_factory=lambda: _beta(2, 2),
        description="position on each of two cultural axes, [0,1]",
    )
    technology: UnitDistribution = Field(
        default_factory=lambda: _beta(2, 2),
        description="position on each of two technology axes (processes, standards), [0,1]",
    )
    location: UnitDistribution = Field(
        default_factory=lambda: _beta(1, 1),
        description="geographic position on each of two axes, [0,1]",
    )
    order_rate: Rate = Field(
        default_factory=lambda: LogNormal(dist="lognormal", median=26, sigma=0.4),
        description="orders per year, >= 0, at most 10,000 on average",
    )
    order_value: Money = Field(
        default_factory=lambda: LogNormal(dist="lognormal", median=10, sigma=0.6),
        description="mean value of one order, money per order, >= 0, at most 10^9 on average",
    )
    sourcing_breadth: ranged(Distribution, 0, 20) = Field(
        default_factory=lambda: _normal(2, 0.7, 1, 4),
        description="suppliers the buyer works with at once (rounded, at least 1), "
        "[0, 20] on average",
    )
    distance_tolerance: UnitDistribution = Field(
        default_factory=lambda: _normal(0.4, 0.08, 0, 1),
        description="cultural or technological distance the buyer accepts, [0,1]",
    )
    search_threshold: UnitDistribution = Field(
        default_factory=lambda: _normal(0.45, 0.05, 0, 1),
        description="satisfaction below which the buyer starts a search, [0,1]",
    )
    expectation: UnitDistribution = Field(
        default_factory=lambda: _normal(0.6, 0.05, 0, 1),
        description="value per order the buyer expects (satisfaction compares with it), [0,1]",
    )
    alternative_value: UnitDistribution = Field(
        default_factory=lambda: _normal(0.45, 0.08, 0, 1),
        description="value per order of the buyer's outside options (spot market), [0,1]",
    )
    buying_centre: ranged(Distribution, 0, 50) = Field(
        default_factory=lambda: _constant(3),
        description="key persons in the buying centre (rounded, at least 1), [0, 50] on average",
    )


class BuyerSpec(_Section):
    """One buyer of an explicit list; omitted quantities are drawn from ``buyers``."""

    culture: tuple[Unit, Unit] | None = Field(None, description="cultural position, [0,1]^2")
    technology: tuple[Unit, Unit] | None = Field(None, description="technology position, [0,1]^2")
    location: tuple[Unit, Unit] | None = Field(None, description="geographic position, [0,1]^2")
    order_rate: float | None = Field(None, ge=0, le=MAX_RATE, description="orders per year")
    order_value: float | None = Field(None, gt=0, le=MAX_MONEY, description="money per order")
    sourcing_breadth: int | None = Field(None, ge=1, le=20, description="suppliers at once")
    distance_tolerance: float | None = Field(None, ge=0, le=1, description="[0,1]")
    search_threshold: float | None = Field(None, ge=0, le=1, description="satisfaction, [0,1]")
    expectation: float | None = Field(None, ge=0, le=1, description="value per order, [0,1]")
    alternative_value: float | None = Field(None, ge=0, le=1, description="value per order, [0,1]")
    buying_centre: int | None = Field(None, ge=1, le=50, description="key persons")


class SupplierProfile(_Section):
    """How suppliers are drawn: each supplier samples every quantity once."""

    culture: UnitDistribution = Field(
        default_factory=lambda: _beta(2, 2),
        description="position on each of two cultural axes, [0,1]",
    )
    technology: UnitDistribution = Field(
        default_factory=lambda: _beta(2, 2),
        description="position on each of two technology axes; also where its offering sits, [0,1]",
    )
    location: UnitDistribution = Field(
        default_factory=lambda: _beta(1, 1),
        description="geographic position on each of two axes, [0,1]",
    )
    quality: UnitDistribution = Field(
        default_factory=lambda: _beta(18, 2),
        description="probability that an order goes well under perfect fit and no distance, [0,1]",
    )
    price: ranged(Distribution, 0, 100) = Field(
        default_factory=lambda: _normal(1.0, 0.05, 0.5, 2.0),
        description="price index (1 = market price); revenue per order is order value x price; "
        ">= 0, at most 100 on average",
    )
    margin: UnitDistribution = Field(
        default_factory=lambda: _normal(0.3, 0.05, 0.0, 0.9),
        description="gross margin, fraction of revenue, [0,1]",
    )
    marketing_rate: Rate = Field(
        default_factory=lambda: _constant(40),
        description="marketing contacts per year, >= 0, at most 10,000 on average",
    )
    capacity: ranged(Distribution, 0, 1e6) = Field(
        default_factory=lambda: _constant(60),
        description="account-management attention available, attention units per week, "
        ">= 0, at most 10^6 on average",
    )


class SupplierPopulation(SupplierProfile):
    """The incumbent suppliers."""

    count: int = Field(12, ge=1, le=100_000, description="incumbent suppliers (ignored with list)")


class SupplierSpec(_Section):
    """One supplier of an explicit list; omitted quantities come from the profile and skills."""

    culture: tuple[Unit, Unit] | None = Field(None, description="cultural position, [0,1]^2")
    technology: tuple[Unit, Unit] | None = Field(None, description="technology position, [0,1]^2")
    location: tuple[Unit, Unit] | None = Field(None, description="geographic position, [0,1]^2")
    quality: float | None = Field(None, ge=0, le=1, description="probability, [0,1]")
    price: float | None = Field(None, gt=0, le=100, description="price index")
    margin: float | None = Field(None, ge=0, le=1, description="fraction of revenue")
    marketing_rate: float | None = Field(None, ge=0, le=MAX_RATE,
                                          description="contacts per year")
    capacity: float | None = Field(None, ge=0, le=1e6, description="attention units per week")
    negotiation: float | None = Field(None, ge=0, le=1, description="skill, [0,1]")
    problem_solving: float | None = Field(None, ge=0, le=1, description="skill, [0,1]")
    conflict_resolution: float | None = Field(None, ge=0, le=1, description="skill, [0,1]")
    customer_knowledge: float | None = Field(None, ge=0, le=1, description="skill, [0,1]")


class BuyerPopulation(BuyerProfile):
    """The buyers; a departing buyer is replaced by a new one drawn from the same profile."""

    count: int = Field(300, ge=1, le=1_000_000, description="buyers (ignored with list)")
    requirement_shift_rate: float = Field(
        1.0, ge=0, le=52, description="requirement shifts per buyer per year"
    )
    requirement_shift_size: float = Field(
        0.08, ge=0, le=1, description="standard deviation of a shift on each axis, [0,1]"
    )
    requirement_trend: float = Field(
        0.05, ge=0, le=1, description="drift of every shift along the market's technology trend"
    )
    turnover_rate: float = Field(
        0.15, ge=0, le=10, description="departures per key person per year"
    )
    uncertainty_return: float = Field(
        0.4, ge=0, le=1,
        description="share of the experience behind trust lost when a key person leaves and "
        "the supplier knows none of the buying centre's key persons, [0,1]",
    )
    exit_rate: float = Field(0.02, ge=0, le=10, description="buyer exits per year")


class Market(_Section):
    """Buyers and incumbent suppliers, as populations or as explicit lists."""

    buyers: BuyerPopulation = Field(default_factory=BuyerPopulation, description="buyer population")
    suppliers: SupplierPopulation = Field(
        default_factory=SupplierPopulation, description="incumbent supplier population"
    )
    buyer_list: list[BuyerSpec] | None = Field(
        None, max_length=1_000_000,
        description="explicit buyers (replaces buyers.count); for small teaching cases"
    )
    supplier_list: list[SupplierSpec] | None = Field(
        None, max_length=100_000, description="explicit suppliers (replaces suppliers.count)"
    )
    supplier_exit_rate: float = Field(0.01, ge=0, le=10, description="supplier exits per year")
    initial_awareness: int = Field(
        2, ge=0, le=50, description="suppliers each buyer knows of at week 0"
    )
    awareness_limit: int = Field(
        5, ge=1, le=50, description="suppliers a buyer remembers from contacts (oldest forgotten)"
    )


class EntrantProfile(SupplierProfile):
    """New competitors: often more marketing, an offering close to current requirements."""

    marketing_rate: Rate = Field(
        default_factory=lambda: _constant(120),
        description="marketing contacts per year, >= 0, at most 10,000 on average",
    )
    quality: UnitDistribution = Field(
        default_factory=lambda: _beta(19, 1.5),
        description="probability that an order goes well, [0,1]",
    )
    technology_noise: float = Field(
        0.05, ge=0, le=1,
        description="offset of the entrant's offering from each buyer's requirements, [0,1]",
    )


class Entry(_Section):
    """Competitor entry: scheduled times and/or a random (Poisson) rate."""

    times: list[Weeks] = Field(default_factory=list, max_length=10_000,
                               description="entry times, weeks")
    rate: float = Field(0.0, ge=0, le=52, description="random entries per year")
    entrant: EntrantProfile = Field(
        default_factory=EntrantProfile, description="profile new competitors are drawn from"
    )
