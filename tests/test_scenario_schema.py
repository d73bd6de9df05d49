"""The JSON Schema judges scenario files as the loader does (Draft 2020-12, standard keywords)."""

from __future__ import annotations

import jsonschema
import pytest
import yaml

from sim.scenario import (
    ScenarioError,
    bundled_dir,
    bundled_scenarios,
    load_scenario,
    scenario_json_schema,
)

SCHEMA = scenario_json_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

MARKOV = """
name: small
model: markov
markov:
  states: [customer, lost]
  start: customer
  transition: [[0.7, 0.3], [0.0, 1.0]]
  reward: [10, 0]
  discount_rate: 0.1
  customers: 500
"""

GOOD = {
    "competitor_in_year_3": "extends: baseline\nname: mine\n"
                            "lifecycle: {entry: {times: [3 years, 160]}}\n",
    "partial_attention": "extends: baseline\nlifecycle:\n  policy:\n"
                         "    attention: {long_term: 0.1, final: 0.1}\n",
    "part_of_a_distribution": "extends: baseline\nlifecycle:\n  market:\n    buyers:\n"
                              "      order_rate: {median: 13}\n",
    "durations_with_units": "extends: baseline\nhorizon: 26w\nsample_every: 2 weeks\n"
                            "lifecycle: {relationship: {trial: {period: 18 months}}}\n",
    "bare_number_for_a_random_quantity": "extends: baseline\nlifecycle:\n  market:\n"
                                         "    suppliers: {marketing_rate: 40, capacity: 60}\n",
    "explicit_distribution": "extends: baseline\nlifecycle:\n  market:\n    suppliers:\n"
                             "      quality: {dist: beta, a: 2, b: 5}\n",
    "whole_markov_file": MARKOV,
    "markov_in_part": "extends: markov_retention\nmarkov: {discount_rate: 0.2}\n",
    "whole_lifecycle_file_with_defaults": "name: defaults\nmodel: lifecycle\nhorizon: 2 years\n",
    "duration_in_days": "extends: loyalty_two_sellers\nhorizon: 300 days\n",
}

BAD = {
    "misspelt_header_key": MARKOV + "replicatons: 4\n",
    "misspelt_key_in_an_extending_file": "extends: baseline\nlifecycle: {markt: {}}\n",
    "text_for_a_count": "extends: baseline\nlifecycle: {market: {buyers: {count: many}}}\n",
    "no_model_and_no_extends": "name: lost\n",
    "markov_without_its_section": "name: m\nmodel: markov\n",
    "unreadable_duration": "extends: baseline\nhorizon: ten years\n",
    "negative_horizon": "extends: baseline\nhorizon: -5\n",
    "unknown_unit": "extends: baseline\nhorizon: 3 fortnights\n",
    "distribution_without_dist": "name: q\nmodel: lifecycle\nlifecycle:\n  market:\n"
                                 "    suppliers: {quality: {a: 2, b: 5}}\n",
    "unknown_distribution": "extends: baseline\nlifecycle:\n  market:\n    suppliers:\n"
                            "      quality: {dist: gamma, a: 2}\n",
    "zero_replications": MARKOV + "replications: 0\n",
    "unknown_model": "name: s\nmodel: spreadsheet\n",
    "extends_a_number": "extends: 3\nname: n\n",
    "share_above_one": "extends: baseline\nlifecycle: {relationship: {trial: {share: 1.5}}}\n",
}


def loader_accepts(path) -> bool:
    try:
        load_scenario(path)
    except ScenarioError:
        return False
    return True


def schema_accepts(path) -> bool:
    return VALIDATOR.is_valid(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def _keywords(node, found: set[str]) -> set[str]:
    """Every keyword used in schema positions (names under properties and $defs excluded)."""
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key in ("properties", "$defs"):
                for sub in value.values():
                    _keywords(sub, found)
            elif key not in ("const", "default", "enum", "examples"):
                _keywords(value, found)
    elif isinstance(node, list):
        for item in node:
            _keywords(item, found)
    return found


def test_the_schema_uses_only_standard_keywords():
    standard = {
        "$schema", "$defs", "$ref", "title", "description", "default", "type", "properties",
        "additionalProperties", "required", "items", "prefixItems", "anyOf", "oneOf", "allOf",
        "if", "then", "else", "not", "const", "enum", "minimum", "maximum", "exclusiveMinimum",
        "exclusiveMaximum", "minItems", "maxItems", "minLength", "maxLength", "pattern",
        "uniqueItems", "minProperties", "maxProperties", "propertyNames", "examples"}
    assert _keywords(SCHEMA, set()) - standard == set()


@pytest.mark.parametrize("name", [name for name, _ in bundled_scenarios()])
def test_every_bundled_scenario_passes_the_schema(name):
    path = bundled_dir() / f"{name}.yaml"
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(
        yaml.safe_load(path.read_text(encoding="utf-8")))]
    assert errors == []


@pytest.mark.parametrize("name", sorted({*GOOD, *BAD}))
def test_schema_and_loader_agree_on_each_file_of_the_corpus(name, tmp_path):
    path = tmp_path / f"{name}.yaml"
    path.write_text(GOOD.get(name) or BAD[name], encoding="utf-8")
    expected = name in GOOD
    assert (loader_accepts(path), schema_accepts(path)) == (expected, expected)


def test_schema_describes_durations_as_numbers_or_strings_with_a_unit():
    horizon = SCHEMA["$defs"]["Scenario"]["properties"]["horizon"]
    kinds = {branch["type"] for branch in horizon["anyOf"]}
    assert kinds == {"number", "string"}
    assert "weeks" in horizon["description"]
