"""The scenario's focal suppliers ("our" suppliers): which names a run can have.

Incumbent suppliers are called ``S1`` .. ``Sn`` in the order they are drawn
(``n`` is ``suppliers.count`` or the length of ``supplier_list``); entrants are
``E1``, ``E2``, ... in order of entry. A name that no run of the scenario can
have is a validation error, and so is a name given twice (its figures would
be counted twice). With random entry (``entry.rate > 0``) the number of
entrants is not known beforehand, so any ``E<k>`` is accepted here and the
analysis says when no table shows it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sim.yamlsource import Problem, SourceMap, echo, format_path

if TYPE_CHECKING:
    from sim.scenario import Scenario

__all__ = ["focal_problems"]

_NAME = re.compile(r"([SE])([1-9][0-9]*)")


def _largest(scenario: Scenario) -> dict[str, int | None]:
    """Highest incumbent and entrant number a run can have (None: not known beforehand)."""
    market, entry = scenario.lifecycle.market, scenario.lifecycle.entry
    incumbents = len(market.supplier_list) if market.supplier_list else market.suppliers.count
    entrants = None if entry.rate > 0 else len(entry.times)
    return {"S": incumbents, "E": entrants}


def _problem(scenario: Scenario, name: str, limits: dict[str, int | None]) -> str | None:
    if scenario.model != "lifecycle":
        return f"names suppliers of the lifecycle model; the {scenario.model} model has none"
    match = _NAME.fullmatch(name)
    if match is None:
        return f"no supplier is called {echo(name)}; suppliers are S1, S2, ... and entrants E1, ..."
    kind, number = match.group(1), int(match.group(2))
    limit = limits[kind]
    if limit is not None and number > limit:
        known = f"S1..S{limit}" if kind == "S" else (f"E1..E{limit}" if limit else "none")
        what = "incumbent suppliers" if kind == "S" else "entrants"
        return f"no supplier is called {echo(name)}; the {what} are {known}"
    return None


def focal_problems(scenario: Scenario, source: SourceMap) -> list[Problem]:
    """A problem for each focal name no run of ``scenario`` can have, or named twice."""
    problems = []
    limits = _largest(scenario) if scenario.model == "lifecycle" else {}
    first: dict[str, int] = {}
    for index, name in enumerate(scenario.focal or ()):
        message = _problem(scenario, name, limits)
        if message is None and name in first:
            message = f"{echo(name)} is named twice (first as focal[{first[name]}])"
        first.setdefault(name, index)
        if message is not None:
            path = ("focal", index)
            file, line = source.locate(path)
            problems.append(Problem(file, line or None, format_path(path), message))
    return problems
