"""Schema of the ``lifecycle:`` scenario section.

Every field has a default, so ``LifecycleConfig()`` is a plausible market of a
few hundred buyers and a dozen suppliers: most relationships end before the
long-term stage, a few reach the final stage, and those that survive
development last years. Durations are in weeks (``26w``, ``6 months`` and
``2 years`` are accepted); rates are per year; money is in an arbitrary
currency unit (think thousands); positions, probabilities, skills, trust and
satisfaction are in [0, 1].

Population quantities are distributions (``{dist: beta, a: 2, b: 5}`` or a
bare number for a constant); each agent draws its own value once. Values that
must lie in [0, 1] are clipped to it after drawing.

This module imports only pydantic and ``sim.units``: the scenario schema
imports it at start-up.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from sim.units import (
    Beta,
    Constant,
    Distribution,
    DurationDistribution,
    LogNormal,
    Normal,
    PositiveWeeks,
    Weeks,
)

STAGES = ("pre", "early", "development", "long_term", "final")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _beta(a: float, b: float) -> Beta:
    return Beta(dist="beta", a=a, b=b)


def _normal(mean: float, sd: float, low: float | None = None, high: float | None = None) -> Normal:
    return Normal(dist="normal", mean=mean, sd=sd, low=low, high=high)


def _constant(value: float) -> Constant:
    return Constant(dist="constant", value=value)


class BuyerProfile(_Section):
    """How buyers are drawn: each buyer samples every quantity once."""

    culture: Distribution = Field(
        default_factory=lambda: _beta(2, 2),
        description="position on each of two cultural axes, [0,1]",
    )
    technology: Distribution = Field(
        default_factory=lambda: _beta(2, 2),
        description="position on each of two technology axes (processes, standards), [0,1]",
    )
    location: Distribution = Field(
        default_factory=lambda: _beta(1, 1),
        description="geographic position on each of two axes, [0,1]",
    )
    order_rate: Distribution = Field(
        default_factory=lambda: LogNormal(dist="lognormal", median=26, sigma=0.4),
        description="orders per year",
    )
    order_value: Distribution = Field(
        default_factory=lambda: LogNormal(dist="lognormal", median=10, sigma=0.6),
        description="mean value of one order, money per order",
    )
    sourcing_breadth: Distribution = Field(
        default_factory=lambda: _normal(2, 0.7, 1, 4),
        description="suppliers the buyer works with at once (rounded, at least 1)",
    )
    distance_tolerance: Distribution = Field(
        default_factory=lambda: _normal(0.4, 0.08, 0, 1),
        description="cultural or technological distance the buyer accepts, [0,1]",
    )
    search_threshold: Distribution = Field(
        default_factory=lambda: _normal(0.45, 0.05, 0, 1),
        description="satisfaction below which the buyer starts a search, [0,1]",
    )
    expectation: Distribution = Field(
        default_factory=lambda: _normal(0.6, 0.05, 0, 1),
        description="value per order the buyer expects (satisfaction compares with it), [0,1]",
    )
    alternative_value: Distribution = Field(
        default_factory=lambda: _normal(0.45, 0.08, 0, 1),
        description="value per order of the buyer's outside options (spot market), [0,1]",
    )
    buying_centre: Distribution = Field(
        default_factory=lambda: _constant(3),
        description="key persons in the buying centre (rounded, at least 1)",
    )


class BuyerSpec(_Section):
    """One buyer of an explicit list; omitted quantities are drawn from ``buyers``."""

    culture: tuple[float, float] | None = Field(None, description="cultural position, [0,1]^2")
    technology: tuple[float, float] | None = Field(None, description="technology position, [0,1]^2")
    location: tuple[float, float] | None = Field(None, description="geographic position, [0,1]^2")
    order_rate: float | None = Field(None, ge=0, description="orders per year")
    order_value: float | None = Field(None, gt=0, description="money per order")
    sourcing_breadth: int | None = Field(None, ge=1, le=20, description="suppliers at once")
    distance_tolerance: float | None = Field(None, ge=0, le=1, description="[0,1]")
    search_threshold: float | None = Field(None, ge=0, le=1, description="satisfaction, [0,1]")
    expectation: float | None = Field(None, ge=0, le=1, description="value per order, [0,1]")
    alternative_value: float | None = Field(None, ge=0, le=1, description="value per order, [0,1]")
    buying_centre: int | None = Field(None, ge=1, le=50, description="key persons")


class SupplierProfile(_Section):
    """How suppliers are drawn: each supplier samples every quantity once."""

    culture: Distribution = Field(
        default_factory=lambda: _beta(2, 2),
        description="position on each of two cultural axes, [0,1]",
    )
    technology: Distribution = Field(
        default_factory=lambda: _beta(2, 2),
        description="position on each of two technology axes; also where its offering sits, [0,1]",
    )
    location: Distribution = Field(
        default_factory=lambda: _beta(1, 1),
        description="geographic position on each of two axes, [0,1]",
    )
    quality: Distribution = Field(
        default_factory=lambda: _beta(18, 2),
        description="probability that an order goes well under perfect fit and no distance, [0,1]",
    )
    price: Distribution = Field(
        default_factory=lambda: _normal(1.0, 0.05, 0.5, 2.0),
        description="price index (1 = market price); revenue per order is order value x price",
    )
    margin: Distribution = Field(
        default_factory=lambda: _normal(0.3, 0.05, 0.0, 0.9),
        description="gross margin, fraction of revenue, [0,1]",
    )
    marketing_rate: Distribution = Field(
        default_factory=lambda: _constant(40),
        description="marketing contacts per year",
    )
    capacity: Distribution = Field(
        default_factory=lambda: _constant(60),
        description="account-management attention available, attention units per week",
    )


class SupplierPopulation(SupplierProfile):
    """The incumbent suppliers."""

    count: int = Field(12, ge=1, le=100_000, description="incumbent suppliers (ignored with list)")


class SupplierSpec(_Section):
    """One supplier of an explicit list; omitted quantities come from the profile and skills."""

    culture: tuple[float, float] | None = Field(None, description="cultural position, [0,1]^2")
    technology: tuple[float, float] | None = Field(None, description="technology position, [0,1]^2")
    location: tuple[float, float] | None = Field(None, description="geographic position, [0,1]^2")
    quality: float | None = Field(None, ge=0, le=1, description="probability, [0,1]")
    price: float | None = Field(None, gt=0, description="price index")
    margin: float | None = Field(None, ge=0, le=1, description="fraction of revenue")
    marketing_rate: float | None = Field(None, ge=0, description="contacts per year")
    capacity: float | None = Field(None, ge=0, description="attention units per week")
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
        description="share of the experience behind trust lost when a key person leaves, [0,1]",
    )
    exit_rate: float = Field(0.02, ge=0, le=10, description="buyer exits per year")


class Skills(_Section):
    """Relationship-management skills of the suppliers (C14, C15), each in [0,1]."""

    negotiation: Distribution = Field(
        default_factory=lambda: _beta(5, 5),
        description="shortens negotiation and wins larger first orders, [0,1]",
    )
    problem_solving: Distribution = Field(
        default_factory=lambda: _beta(5, 5),
        description="prevents a failed order from turning into a conflict, [0,1]",
    )
    conflict_resolution: Distribution = Field(
        default_factory=lambda: _beta(5, 5),
        description="probability weight of resolving an open conflict, [0,1]",
    )
    customer_knowledge: Distribution = Field(
        default_factory=lambda: _beta(5, 5),
        description="knowledge of needs and buying centre; helps notice requirement shifts, [0,1]",
    )


class Market(_Section):
    """Buyers and incumbent suppliers, as populations or as explicit lists."""

    buyers: BuyerPopulation = Field(default_factory=BuyerPopulation, description="buyer population")
    suppliers: SupplierPopulation = Field(
        default_factory=SupplierPopulation, description="incumbent supplier population"
    )
    buyer_list: list[BuyerSpec] | None = Field(
        None, description="explicit buyers (replaces buyers.count); for small teaching cases"
    )
    supplier_list: list[SupplierSpec] | None = Field(
        None, description="explicit suppliers (replaces suppliers.count)"
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

    marketing_rate: Distribution = Field(
        default_factory=lambda: _constant(120), description="marketing contacts per year"
    )
    quality: Distribution = Field(
        default_factory=lambda: _beta(19, 1.5),
        description="probability that an order goes well, [0,1]",
    )
    technology_noise: float = Field(
        0.05, ge=0, le=1,
        description="offset of the entrant's offering from each buyer's requirements, [0,1]",
    )


class Entry(_Section):
    """Competitor entry: scheduled times and/or a random (Poisson) rate."""

    times: list[Weeks] = Field(default_factory=list, description="entry times, weeks")
    rate: float = Field(0.0, ge=0, le=52, description="random entries per year")
    entrant: EntrantProfile = Field(
        default_factory=EntrantProfile, description="profile new competitors are drawn from"
    )


class Attention(_Section):
    """Attention a supplier's policy allocates to one account in each stage."""

    pre: float = Field(0.5, ge=0, le=20, description="attention units per week")
    early: float = Field(1.0, ge=0, le=20, description="attention units per week")
    development: float = Field(1.2, ge=0, le=20, description="attention units per week")
    long_term: float = Field(0.7, ge=0, le=20, description="attention units per week")
    final: float = Field(0.6, ge=0, le=20, description="attention units per week")


class Policy(_Section):
    """Supplier relationship policies (C11, C16)."""

    attention: Attention = Field(default_factory=Attention, description="allocation by stage")
    adaptation_trust: float = Field(
        0.7, ge=0, le=1, description="trust the supplier needs to see before adapting, [0,1]"
    )
    adaptation_hurdle: float = Field(
        0.3, ge=0, le=100,
        description="forecast NPV gain must exceed this multiple of the investment (ratio)",
    )
    pursue_hurdle: float = Field(
        0.0, ge=-1e9, le=1e9, description="forecast NPV a prospect must clear to be pursued, money"
    )
    drop_unprofitable: bool = Field(
        True, description="drop accounts whose forecast NPV of keeping them is negative"
    )


class ReviewIntervals(_Section):
    """How often a buyer reviews a supplier, by stage: often in early, very rarely in final."""

    early: PositiveWeeks = Field(8, description="weeks between reviews in early")
    development: PositiveWeeks = Field(13, description="weeks between reviews in development")
    long_term: PositiveWeeks = Field(52, description="weeks between reviews in long-term")
    final: PositiveWeeks = Field(156, description="weeks between reviews in final")


class Relationship(_Section):
    """Behavioural parameters of the dyad: beliefs, thresholds, reviews."""

    prior_strength: float = Field(
        3.0, gt=0, le=1000, description="pseudo-episodes behind the reputation prior (Beta a+b)"
    )
    reputation_noise: float = Field(
        0.1, ge=0, le=1, description="standard deviation of reputation around true quality"
    )
    goodwill_weight: float = Field(
        0.3, ge=0, le=1,
        description="weight of goodwill (against expected reliability) in trust, [0,1]",
    )
    goodwill_history: float = Field(
        6.0, gt=0, le=1000,
        description="successful shared orders at which history gives half its goodwill",
    )
    care_step: float = Field(
        0.3, ge=0, le=1,
        description="share of the way to 1 (or 0) care moves per answered (or neglected) need",
    )
    trial_share: float = Field(0.2, ge=0, le=1, description="volume share of trial orders, [0,1]")
    large_project_probability: float = Field(
        0.1, ge=0, le=1, description="probability the first order is a large project, [0,1]"
    )
    large_project_share: float = Field(
        0.5, ge=0, le=1, description="volume share of a large first project, [0,1]"
    )
    negotiation_time: PositiveWeeks = Field(
        6, description="negotiation time at full social distance and average skill, weeks"
    )
    trial_period: DurationDistribution = Field(
        default_factory=lambda: LogNormal(dist="lognormal", median=78, sigma=0.3),
        description="weeks a buyer gives a trial before letting an unconvincing supplier go "
        "(drawn per buyer)",
    )
    min_trial_episodes: int = Field(
        3, ge=1, le=100, description="orders seen before the buyer commits to development"
    )
    development_trust: float = Field(
        0.65, ge=0, le=1, description="trust needed to enter development, [0,1]"
    )
    problem_level: float = Field(
        0.65, ge=0, le=1, description="reliability below which the buyer foresees problems, [0,1]"
    )
    foresight: float = Field(
        0.6, ge=0, le=1,
        description="posterior probability of reliability below problem_level that ends it, [0,1]",
    )
    distance_sensitivity: float = Field(
        4.0, ge=0, le=100,
        description="abandonment hazard per unit of distance beyond tolerance (pre and early)",
    )
    adaptation_trust: float = Field(
        0.7, ge=0, le=1, description="trust the buyer needs before adapting, [0,1]"
    )
    adaptation_effect: float = Field(
        0.5, ge=0, le=1, description="share of technological distance an adaptation removes"
    )
    commitment_threshold: float = Field(
        0.5, ge=0, le=1, description="commitment of both sides that makes it long-term, [0,1]"
    )
    final_min_stay: Weeks = Field(156, description="time in long-term before final, weeks")
    final_satisfaction: float = Field(
        0.55, ge=0, le=1, description="satisfaction both sides need to institutionalise, [0,1]"
    )
    final_max_alternatives: int = Field(
        0, ge=0, le=100, description="credible alternatives the buyer may see and still go final"
    )
    credibility_margin: float = Field(
        0.1, ge=0, le=1, description="an alternative is credible within this value of the incumbent"
    )
    inertia: float = Field(
        0.08, ge=0, le=1, description="value per order a competitor must add beyond switching cost"
    )
    switching_cost_scale: float = Field(
        40, gt=0, description="switching cost (money) at which the penalty is half its weight"
    )
    switching_weight: float = Field(
        0.3, ge=0, le=10, description="value per order that an infinite switching cost would weigh"
    )
    dissatisfaction_margin: float = Field(
        0.15, ge=0, le=1,
        description="satisfaction this far below the search threshold ends the relationship",
    )
    review_interval: ReviewIntervals = Field(
        default_factory=lambda: ReviewIntervals(), description="weeks between buyer reviews"
    )
    satisfaction_memory: float = Field(
        0.2, gt=0, le=1, description="weight of the latest order in satisfaction, [0,1]"
    )
    choice_beta: float = Field(
        1.0, ge=0, le=100, description="sensitivity of the buyer's choice to preference (logit)"
    )
    choice_gamma: float = Field(
        0.2, gt=0, le=1, description="memory decay of preferences per order with the supplier"
    )
    social_learning: float = Field(
        0.05, ge=0, le=1, description="share of social distance an order removes"
    )
    fit_scale: float = Field(
        0.8, gt=0, le=2, description="distance of offering from requirements at which fit is 0"
    )
    fit_weight: float = Field(0.35, ge=0, le=1, description="weight of misfit on order success")
    technology_weight: float = Field(
        0.25, ge=0, le=1, description="weight of technological distance on order success"
    )
    time_weight: float = Field(
        0.15, ge=0, le=1, description="weight of time distance on order success"
    )
    attention_effect: float = Field(
        1.5, ge=0, le=100, description="noticing hazard per attention unit (scaled by knowledge)"
    )
    conflict_penalty: float = Field(
        0.3, ge=0, le=100, description="extra failures counted against trust by an open conflict"
    )
    persuasion: float = Field(
        0.6, ge=0, le=1, description="probability a contact persuades a searching buyer, [0,1]"
    )
    openness: float = Field(
        0.15, ge=0, le=1,
        description="persuasion of a content buyer, scaled by its dissatisfaction, [0,1]",
    )


class Economics(_Section):
    """Money (C16): costs, investments and discounting."""

    discount_rate: float = Field(
        0.08, ge=0, le=10, description="annual discount rate; delta = ln(1 + rate) per year"
    )
    handling_cost: float = Field(
        0.4, ge=0, description="cost to serve one order at full social distance, money per order"
    )
    conflict_cost: float = Field(3.0, ge=0, description="cost of handling one conflict, money")
    attention_cost: float = Field(
        0.3, ge=0, description="cost of one attention unit for one week, money"
    )
    adaptation_supplier: float = Field(40, ge=0, description="supplier adaptation, money")
    adaptation_buyer: float = Field(25, ge=0, description="buyer adaptation, money")
    tailoring_cost: float = Field(
        3.0, ge=0, description="re-tailoring an offering after a noticed shift, money"
    )
    marketing_cost: float = Field(0.5, ge=0, description="cost of one marketing contact, money")
    forecast_horizon: PositiveWeeks = Field(
        260, description="horizon of the supplier's NPV forecasts, weeks"
    )


class LifecycleConfig(_Section):
    """The market, competitor entry, policies, skills, relationship behaviour and economics."""

    market: Market = Field(default_factory=Market, description="buyers and suppliers")
    entry: Entry = Field(default_factory=Entry, description="competitor entry")
    policy: Policy = Field(default_factory=Policy, description="supplier policies")
    skills: Skills = Field(default_factory=Skills, description="supplier skills")
    relationship: Relationship = Field(
        default_factory=Relationship, description="relationship behaviour"
    )
    economics: Economics = Field(default_factory=Economics, description="money and discounting")
