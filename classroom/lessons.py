"""Lessons: one Markdown text per idea of the theory, each about a bundled scenario.

A lesson is ``classroom/lessons/<scenario>.md``: a ``# title`` line, then the
sections of NetLogo's model library, in this order: what it shows, how the
model produces it, things to notice, things to try. Scenario parameters are
named in backticks by their full path (```lifecycle.policy.adaptation_hurdle```);
:func:`named_parameters` finds them and :func:`schema_has_path` checks them.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from importlib import resources

from pydantic import BaseModel

from sim.scenario import Scenario

__all__ = ["SECTIONS", "Lesson", "lesson", "lessons", "named_parameters", "schema_has_path"]

SECTIONS = ("What it shows", "How the model produces it", "Things to notice", "Things to try")
"""The headings every lesson has, in order."""

_PATH = re.compile(r"`((?:lifecycle|horizon|replications|seed|sample_every)(?:\.[A-Za-z_]\w*)*)`")


@dataclass(frozen=True)
class Lesson:
    """A lesson: the scenario it is about, its title and its Markdown text."""

    scenario: str
    title: str
    text: str

    @property
    def sections(self) -> dict[str, str]:
        """The text under each ``## heading``, by heading."""
        parts = re.split(r"^## +(.+?)\s*$", self.text, flags=re.MULTILINE)
        return {heading: body.strip() for heading, body in zip(parts[1::2], parts[2::2],
                                                               strict=True)}

    @property
    def summary(self) -> str:
        """The first sentence of "What it shows", in one line."""
        first = " ".join(self.sections.get(SECTIONS[0], "").split())
        return first.split(". ")[0].rstrip(".") + "." if first else ""


def _read(name: str, text: str) -> Lesson:
    match = re.search(r"^# +(.+?)\s*$", text, flags=re.MULTILINE)
    return Lesson(name, match.group(1) if match else name, text)


def lessons() -> list[Lesson]:
    """Every lesson shipped with dyadsim, in the order of the theory's claims."""
    folder = resources.files("classroom") / "lessons"
    found = [_read(entry.name.removesuffix(".md"), entry.read_text(encoding="utf-8"))
             for entry in folder.iterdir() if entry.name.endswith(".md")]
    return sorted(found, key=lambda item: (_ORDER.get(item.scenario, 99), item.scenario))


_ORDER = {name: index for index, name in enumerate((
    "high_distance", "attractive_alternatives", "adaptation_hurdle", "neglect",
    "weak_competition", "competitor_entry", "skilled_supplier"))}


def lesson(scenario: str) -> Lesson | None:
    """The lesson about ``scenario`` (a bundled scenario's name), or None."""
    return next((item for item in lessons() if item.scenario == scenario), None)


def named_parameters(text: str) -> list[str]:
    """Scenario paths named in backticks in ``text`` (``lifecycle.market.buyers.count``)."""
    return list(dict.fromkeys(_PATH.findall(text)))


def schema_has_path(path: str) -> bool:
    """Whether ``path`` (dotted field names) is a field of the scenario schema."""
    annotations: list = [Scenario]
    for part in path.split("."):
        following = []
        for annotation in annotations:
            for member in _members(annotation):
                if isinstance(member, type) and issubclass(member, BaseModel):
                    for name, info in member.model_fields.items():
                        if part in (name, info.alias):
                            following.append(info.annotation)
        if not following:
            return False
        annotations = following
    return True


def _members(annotation) -> list:
    """The types an annotation may hold (through Optional, unions, Annotated, lists)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list, tuple):
        members = []
        for arg in typing.get_args(annotation):
            members.extend(_members(arg))
        return members
    return [annotation]
