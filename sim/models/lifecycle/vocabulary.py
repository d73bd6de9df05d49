"""The lifecycle model's words: stages, end reasons, causes and message kinds.

Every other module (and, through the bundle's manifest, analysis) reads them
from here, so adding a stage or an end reason is one edit, and a misspelt one
fails at once instead of silently creating a new category:

>>> EndReason("competiton")
Traceback (most recent call last):
...
ValueError: 'competiton' is not a valid EndReason

Stages are ``IntEnum`` members: their order is the lifecycle's order, so a
relationship's furthest stage is a ``max`` and a stage indexes per-stage
tables. The names written to the tables are the lower-case member names
(``long_term``).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Stage(IntEnum):
    """The stages of a relationship, in the order it lives through them (Ford 1980)."""

    PRE = 0
    EARLY = 1
    DEVELOPMENT = 2
    LONG_TERM = 3
    FINAL = 4

    @property
    def label(self) -> str:
        """The stage's name in the tables: ``pre``, ..., ``long_term``, ``final``."""
        return self.name.lower()


class EndReason(StrEnum):
    """Why a relationship ended (C13): the ``end_reason`` column of ``pairs``."""

    DISTANCE = "distance"
    POOR_PERFORMANCE = "poor_performance"
    DISSATISFACTION = "dissatisfaction"
    COMPETITOR = "competitor"  # a rival supplier took the business (``lost_to`` names it)
    OUTSIDE_OPTION = "outside_option"  # the buyer turned to the spot market (``lost_to`` outside)
    UNPROFITABLE = "unprofitable"
    BUYER_EXIT = "buyer_exit"
    SUPPLIER_EXIT = "supplier_exit"


#: End reasons that are an agent leaving the market, not a judgement of the partner.
EXITS = frozenset({EndReason.BUYER_EXIT, EndReason.SUPPLIER_EXIT})

#: The ``lost_to`` of a relationship lost to the spot market (``EndReason.OUTSIDE_OPTION``);
#: a ``competitor`` ending names the supplier that took the business instead.
OUTSIDE = "outside"


class EndCause(StrEnum):
    """The decision behind an ending: the ``cause`` of its event.

    A competitor that wins a buyer over is recorded by its name instead, and
    an exit by its reason.
    """

    TOO_FAR_APART = "too_far_apart"
    BETTER_ALTERNATIVE = "better_alternative"
    FORESEES_PROBLEMS = "foresees_problems"
    CULTURAL_FRICTION = "cultural_friction"
    OUTCLASSED_IN_TRIAL = "outclassed_in_trial"
    ALTERNATIVE_BETTER_AFTER_TRIAL = "alternative_better_after_trial"
    TRUST_NOT_BUILT = "trust_not_built"
    TRIAL_DISAPPOINTED = "trial_disappointed"
    BELOW_EXPECTATION = "below_expectation"
    FORECAST_NEGATIVE = "forecast_negative"


class EntryCause(StrEnum):
    """Why a relationship began or moved to a later stage: the ``cause`` of its event."""

    MARKETING = "marketing"
    SEARCH = "search"
    SWITCHED = "switched_from_"  # followed by the name of the supplier the buyer left
    NEGOTIATED = "negotiated"
    TRUST_BUILT = "trust_built"
    MUTUAL_COMMITMENT = "mutual_commitment"
    INSTITUTIONALISED = "institutionalised"


class Message(StrEnum):
    """What a relationship's process is told (``post``) and waits for."""

    EPISODE = "episode"  # an order in the trial went through
    REVIEW = "review"  # the buyer's scheduled review is due
    PROBLEM = "problem"  # a conflict stayed open: a review out of turn (development on)
    APPROACH = "approach"  # a competitor's offer, with the competitor
    END = "end"  # the relationship was ended elsewhere


class EventKind(StrEnum):
    """The ``kind`` column of the events table."""

    STAGE_CHANGE = "stage_change"
    EPISODE = "episode"
    CONFLICT = "conflict"
    DECISION = "decision"
    ADAPTATION = "adaptation"
    APPROACH = "approach"
    REQUIREMENT_SHIFT = "requirement_shift"
    TURNOVER = "turnover"
    ENTRY = "entry"


STAGE_NAMES: tuple[str, ...] = tuple(stage.label for stage in Stage)
#: The ``new_stage`` of the event that ends a relationship.
ENDED = "ended"
END_REASONS: tuple[str, ...] = tuple(reason.value for reason in EndReason)

#: The claims of the theory the model realises (numbered as in the specification; each
#: one's mechanism is in docs/model.md, "How each claim is realised"), by code. Scenario
#: descriptions cite them ("(C11)"); reports and ``dyadsim list`` explain the codes with these.
CLAIMS: dict[str, str] = {
    "C1": "potential judged from information",
    "C2": "interest from marketing or problems",
    "C3": "distance stops a relationship",
    "C4": "trial orders, views formed",
    "C5": "early abandoned",
    "C6": "alternatives",
    "C7": "trust and volume grow together",
    "C8": "costly adaptations held back",
    "C9": "long-term commitment, switching costs",
    "C10": "routine costs less",
    "C11": "lost interest misses requirements",
    "C12": "final: rare, stable, vulnerable to entry",
    "C13": "ends at any stage",
    "C14": "knowing the buyer",
    "C15": "skills make management effective",
    "C16": "forecasts against alternatives",
}

#: The lists a results bundle carries in its manifest, so analysis never copies them.
VOCABULARY: dict[str, list[str]] = {
    "stages": list(STAGE_NAMES),
    "end_reasons": list(END_REASONS),
    "claims": [f"{code} {title}" for code, title in CLAIMS.items()],
}
