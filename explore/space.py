"""Parameter spaces: which scenario values are uncertain, and over what range.

A parameter-space file names each uncertain value by its scenario path (the
path ``--set`` takes) and gives its range, as bounds (uniform) or as a
distribution on a finite range::

    description: What drives relationships to long-term in the baseline market.
    parameters:
      lifecycle.policy.adaptation_hurdle: {bounds: [0.1, 0.5]}
      lifecycle.market.buyers.distance_tolerance.mean:
        bounds: [0.3, 0.5]
        name: buyers' distance tolerance
      lifecycle.market.suppliers.marketing_rate: {dist: triangular, low: 20, mode: 40, high: 80}
      lifecycle.market.buyers.count: {bounds: [150, 450], integer: true}

Distributions: ``uniform`` (``low``, ``high``; what ``bounds`` means),
``loguniform`` (``low`` > 0, ``high``), ``triangular`` (``low``, ``mode``,
``high``) and ``normal`` (``mean``, ``sd``, truncated to ``low``, ``high``).
Every range is finite, so it can be checked against the scenario's schema
before anything runs: :func:`check_space` validates the scenario with each
parameter at its low and at its high end, and reports what the schema says.
Problems are reported as ``FILE:LINE: path: message`` like scenario files.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.yamlsource import Problem, ScenarioError, SourceMap, format_path, load_yaml

__all__ = ["Parameter", "ParameterSpace", "check_space", "load_space", "yaml_number"]

Distribution = Literal["uniform", "loguniform", "triangular", "normal"]
_NEEDS = {
    "uniform": ("low", "high"),
    "loguniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd", "low", "high"),
}
_GENERIC_ENDS = {"mean", "median", "sd", "sigma", "a", "b", "low", "high", "value", "rate",
                 "count"}


class _ParameterEntry(BaseModel):
    """One entry of ``parameters:`` as written in the file."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str | None = Field(None, min_length=1, description="plain name for tables and plots")
    bounds: tuple[float, float] | None = Field(None, description="[low, high] of a uniform range")
    dist: Distribution = Field("uniform", description="distribution over the range")
    low: float | None = None
    high: float | None = None
    mode: float | None = Field(None, description="peak of a triangular distribution")
    mean: float | None = Field(None, description="mean of a truncated normal")
    sd: float | None = Field(None, gt=0, description="standard deviation of a truncated normal")
    integer: bool = Field(False, description="round sampled values to whole numbers")

    @model_validator(mode="after")
    def _complete(self):
        if self.bounds is not None:
            if self.low is not None or self.high is not None:
                raise ValueError("give either bounds or low and high, not both")
            self.low, self.high = self.bounds
        missing = [key for key in _NEEDS[self.dist] if getattr(self, key) is None]
        if missing:
            hint = " (or bounds: [low, high])" if self.dist == "uniform" else ""
            raise ValueError(f"a {self.dist} range needs {', '.join(missing)}{hint}")
        extra = [key for key in ("mode", "mean", "sd")
                 if getattr(self, key) is not None and key not in _NEEDS[self.dist]]
        if extra:
            raise ValueError(f"{', '.join(extra)} does not apply to a {self.dist} range")
        if not self.low < self.high:
            raise ValueError(f"low must be below high, got {self.low:g} and {self.high:g}")
        if self.dist == "loguniform" and self.low <= 0:
            raise ValueError(f"a loguniform range needs low > 0, got {self.low:g}")
        if self.dist == "triangular" and not self.low <= self.mode < self.high:
            raise ValueError(f"mode must be in [low, high), got {self.mode:g}")
        return self


class _SpaceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = ""
    parameters: dict[str, _ParameterEntry] = Field(min_length=1)


@dataclass(frozen=True)
class Parameter:
    """One uncertain value: its scenario path, plain name, distribution and range."""

    path: str
    label: str
    dist: str
    low: float
    high: float
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    integer: bool = False
    line: int | None = None

    def salib(self) -> tuple[str, list[float]]:
        """SALib's name of the distribution and its ``bounds`` entry."""
        if self.dist == "triangular":
            return "triang", [self.low, self.high, (self.mode - self.low) / (self.high - self.low)]
        if self.dist == "normal":
            return "truncnorm", [self.low, self.high, self.mean, self.sd]
        if self.dist == "loguniform":
            return "logunif", [self.low, self.high]
        return "unif", [self.low, self.high]

    def distribution(self):
        """The distribution as :mod:`scipy.stats` has it, the one SALib samples from."""
        from scipy import stats

        width = self.high - self.low
        if self.dist == "triangular":
            return stats.triang((self.mode - self.low) / width, loc=self.low, scale=width)
        if self.dist == "normal":
            return stats.truncnorm((self.low - self.mean) / self.sd,
                                   (self.high - self.mean) / self.sd, loc=self.mean, scale=self.sd)
        if self.dist == "loguniform":
            return stats.loguniform(self.low, self.high)
        return stats.uniform(self.low, width)

    def describe(self) -> str:
        """The range in words, for reports: ``uniform on [0.1, 0.5]``."""
        text = f"{self.dist} on [{self.low:g}, {self.high:g}]"
        if self.dist == "triangular":
            text += f", mode {self.mode:g}"
        elif self.dist == "normal":
            text += f", mean {self.mean:g}, sd {self.sd:g}"
        return text + (", whole numbers" if self.integer else "")

    def as_dict(self) -> dict:
        """JSON-ready description (what the bundle's manifest records)."""
        keys = ("path", "label", "dist", "low", "high", "mode", "mean", "sd", "integer")
        return {key: getattr(self, key) for key in keys}


@dataclass(frozen=True)
class ParameterSpace:
    """The uncertain parameters of a study, in file order."""

    parameters: tuple[Parameter, ...]
    description: str = ""
    file: str = "<space>"

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.parameters]

    @property
    def labels(self) -> dict[str, str]:
        """Plain name of each parameter path."""
        return {p.path: p.label for p in self.parameters}

    def problem(self) -> dict:
        """The space as a SALib problem (names are the scenario paths)."""
        dists, bounds = zip(*(p.salib() for p in self.parameters), strict=True)
        return {"num_vars": len(self.parameters), "names": self.paths,
                "bounds": list(bounds), "dists": list(dists)}

    def values(self, row: Sequence[float]) -> dict[str, float]:
        """One sampled row as path -> value (whole numbers where asked)."""
        return {p.path: (float(round(x)) if p.integer else float(x))
                for p, x in zip(self.parameters, row, strict=True)}

    def as_dict(self) -> dict:
        return {"file": self.file, "description": self.description,
                "parameters": [p.as_dict() for p in self.parameters]}

    @classmethod
    def from_dict(cls, data: dict) -> ParameterSpace:
        """The space a manifest recorded (see :meth:`as_dict`)."""
        return cls(tuple(Parameter(**p) for p in data["parameters"]),
                   data.get("description", ""), data.get("file", "<space>"))


def plain_name(path: str) -> str:
    """A parameter's plain name from its scenario path.

    >>> plain_name("lifecycle.policy.adaptation_hurdle")
    'adaptation hurdle'
    >>> plain_name("lifecycle.market.buyers.distance_tolerance.mean")
    'distance tolerance (mean)'
    >>> plain_name("markov.reward[0]")
    'reward[0]'
    """
    parts = path.split(".")
    base, bracket, index = parts[-1].partition("[")
    last = base.replace("_", " ") + bracket + index
    if base in _GENERIC_ENDS and len(parts) > 1:
        parent = parts[-2].partition("[")[0].replace("_", " ")
        return f"{parent} ({last})"
    return last


def load_space(path: str | Path) -> ParameterSpace:
    """Read and validate a parameter-space file; raise :class:`ScenarioError` on problems."""
    path = Path(path)
    try:
        data, source = load_yaml(path)
    except ScenarioError as error:
        raise ScenarioError([_as_space(problem) for problem in error.problems]) from None
    if not isinstance(data, dict):
        raise ScenarioError([Problem(str(path), 1, "", "a parameter space must be a mapping")])
    try:
        parsed = _SpaceFile.model_validate(data)
    except ValidationError as error:
        problems = {_problem(str(path), err, source) for err in error.errors()}
        raise ScenarioError(sorted(problems, key=lambda p: (p.line or 0, p.path))) from None
    parameters = []
    for key, entry in parsed.parameters.items():
        line = source.locate(("parameters", key))[1]
        parameters.append(Parameter(
            path=key, label=entry.name or plain_name(key), dist=entry.dist, low=entry.low,
            high=entry.high, mode=entry.mode, mean=entry.mean, sd=entry.sd,
            integer=entry.integer, line=line))
    labels = [p.label for p in parameters]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        where = next(p for p in parameters if p.label in repeated)
        raise ScenarioError([Problem(str(path), where.line, where.path,
                                     f"plain name '{repeated[0]}' is used twice; give each "
                                     "parameter its own name")])
    return ParameterSpace(tuple(parameters), parsed.description, str(path))


def _as_space(problem: Problem) -> Problem:
    """A problem of reading the file, said of a parameter space rather than a scenario."""
    if problem.message.startswith("empty file"):
        return Problem(problem.file, problem.line, problem.path,
                       "empty file; a parameter space needs at least 'parameters'")
    return problem


def _problem(file: str, err: dict, source: SourceMap) -> Problem:
    loc = tuple(part for part in err["loc"] if part not in {"function-after[_complete()]"})
    message = err["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
    if err["type"] == "extra_forbidden":
        message = f"unknown key '{loc[-1]}'"
    elif err["type"] == "missing":
        message = "required field is missing"
    elif err["type"] == "too_short" and loc == ("parameters",):
        message = "name at least one parameter"
    elif err["type"] == "model_type":
        message = "must be a mapping such as {bounds: [low, high]}"
    value = err.get("input")
    if err["type"] not in {"value_error", "extra_forbidden", "missing"} and isinstance(
            value, str | int | float | bool):
        message += f", got {value!r}"
    _, line = source.locate(loc)
    shown = loc[1:] if loc[:1] == ("parameters",) and len(loc) > 1 else loc
    return Problem(file, line, format_path(shown), message)


# ---------------------------------------------------------------- against the scenario


Validator = Callable[[list[str]], None]
"""Validates the scenario with ``path=value`` overrides; raises ScenarioError if invalid."""


def yaml_number(value: float) -> str:
    """A number written so that YAML reads it back as that number.

    >>> yaml_number(1e-05), yaml_number(250.0), yaml_number(0.25)
    ('1.0e-05', '250', '0.25')
    """
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(float(value))
    if "e" in text:
        mantissa, exponent = text.split("e")
        mantissa += "" if "." in mantissa else ".0"
        exponent = exponent if exponent[0] in "+-" else "+" + exponent
        text = f"{mantissa}e{exponent}"
    return text


def check_space(space: ParameterSpace, validate: Validator) -> None:
    """Check every parameter against the scenario's schema before anything runs.

    ``validate(overrides)`` must raise :class:`ScenarioError` when the scenario
    with those ``path=value`` overrides is invalid. Each parameter is tried at
    its low end, its high end and a fractional value between them; whatever
    the schema says (unknown path, value out of the field's own range, a
    whole number expected) is reported at the parameter's line of the space
    file. Raises :class:`ScenarioError` with every problem found.
    """
    problems: list[Problem] = []
    for parameter in space.parameters:
        problems.extend(_check_parameter(space.file, parameter, validate))
    if problems:
        raise ScenarioError(problems)


def _check_parameter(file: str, parameter: Parameter, validate: Validator) -> list[Problem]:
    found: dict[str, Problem] = {}
    for end, value in (("low", parameter.low), ("high", parameter.high)):
        for message in _refusals(parameter.path, value, validate):
            text = message if "no such field" in message else f"{end} end {value:g}: {message}"
            found.setdefault(message, Problem(file, parameter.line, parameter.path, text))
    if found or parameter.integer:
        return list(found.values())
    between = _fractional_between(parameter.low, parameter.high)
    refused = _refusals(parameter.path, between, validate)
    if refused:
        return [Problem(file, parameter.line, parameter.path,
                        f"value {between:g} between the ends: {refused[0]}; if the field takes "
                        "whole numbers, add integer: true")]
    return []


def _refusals(path: str, value: float, validate: Validator) -> list[str]:
    try:
        validate([f"{path}={yaml_number(value)}"])
    except ScenarioError as error:
        return [p.message if p.path in ("", path) else f"{p.path}: {p.message}"
                for p in error.problems]
    return []


def _fractional_between(low: float, high: float) -> float:
    middle = (low + high) / 2
    if float(middle).is_integer():
        middle += min(0.5, (high - low) / 4)
    return middle if not math.isclose(middle, round(middle)) else middle + (high - low) / 8
