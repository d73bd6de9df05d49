"""The ``relationship:`` section: the dyad's behaviour, one section per mechanism.

``trust`` (beliefs about the supplier), ``orders`` (what makes an order go
well), ``trial`` (pre and early: negotiation, trial orders and the buyer's
judgement of them), ``development`` (adaptations and commitment), ``final``
(institutionalisation), ``switching`` (competitors' offers), ``choice`` (the
shared volume-share logit), ``satisfaction`` and ``review_interval``.
"""

from __future__ import annotations

from pydantic import Field

from sim.models.lifecycle.config._base import _Section
from sim.units import MAX_WEEKS, DurationDistribution, LogNormal, PositiveWeeks, ranged


class Trust(_Section):
    """The buyer's belief in the supplier: reliability from orders, goodwill from care (C7)."""

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
    conflict_penalty: float = Field(
        0.3, ge=0, le=100, description="extra failures counted against trust by an open conflict"
    )
    key_person_learning: float = Field(
        0.015, ge=0, le=100,
        description="growth of the supplier's knowledge of the buying centre's key persons per "
        "attention unit-week at full customer knowledge",
    )


class Orders(_Section):
    """What makes an order go well: fit, distances, and noticing the buyer's needs (C3, C4)."""

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
    social_learning: float = Field(
        0.05, ge=0, le=1, description="share of social distance an order removes"
    )
    attention_effect: float = Field(
        1.5, ge=0, le=100, description="noticing hazard per attention unit (scaled by knowledge)"
    )
    offer_tailoring: float = Field(
        0.0, ge=0, le=1,
        description="share of a re-tailoring's pull a supplier's first offer to a prospect "
        "achieves (0: standard offering at its technology position), [0,1]",
    )


class Trial(_Section):
    """Pre and early: negotiation, trial orders and the buyer's judgement of them (C2, C5)."""

    negotiation_time: PositiveWeeks = Field(
        6, description="negotiation time at full social distance and average skill, weeks"
    )
    share: float = Field(0.2, ge=0, le=1, description="volume share of trial orders, [0,1]")
    large_project_probability: float = Field(
        0.1, ge=0, le=1, description="probability the first order is a large project, [0,1]"
    )
    large_project_share: float = Field(
        0.5, ge=0, le=1, description="volume share of a large first project, [0,1]"
    )
    period: ranged(DurationDistribution, 0, MAX_WEEKS) = Field(
        default_factory=lambda: LogNormal(dist="lognormal", median=78, sigma=0.3),
        description="weeks a buyer gives a trial before letting an unconvincing supplier go "
        "(drawn per buyer)",
    )
    min_episodes: int = Field(
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


class Development(_Section):
    """Development: adaptation projects and the commitment that makes it long-term (C8, C9).

    An adaptation is a project: decided at a review, delivered after a
    duration, and its cost and duration scale with the relationship's
    complexity (``formulas.complexity``, ``formulas.project_scale``).
    """

    adaptation_trust: float = Field(
        0.7, ge=0, le=1, description="trust the buyer needs before adapting, [0,1]"
    )
    adaptation_effect: float = Field(
        0.3, ge=0, le=1,
        description="share of technological distance one delivered adaptation project removes",
    )
    project_time: PositiveWeeks = Field(
        26, description="weeks an adaptation project takes in a relationship of median complexity"
    )
    complexity_order_rate: float = Field(
        26, gt=0, le=1e6,
        description="orders per year at which a relationship's complexity is one half",
    )
    complexity_weight: float = Field(
        0.75, ge=0, le=1,
        description="how strongly complexity scales a project's cost and duration, [0,1]",
    )
    commitment_threshold: float = Field(
        0.5, ge=0, le=1, description="commitment of both sides that makes it long-term, [0,1]"
    )
    buyer_hurdle: float = Field(
        0.0, ge=0, le=100,
        description="the buyer adapts when its forecast gain exceeds (1 + buyer_hurdle) times "
        "the project's cost (ratio)",
    )
    buyer_horizon: PositiveWeeks = Field(
        260, description="horizon of the buyer's forecast of an adaptation's gain, weeks"
    )


class Final(_Section):
    """Institutionalisation: the hazard that a long-term relationship becomes final (C12).

    At each long-term review the relationship becomes final with the chance
    ``formulas.institutionalisation_chance`` over the interval since the last
    one: a hazard that grows with the time spent in long-term, with the
    buyer's satisfaction above ``satisfaction`` and with the absence of
    credible alternatives, while both sides stay committed.
    """

    hazard: float = Field(
        0.5, ge=0, le=100,
        description="yearly hazard of institutionalisation at hazard_time in long-term, "
        "fully satisfied and without credible alternatives",
    )
    hazard_time: PositiveWeeks = Field(
        156, description="weeks in long-term at which the hazard reaches its rate"
    )
    satisfaction: float = Field(
        0.55, ge=0, le=1,
        description="satisfaction below which there is no institutionalisation; the hazard "
        "grows linearly from it to 1, [0,1]",
    )
    alternative_weight: float = Field(
        1.0, ge=0, le=100,
        description="each credible alternative multiplies the hazard by exp(-weight)",
    )
    credibility_margin: float = Field(
        0.1, ge=0, le=1, description="an alternative is credible within this value of the incumbent"
    )
    lapse_sensitivity: float = Field(
        0.5, ge=0, le=100,
        description="at a final review the buyer looks around with probability "
        "1 - exp(-lapse_sensitivity (1 - care))",
    )


class Switching(_Section):
    """Competitors' offers: persuading a buyer and what it takes to switch (C6, C10)."""

    inertia: float = Field(
        0.08, ge=0, le=1, description="value per order a competitor must add beyond switching cost"
    )
    switching_cost_scale: float = Field(
        40, gt=0, le=1e9,
        description="switching cost (money) at which the penalty is half its weight"
    )
    switching_weight: float = Field(
        0.3, ge=0, le=10, description="value per order that an infinite switching cost would weigh"
    )
    persuasion: float = Field(
        0.6, ge=0, le=1, description="probability a contact persuades a searching buyer, [0,1]"
    )
    openness: float = Field(
        0.15, ge=0, le=1,
        description="persuasion of a content buyer, scaled by its dissatisfaction, [0,1]",
    )


class Choice(_Section):
    """The buyer's choice among suppliers: a reinforced-preference logit.

    ``reinforced`` turns on Weisbuch, Kirman & Herreiner's rule throughout
    (``lifecycle.preferences``): every supplier a buyer knows has a
    preference that decays per order interval, and searches and competitors'
    offers are decided by the logit, as volume shares are.
    """

    beta: float = Field(
        1.0, ge=0, le=100, description="sensitivity of the buyer's choice to preference (logit)"
    )
    gamma: float = Field(
        0.2, gt=0, le=1,
        description="memory decay of preferences per order with the supplier (when reinforced: "
        "per order interval of the buyer, for every supplier it knows)",
    )
    reinforced: bool = Field(
        False,
        description="every known supplier's preference decays per order interval and searches "
        "and switches choose by the logit too (false: a relationship's preference moves only "
        "with its own orders; searches and switches compare values)",
    )


class Satisfaction(_Section):
    """How satisfaction follows orders, and how much dissatisfaction ends a relationship."""

    memory: float = Field(
        0.2, gt=0, le=1, description="weight of the latest order in satisfaction, [0,1]"
    )
    dissatisfaction_margin: float = Field(
        0.15, ge=0, le=1,
        description="satisfaction this far below the search threshold ends the relationship",
    )


class ReviewIntervals(_Section):
    """How often a buyer reviews a supplier, by stage: often in early, very rarely in final."""

    early: PositiveWeeks = Field(8, description="weeks between reviews in early")
    development: PositiveWeeks = Field(13, description="weeks between reviews in development")
    long_term: PositiveWeeks = Field(52, description="weeks between reviews in long-term")
    final: PositiveWeeks = Field(156, description="weeks between reviews in final")


class Relationship(_Section):
    """Behaviour of the dyad, one section per mechanism."""

    trust: Trust = Field(default_factory=Trust, description="beliefs about the supplier")
    orders: Orders = Field(default_factory=Orders, description="what makes an order go well")
    trial: Trial = Field(default_factory=Trial, description="pre and early stages")
    development: Development = Field(
        default_factory=Development, description="adaptations and commitment"
    )
    final: Final = Field(default_factory=Final, description="institutionalisation")
    switching: Switching = Field(default_factory=Switching, description="competitors' offers")
    choice: Choice = Field(default_factory=Choice, description="volume shares among suppliers")
    satisfaction: Satisfaction = Field(
        default_factory=Satisfaction, description="satisfaction with the supplier"
    )
    review_interval: ReviewIntervals = Field(
        default_factory=ReviewIntervals, description="weeks between buyer reviews"
    )
