"""Every number of every model's schema is finite and within a documented range.

The test walks the whole JSON Schema of scenario files, finds every numeric
field (distribution parameters included) and feeds it ``.inf``, ``.nan``,
``1e400`` (which YAML reads as text and pydantic as infinity) and a negative
number. Non-finite values must always be refused; a negative value must be
refused wherever the documented lower bound is not negative, and accepted
where the schema documents negative values.
"""

from __future__ import annotations

import copy
import math

import pytest

from sim.scenario import ScenarioError, scenario_json_schema, validate

SCHEMA = scenario_json_schema()
DEFS = SCHEMA["$defs"]
NON_FINITE = [math.inf, -math.inf, math.nan, "1e400"]
BASES = {
    "lifecycle": {"name": "t", "model": "lifecycle"},
    "markov": {"name": "t", "model": "markov", "markov": {
        "states": ["customer", "lost"], "start": "customer",
        "transition": [[0.7, 0.3], [0.0, 1.0]], "reward": [10, 0], "discount_rate": 0.1}},
    "loyalty": {"name": "t", "model": "loyalty", "loyalty": {}},
}


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = DEFS[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _is_distribution(node: dict) -> bool:
    """A random quantity: one of the distributions (or a bare number standing for a constant)."""
    members = node.get("oneOf", []) + node.get("anyOf", [])
    if any(_resolve(m).get("title") in ("Constant", "PartialConstant") for m in members):
        return True
    return any(_is_distribution(member) for member in members)


def numeric_fields(node: dict, path: tuple = ()):
    """(path, schema, kind) of every numeric field: kind is 'number' or 'distribution'."""
    node = _resolve(node)
    if _is_distribution(node):
        yield path, node, "distribution"
        return
    for member in node.get("anyOf", []):
        if member.get("type") != "null":
            yield from numeric_fields(member, path)
    kind = node.get("type")
    if kind in ("number", "integer"):
        yield path, node, "number"
    elif kind == "object":
        for name, sub in node.get("properties", {}).items():
            yield from numeric_fields(sub, (*path, name))
    elif kind == "array":
        for index, sub in enumerate(node.get("prefixItems", [])):
            yield from numeric_fields(sub, (*path, index))
        if "items" in node:
            yield from numeric_fields(node["items"], (*path, 0))


def lower_bound(node: dict) -> float | None:
    values = [node[k] for k in ("minimum", "exclusiveMinimum", "ge", "gt") if k in node]
    return max(values) if values else None


def upper_bound(node: dict) -> float | None:
    values = [node[k] for k in ("maximum", "exclusiveMaximum", "le", "lt") if k in node]
    return min(values) if values else None


def scenario_with(path: tuple, value) -> dict:
    """A valid scenario of the model ``path`` belongs to, with ``value`` at ``path``."""
    model = path[0] if path and path[0] in ("markov", "loyalty") else "lifecycle"
    data = copy.deepcopy(BASES[model])
    target = data
    for depth, part in enumerate(path[:-1]):
        following = path[depth + 1]
        element = path[depth + 2] if depth + 2 < len(path) else None
        empty = [{}] if isinstance(element, str) else [0.5, 0.5]
        if isinstance(part, int):
            target = target[part]
        else:
            if target.get(part) is None:
                target[part] = empty if isinstance(following, int) else {}
            target = target[part]
    if isinstance(target, list):
        while len(target) <= path[-1]:
            target.append(0.5)
    target[path[-1]] = value
    return data


def refused(data: dict) -> bool:
    try:
        validate(data)
    except ScenarioError:
        return True
    return False


FIELDS = list(numeric_fields(SCHEMA))
NUMBERS = [(p, n) for p, n, kind in FIELDS if kind == "number"]
DISTRIBUTIONS = [(p, n) for p, n, kind in FIELDS if kind == "distribution"]


def _name(path: tuple) -> str:
    return ".".join(str(part) for part in path)


def test_the_walk_finds_the_numbers_of_every_model():
    models = {p[0] if p[0] in ("markov", "loyalty") else "lifecycle" for p, _ in NUMBERS}
    assert models == {"lifecycle", "markov", "loyalty"}
    assert len(NUMBERS) > 100 and len(DISTRIBUTIONS) > 30
    assert ("lifecycle", "market", "buyers", "order_rate") in {p for p, _ in DISTRIBUTIONS}


@pytest.mark.parametrize(("path", "node"), NUMBERS, ids=[_name(p) for p, _ in NUMBERS])
def test_every_number_has_a_documented_finite_range_and_refuses_what_lies_outside(path, node):
    low, high = lower_bound(node), upper_bound(node)
    assert low is not None and high is not None, f"{_name(path)}: no documented range"
    assert math.isfinite(low) and math.isfinite(high)
    for value in NON_FINITE:
        assert refused(scenario_with(path, value)), f"{_name(path)} accepts {value!r}"
    if low >= 0:
        assert refused(scenario_with(path, -1)), f"{_name(path)} accepts -1"


def test_negative_values_are_accepted_exactly_where_documented():
    negative = [p for p, n in NUMBERS if lower_bound(n) < 0]
    assert ("markov", "reward", 0) in negative  # a state can cost money
    assert ("lifecycle", "policy", "pursue_hurdle") in negative
    for path in negative:
        assert not refused(scenario_with(path, -1)), f"{_name(path)} documents -1 but refuses it"


DISTRIBUTION_FORMS = {
    "constant": {"dist": "constant", "value": 1.0},
    "normal": {"dist": "normal", "mean": 1.0, "sd": 0.1, "low": 0.5, "high": 1.0},
    "lognormal": {"dist": "lognormal", "median": 0.5, "sigma": 0.1},
    "uniform": {"dist": "uniform", "low": 0.5, "high": 1.0},
    "beta": {"dist": "beta", "a": 2.0, "b": 2.0},
    "triangular": {"dist": "triangular", "low": 0.2, "mode": 0.5, "high": 1.0},
}


@pytest.mark.parametrize(("path", "node"), DISTRIBUTIONS,
                         ids=[_name(p) for p, _ in DISTRIBUTIONS])
def test_every_random_quantity_refuses_non_finite_and_negative_values(path, node):
    for value in [*NON_FINITE, -1]:
        assert refused(scenario_with(path, value)), f"{_name(path)} accepts {value!r}"
    for form in DISTRIBUTION_FORMS.values():
        assert not refused(scenario_with(path, form)), f"{_name(path)} refuses {form}"
        for parameter in form:
            if parameter == "dist":
                continue
            for value in NON_FINITE:
                broken = {**form, parameter: value}
                assert refused(scenario_with(path, broken)), \
                    f"{_name(path)} accepts {parameter}={value!r} in {form['dist']}"
    negative = {"dist": "normal", "mean": 0.5, "sd": 0.2}  # no low: draws can be negative
    assert refused(scenario_with(path, negative)), f"{_name(path)} accepts negative draws"


def test_the_issues_runaway_values_are_refused_with_the_field_named():
    order_rate = ("lifecycle", "market", "buyers", "order_rate")
    cases = [
        (order_rate, {"dist": "lognormal", "median": math.inf, "sigma": 0.4}),
        (("horizon",), 0),
        (("lifecycle", "market", "suppliers", "capacity"), -5),
        (order_rate, 1e300),
    ]
    for path, value in cases:
        with pytest.raises(ScenarioError) as caught:
            validate(scenario_with(path, value))
        assert any(p.path.startswith(_name(path)) for p in caught.value.problems), caught.value


def test_samples_per_replication_are_bounded():
    with pytest.raises(ScenarioError, match="samples per replication"):
        validate({"name": "t", "model": "lifecycle", "horizon": 52000, "sample_every": 0.01})
    with pytest.raises(ScenarioError, match="horizon"):
        validate({"name": "t", "model": "lifecycle", "horizon": 1e9})
