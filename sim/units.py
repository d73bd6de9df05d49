"""Units and random quantities used in scenario files.

Simulated time is continuous and its unit is one week. Scenario files may write
durations as numbers of weeks (``26``) or as strings with a unit (``26w``,
``6 months``, ``2 years``, ``10 days``). A year is 52 weeks and a month is a
twelfth of a year.

Random quantities use a small closed set of distributions, written as a mapping
with a ``dist`` key, for example ``{dist: beta, a: 2, b: 5}``. A bare number
stands for a constant.

Every number is finite (``.inf``, ``.nan`` and ``1e400`` are refused) and
within a documented range: durations in [0, :data:`MAX_WEEKS`], parameters
of distributions within +-:data:`MAX_MAGNITUDE`. A field can narrow the values
its distribution may take with :func:`ranged` (for example non-negative order
rates), checked on the distribution's support and mean.
"""

from __future__ import annotations

import math
import re
from numbers import Integral
from typing import Annotated, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

WEEKS_PER_YEAR = 52.0

MAX_WEEKS = 52_000.0
"""Longest duration a scenario may give (weeks: 1,000 years)."""

MAX_MAGNITUDE = 1e12
"""Largest absolute value of a distribution's parameter."""

Real = Annotated[float, Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)]
Spread = Annotated[float, Field(ge=0, le=MAX_MAGNITUDE)]

_UNIT_WEEKS = {
    "d": 1 / 7, "day": 1 / 7, "days": 1 / 7,
    "w": 1.0, "wk": 1.0, "week": 1.0, "weeks": 1.0,
    "m": WEEKS_PER_YEAR / 12, "mo": WEEKS_PER_YEAR / 12,
    "month": WEEKS_PER_YEAR / 12, "months": WEEKS_PER_YEAR / 12,
    "y": WEEKS_PER_YEAR, "yr": WEEKS_PER_YEAR, "year": WEEKS_PER_YEAR, "years": WEEKS_PER_YEAR,
}
_DURATION = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-zA-Z]*)\s*$")


def parse_duration(value: object) -> float:
    """Return a duration in weeks from a number of weeks or a string such as ``'6 months'``."""
    if isinstance(value, bool):
        raise ValueError(f"a duration must be a number of weeks or a string, got {value!r}")
    if isinstance(value, int | float):
        return _finite(float(value))
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            number, unit = match.groups()
            unit = unit.lower() or "w"
            if unit in _UNIT_WEEKS:
                return _finite(float(number) * _UNIT_WEEKS[unit])
        raise ValueError(
            f"cannot read duration {value!r}; write weeks as a number or a string "
            "such as '26w', '6 months', '2 years'"
        )
    raise ValueError(f"a duration must be a number of weeks or a string like '26w', got {value!r}")


def counted(number: float, noun: str, plural: str = "", spec: str = "") -> str:
    """A count and its noun: ``1 replication``, ``20 replications``, ``1.5 years``.

    The noun stays singular for exactly one; otherwise it takes ``plural`` or,
    by default, an ``s``. ``spec`` formats the number (``","`` for thousands);
    without it whole numbers print as such and others with ``g``.
    """
    word = noun if number == 1 else plural or f"{noun}s"
    if not spec:
        spec = "d" if isinstance(number, Integral) else "g"
    return f"{number:{spec}} {word}"


def in_words(weeks: float) -> str:
    """A duration as people say it: ``1 year``, ``10 years``, or in weeks (``30 weeks``)."""
    years = weeks / WEEKS_PER_YEAR
    return counted(years, "year") if years.is_integer() else counted(weeks, "week")


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" for c in word)


DURATION_PATTERN = (
    r"^\s*[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?\s*("
    + "|".join(_any_case(unit) for unit in sorted(_UNIT_WEEKS, key=len, reverse=True))
    + r")?\s*$"
)
"""What :func:`parse_duration` reads from a string, as a JSON Schema (ECMA-262) pattern."""

_BOUND_KEYWORDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum",
                   "lt": "exclusiveMaximum"}


def _standard_bounds(schema: dict) -> dict:
    """Pydantic leaves a bound behind a before-validator as ``ge``/``le``; JSON Schema names it."""
    for short, standard in _BOUND_KEYWORDS.items():
        if short in schema:
            schema.setdefault(standard, schema.pop(short))
    return schema


class _DurationJsonSchema:
    """In the JSON Schema a duration is a number of weeks or a string with a unit."""

    def __get_pydantic_json_schema__(self, core_schema, handler) -> dict:
        number = _standard_bounds(handler(core_schema))
        return {"anyOf": [number, {"type": "string", "pattern": DURATION_PATTERN}]}


class _AlsoWritten:
    """In the JSON Schema a random quantity may also be written as a bare constant."""

    def __init__(self, *forms: dict):
        self.forms = forms

    def __get_pydantic_json_schema__(self, core_schema, handler) -> dict:
        return {"anyOf": [*self.forms, handler(core_schema)]}


def _finite(weeks: float) -> float:
    if not math.isfinite(weeks):
        raise ValueError(f"a duration must be a finite number of weeks, got {weeks}")
    return weeks


Weeks = Annotated[float, BeforeValidator(parse_duration), Field(ge=0, le=MAX_WEEKS),
                  _DurationJsonSchema()]
"""A duration in weeks, in [0, 52000] (accepts ``'26w'``, ``'6 months'``, ``'2 years'``)."""

PositiveWeeks = Annotated[float, BeforeValidator(parse_duration), Field(gt=0, le=MAX_WEEKS),
                          _DurationJsonSchema()]
"""A strictly positive duration in weeks, at most 52000."""


_KIND = "the kind of distribution"


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    def support(self) -> tuple[float, float]:
        """The lowest and highest value a draw can take."""
        return (self.low, self.high)

    def sample(self, rng: np.random.Generator, size: int | None = None) -> np.ndarray | float:
        """Draw ``size`` values (a float when ``size`` is None)."""
        raise NotImplementedError

    def mean(self) -> float:
        """The analytic mean of the distribution."""
        raise NotImplementedError


class Constant(_Dist):
    """Always the same value."""

    dist: Literal["constant"] = Field("constant", description=_KIND)
    value: Real = Field(description="the value")

    def support(self):
        return (self.value, self.value)

    def sample(self, rng, size=None):
        return self.value if size is None else np.full(size, self.value, dtype=float)

    def mean(self):
        return self.value


class Normal(_Dist):
    """Normal distribution, optionally truncated by clipping to [low, high]."""

    dist: Literal["normal"] = Field(description=_KIND)
    mean_: Real = Field(alias="mean", description="mean")
    sd: Spread = Field(description="standard deviation")
    low: Real | None = Field(None, description="values below are clipped to this bound")
    high: Real | None = Field(None, description="values above are clipped to this bound")

    @model_validator(mode="after")
    def _bounds(self):
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        return self

    def support(self):
        low = -math.inf if self.low is None else self.low
        high = math.inf if self.high is None else self.high
        return (low, high) if self.sd > 0 else (min(max(self.mean_, low), high),) * 2

    def sample(self, rng, size=None):
        draw = rng.normal(self.mean_, self.sd, size)
        if self.low is not None or self.high is not None:
            draw = np.clip(draw, self.low, self.high)
        return float(draw) if size is None else draw

    def mean(self):
        return self.mean_


class LogNormal(_Dist):
    """Log-normal distribution given by its median and the sd of its logarithm."""

    dist: Literal["lognormal"] = Field(description=_KIND)
    median: float = Field(gt=0, le=MAX_MAGNITUDE, description="median, exp(mu)")
    sigma: float = Field(ge=0, le=10, description="standard deviation of the logarithm, [0, 10]")

    def support(self):
        return (0.0, math.inf) if self.sigma > 0 else (self.median, self.median)

    def sample(self, rng, size=None):
        return rng.lognormal(math.log(self.median), self.sigma, size)

    def mean(self):
        return self.median * math.exp(self.sigma**2 / 2)


class Uniform(_Dist):
    """Uniform distribution on [low, high]."""

    dist: Literal["uniform"] = Field(description=_KIND)
    low: Real = Field(description="lower bound")
    high: Real = Field(description="upper bound")

    @model_validator(mode="after")
    def _bounds(self):
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        return self

    def sample(self, rng, size=None):
        return rng.uniform(self.low, self.high, size)

    def mean(self):
        return (self.low + self.high) / 2


class Beta(_Dist):
    """Beta distribution on [0, 1] (scaled to [low, high] when given)."""

    dist: Literal["beta"] = Field(description=_KIND)
    a: float = Field(gt=0, le=1e6, description="first shape parameter, (0, 10^6]")
    b: float = Field(gt=0, le=1e6, description="second shape parameter, (0, 10^6]")
    low: Real = Field(0.0, description="lower end of the support")
    high: Real = Field(1.0, description="upper end of the support")

    @model_validator(mode="after")
    def _bounds(self):
        if self.low >= self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self

    def sample(self, rng, size=None):
        return self.low + (self.high - self.low) * rng.beta(self.a, self.b, size)

    def mean(self):
        return self.low + (self.high - self.low) * self.a / (self.a + self.b)


class Triangular(_Dist):
    """Triangular distribution with lower end, mode and upper end."""

    dist: Literal["triangular"] = Field(description=_KIND)
    low: Real = Field(description="lower end")
    mode: Real = Field(description="most likely value")
    high: Real = Field(description="upper end")

    @model_validator(mode="after")
    def _bounds(self):
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(
                f"need low <= mode <= high and low < high, got {self.low}, {self.mode}, {self.high}"
            )
        return self

    def sample(self, rng, size=None):
        return rng.triangular(self.low, self.mode, self.high, size)

    def mean(self):
        return (self.low + self.mode + self.high) / 3


def _constant_from_number(value: object) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"dist": "constant", "value": value}
    return value


_ANY_DISTRIBUTION = Constant | Normal | LogNormal | Uniform | Beta | Triangular

Distribution = Annotated[
    _ANY_DISTRIBUTION,
    BeforeValidator(_constant_from_number),
    Field(discriminator="dist"),
    _AlsoWritten({"type": "number"}),
]
"""A random quantity: a number (a constant) or ``{dist: <name>, <parameters>}``."""


def _constant_from_duration(value: object) -> object:
    if isinstance(value, str):
        return {"dist": "constant", "value": parse_duration(value)}
    return _constant_from_number(value)


DurationDistribution = Annotated[
    _ANY_DISTRIBUTION,
    BeforeValidator(_constant_from_duration),
    Field(discriminator="dist"),
    _AlsoWritten({"type": "number"}, {"type": "string", "pattern": DURATION_PATTERN}),
]
"""A random duration in weeks: a number of weeks, a string such as ``'18 months'``
(both constants) or ``{dist: <name>, <parameters in weeks>}``."""


def ranged(kind, low: float = -math.inf, high: float = math.inf):
    """``kind`` (a distribution type) whose draws must lie in [low, high].

    The support of the distribution must start at ``low`` or above and its
    mean must not exceed ``high`` (a log-normal has no upper end of its
    support, but a mean beyond ``high`` means draws the model cannot use).
    """

    def check(dist: _Dist) -> _Dist:
        lowest, _ = dist.support()
        if lowest < low:
            raise ValueError(f"draws must be at least {low:g}; this distribution can give "
                             f"{lowest:g} (give low: {low:g} or a distribution above it)")
        mean = dist.mean()
        if not mean <= high:
            raise ValueError(f"must be at most {high:g} on average, the mean is {mean:g}")
        return dist

    return Annotated[kind, AfterValidator(check)]
