"""The JSON Schema of scenario files, in standard Draft 2020-12, judging files as the loader does.

Pydantic's schema of :class:`sim.scenario.Scenario` describes the *merged*
scenario. A file that ``extends`` another gives only what differs, so it may
leave out required fields and write a section, or a distribution, in part;
the schema therefore has two forms, chosen by ``if``/``then``/``else``: the
whole scenario, and, when ``extends`` is present, the same fields with
nothing required. Keywords outside the standard (pydantic's ``discriminator``)
are dropped, and a random quantity's mapping must name its ``dist``, as the
loader requires.

What the schema cannot see: the file being extended, the bounds of a duration
written with a unit (``'2000 years'`` is a well-formed string), and checks
across fields (``low < high``, a distribution's mean inside a field's range).
"""

from __future__ import annotations

import copy

__all__ = ["standard_schema"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_PARTIAL = "Partial"
_MODEL_SECTIONS = ("markov", "loyalty")


def standard_schema(pydantic_schema: dict, extends_description: str) -> dict:
    """The scenario file schema built from pydantic's schema of the merged scenario."""
    whole = _without_discriminators(copy.deepcopy(pydantic_schema))
    defs = whole.pop("$defs", {})
    for definition in defs.values():
        if "const" in definition.get("properties", {}).get("dist", {}):
            definition["required"] = sorted({*definition.get("required", ()), "dist"})
    whole["properties"]["extends"] = {"type": "string", "description": extends_description}
    whole["allOf"] = [_section_rule(name) for name in _MODEL_SECTIONS]
    title, description = whole.pop("title", None), whole.pop("description", None)
    partial = _partial(whole)
    del partial["allOf"]
    partial["required"] = ["extends"]
    all_defs = {**defs, **{_PARTIAL + name: _partial(d) for name, d in defs.items()},
                "Scenario": whole, "ExtendingScenario": partial}
    return {
        "$schema": DRAFT,
        "title": "dyadsim scenario",
        "description": description or title or "",
        "type": "object",
        # What holds for every file, for editors to complete and describe from.
        "properties": partial["properties"],
        "additionalProperties": False,
        "if": {"required": ["extends"]},
        "then": {"$ref": "#/$defs/ExtendingScenario"},
        "else": {"$ref": "#/$defs/Scenario"},
        "$defs": all_defs,
    }


def _section_rule(name: str) -> dict:
    """``model: markov`` needs a ``markov:`` section (and likewise for loyalty)."""
    return {
        "if": {"properties": {"model": {"const": name}}, "required": ["model"]},
        "then": {"required": [name], "properties": {name: {"type": "object"}}},
    }


def _without_discriminators(node):
    if isinstance(node, dict):
        return {key: _without_discriminators(value) for key, value in node.items()
                if key != "discriminator" or not isinstance(value, dict)
                or "propertyName" not in value}
    if isinstance(node, list):
        return [_without_discriminators(item) for item in node]
    return node


def _partial(node):
    """The same schema with nothing required: references go to partial definitions.

    ``oneOf`` becomes ``anyOf`` because a part of a distribution (``{a: 3}``)
    may fit several kinds; the loader decides once the files are merged.
    """
    if isinstance(node, dict):
        result = {}
        for key, value in node.items():
            if key == "required" and isinstance(value, list):
                continue
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                result[key] = "#/$defs/" + _PARTIAL + value.removeprefix("#/$defs/")
            elif key == "oneOf":
                result["anyOf"] = _partial(value)
            elif key == "properties":
                result[key] = {name: _partial(sub) for name, sub in value.items()}
            else:
                result[key] = _partial(value)
        return result
    if isinstance(node, list):
        return [_partial(item) for item in node]
    return node
