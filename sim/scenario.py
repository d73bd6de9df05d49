"""Scenario files: the schema, loading with ``extends:``, overrides and clear errors.

A scenario is a YAML file with a common header and one section per model::

    name: retention
    description: Two-state customer retention with a known answer.
    model: markov
    horizon: 10 years
    replications: 20
    seed: 1
    markov: {...}

``extends: other.yaml`` deep-merges this file over another: a path relative
to this file, or the name of a bundled scenario (``extends: baseline``). A
path may not leave the folder of the scenario the user named (nor may it be
absolute) unless the caller allows it (``extends_anywhere``, or the
environment variable ``DYADSIM_EXTENDS_ANYWHERE=1``); chains are at most
:data:`MAX_EXTENDS` files long and cycles are errors. ``--set path=value``
overrides are applied last and checked by the same schema. Every problem is
reported as ``FILE:LINE: path: message``.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.extends import bundled_dir, load_with_extends
from sim.models.lifecycle.config import LifecycleConfig
from sim.models.loyalty_config import DAYS_PER_WEEK, LoyaltyConfig
from sim.models.markov_config import MarkovConfig
from sim.scenario_focal import focal_problems
from sim.scenario_schema import standard_schema
from sim.units import MAX_WEEKS, PositiveWeeks
from sim.values import read_key, read_value
from sim.yamlsource import Problem, ScenarioError, SourceMap, echo, format_path

__all__ = [
    "MAX_REPLICATIONS",
    "MAX_SAMPLES",
    "Scenario",
    "ScenarioError",
    "bundled_scenarios",
    "find_scenario",
    "load_scenario",
    "scenario_json_schema",
]

ModelName = Literal["markov", "lifecycle", "loyalty"]

MAX_REPLICATIONS = 1_000_000
"""Most replications of one run (in the file and on the command line)."""

MAX_SAMPLES = 100_000
"""Most rows of the time series per replication: ``horizon / sample_every``."""

MAX_TIMEOUT = 30 * 24 * 3600.0
"""Longest time limit of a replication (seconds: 30 days)."""

MAX_SEED = 2**63 - 1


class Scenario(BaseModel):
    """A validated scenario: the common header and the section of its model."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str = Field(max_length=200, description="short name of the scenario, used in reports")
    description: str = Field(
        "", max_length=10_000, description="what the scenario shows, in a sentence or two"
    )
    model: ModelName = Field(description="which model runs this scenario")
    horizon: PositiveWeeks = Field(
        520.0, le=MAX_WEEKS,
        description=f"simulated time (weeks, in (0, {MAX_WEEKS:g}]; '10 years' is accepted)",
    )
    replications: int = Field(
        20, ge=1, le=MAX_REPLICATIONS, description="number of replications, [1, 10^6]"
    )
    seed: int = Field(
        0, ge=0, le=MAX_SEED, description="master seed, [0, 2^63); replication i uses stream i"
    )
    sample_every: PositiveWeeks = Field(
        4.0, description="time between samples of the time series (weeks); at most "
        f"{MAX_SAMPLES:,} samples per replication",
    )
    timeout: float | None = Field(
        None, gt=0, le=MAX_TIMEOUT,
        description="real time a replication may run before it is stopped and counted as "
        "failed (seconds, at most 30 days; null: no limit; --timeout overrides)",
    )
    money_unit: str = Field(
        "money", min_length=1, max_length=40,
        description="how money is labelled in tables and figures, a currency and scale such as "
        "'EUR thousand' (the models' money has no unit of its own)",
    )
    focal: list[str] | None = Field(
        None, min_length=1, max_length=1000,
        description="'our' suppliers, whose key figures are shown beside the market's: names as "
        "in the pairs table's supplier column (incumbents S1, S2, ..., entrants E1, ...); "
        "null: the incumbents",
    )
    markov: MarkovConfig | None = Field(None, description="section of the markov model")
    lifecycle: LifecycleConfig = Field(
        default_factory=LifecycleConfig, description="section of the lifecycle model"
    )
    loyalty: LoyaltyConfig | None = Field(None, description="section of the loyalty model")

    @model_validator(mode="after")
    def _section_present(self):
        for name in ("markov", "loyalty"):
            if self.model == name and getattr(self, name) is None:
                raise ValueError(f"model '{name}' needs a '{name}:' section")
        return self

    @model_validator(mode="after")
    def _samples_bounded(self):
        samples = self.horizon / self.sample_every
        if samples > MAX_SAMPLES:
            raise ValueError(
                f"horizon / sample_every gives {samples:,.0f} samples per replication, more "
                f"than {MAX_SAMPLES:,}; sample less often"
            )
        return self

    @model_validator(mode="after")
    def _loyalty_visits_at_least_once(self):
        # the loyalty model steps by whole days: a horizon that rounds to no day
        # would simulate no visit and leave nothing to summarise
        if self.model == "loyalty" and round(self.horizon * DAYS_PER_WEEK) < 1:
            raise ValueError(f"horizon is {self.horizon * DAYS_PER_WEEK:.2g} days; the loyalty "
                             "model steps by days and needs at least 1")
        return self

    @property
    def section(self) -> BaseModel:
        """The configuration section of the scenario's model."""
        return getattr(self, self.model)


def scenario_json_schema() -> dict:
    """The JSON Schema (Draft 2020-12) of scenario files, for editors and other checkers.

    It accepts and refuses files as :func:`load_scenario` does, within the
    limits listed in :mod:`sim.scenario_schema`.
    """
    return standard_schema(
        Scenario.model_json_schema(by_alias=True),
        "a bundled scenario name (baseline) or the path of a scenario file, relative to this "
        "one, to deep-merge this file over; with it no field is required",
    )


# ---------------------------------------------------------------- finding files


def bundled_scenarios() -> list[tuple[str, str]]:
    """Names and one-line descriptions of the bundled scenarios."""
    listing = []
    for path in sorted(bundled_dir().glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            data = {}
        description = " ".join(str(data.get("description", "")).split())
        listing.append((path.stem, description))
    return listing


def find_scenario(name_or_path: str | Path) -> Path:
    """A scenario file: an existing path, or the bundled scenario of that name."""
    path = Path(name_or_path)
    if (path.exists() and not path.is_dir()) or path.suffix in {".yaml", ".yml"} \
            or len(path.parts) > 1:
        return path
    bundled = bundled_dir() / f"{path.name}.yaml"
    if bundled.exists():
        return bundled  # also over a folder of that name (a results bundle called baseline)
    if path.exists():
        return path
    names = [name for name, _ in bundled_scenarios()]
    hint = difflib.get_close_matches(str(name_or_path), names, n=1)
    suggestion = f"; did you mean '{hint[0]}'?" if hint else f"; bundled: {', '.join(names)}"
    raise ScenarioError([Problem(str(name_or_path), None, "",
                                 f"no such file or bundled scenario{suggestion}")])


# ---------------------------------------------------------------- loading


def load_scenario(name_or_path: str | Path, overrides: Sequence[str] = (), *,
                  extends_anywhere: bool | None = None, varied: Sequence[str] = ()) -> Scenario:
    """Load, merge (``extends``), override and validate a scenario.

    ``overrides`` are ``"path.to.field=value"`` strings, values in YAML syntax
    read by the YAML 1.2 core schema (:mod:`sim.values`: ``010`` is ten,
    ``4:16`` and ``yes`` are text).
    ``extends_anywhere`` lets ``extends`` read absolute paths and paths out of
    the scenario's folder (default: the environment variable
    ``DYADSIM_EXTENDS_ANYWHERE``; see :mod:`sim.extends`).
    ``varied`` are overrides of the same form that a sweep's ``--vary`` sets,
    applied after ``overrides`` and named ``--vary`` in problems.
    Raises :class:`ScenarioError` listing every problem found.
    """
    path = find_scenario(name_or_path)
    data, source = load_with_extends(path, extends_anywhere)
    if not isinstance(data, dict):
        raise ScenarioError([Problem(str(path), 1, "", "a scenario must be a mapping of keys")])
    for option, texts in (("--set", overrides), ("--vary", varied)):
        for text in texts:
            _apply_override(data, source, text, option)
    return validate(data, source)


def _apply_override(data: dict, source: SourceMap, text: str, option: str = "--set") -> None:
    origin = f"{option} {text}"
    path_text, sep, value_text = text.partition("=")
    try:
        if not sep:
            raise ValueError("expected path=value")
        path = read_key(path_text.strip())
        value = read_value(value_text) if value_text.strip() else ""
    except ValueError as error:
        raise ScenarioError([Problem(origin, None, "", f"cannot read override: {error}")]) from None
    candidates = _field_names(Scenario, path[:-1], data)
    target = data
    for depth, part in enumerate(path[:-1]):
        nxt = path[depth + 1]
        if isinstance(part, int):
            if not isinstance(target, list) or not -len(target) <= part < len(target):
                raise ScenarioError([Problem(origin, None, format_path(path[: depth + 1]),
                                             "no such list item")])
            target = target[part]
        else:
            if not isinstance(target, dict):  # the value reached so far has no fields
                raise ScenarioError([Problem(origin, None, format_path(path[:depth]),
                                             "is not a section")])
            if part not in target:
                allowed = _field_names(Scenario, path[:depth], data)
                if part not in allowed:
                    raise _unknown(origin, path[: depth + 1], allowed)
                target[part] = [] if isinstance(nxt, int) else {}
            target = target[part]
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(target, list) or not -len(target) <= last < len(target):
            raise ScenarioError([Problem(origin, None, format_path(path), "no such list item")])
    elif not isinstance(target, dict):
        raise ScenarioError([Problem(origin, None, format_path(path[:-1]), "is not a section")])
    elif last not in target and last not in candidates:
        raise _unknown(origin, path, candidates)
    target[last] = value
    source.graft(path, SourceMap({(): (origin, 0)}))


def _unknown(origin: str, path, allowed: set[str]) -> ScenarioError:
    return ScenarioError([Problem(origin, None, format_path(path),
                                  "no such field" + _did_you_mean(str(path[-1]), allowed))])


def _did_you_mean(key: str, allowed: Iterable[str]) -> str:
    match = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


# ---------------------------------------------------------------- validation


def validate(data: dict, source: SourceMap | None = None) -> Scenario:
    """Validate merged scenario data; raise :class:`ScenarioError` with every problem."""
    source = source or SourceMap()
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        problems = [_problem(err, data, source) for err in error.errors()]
        raise ScenarioError(sorted(set(problems), key=_problem_order)) from None
    problems = focal_problems(scenario, source)
    if problems:
        raise ScenarioError(problems)
    return scenario


def _problem_order(problem: Problem):
    return (problem.file, problem.line or 0, problem.path)


def _problem(err: dict, data: dict, source: SourceMap) -> Problem:
    path = _data_path(err["loc"], data)
    kind = err["type"]
    if kind == "extra_forbidden":
        message = f"unknown key {echo(str(path[-1]))}" + _did_you_mean(
            str(path[-1]), _field_names(Scenario, path[:-1], data)
        )
    elif kind == "missing":
        message = "required field is missing"
    else:
        message = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        message = message.replace("Input should be", "must be")
        value = err.get("input")
        if kind != "value_error" and isinstance(value, str | int | float | bool):
            message += f", got {echo(value)}"
    file, line = source.locate(path)
    if line == 0:  # an override
        return Problem(file, None, format_path(path), message)
    changed = [where for key, (where, at) in source.locations.items()
               if at == 0 and path and len(key) > len(path) and key[: len(path)] == path]
    if changed:  # the file's value, as an override below it changed it
        message += f" (after {changed[-1]})"
    return Problem(file, line, format_path(path), message)


def _data_path(loc: tuple, data) -> tuple[str | int, ...]:
    """Keep the parts of a pydantic error location that exist in the data.

    Pydantic adds the tags of unions and validators to locations; those are
    not keys of the document and are dropped.
    """
    path: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part == loc[-1]:
            path.append(part)  # a missing or unknown key
            node = None
    return tuple(path)


def _field_names(model: type, path: Sequence[str | int], data) -> set[str]:
    """Names (and aliases) of the fields allowed at ``path`` of the schema."""
    annotations = [model]
    for part in path:
        following = []
        for annotation in annotations:
            for candidate in _unwrap(annotation):
                if isinstance(part, int):
                    if typing.get_origin(candidate) in (list, tuple):
                        following.extend(typing.get_args(candidate)[:1])
                elif isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    for name, info in candidate.model_fields.items():
                        if part in (name, info.alias):
                            following.append(info.annotation)
                elif typing.get_origin(candidate) is dict:
                    following.append(typing.get_args(candidate)[1])
        annotations = following
    names: set[str] = set()
    for annotation in annotations:
        for candidate in _unwrap(annotation):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                for name, info in candidate.model_fields.items():
                    names.add(info.alias or name)
    return names


def _unwrap(annotation) -> list:
    """The member types of an annotation (through Optional, unions and Annotated)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        members = []
        for arg in typing.get_args(annotation):
            members.extend(_unwrap(arg))
        return members
    return [annotation]
