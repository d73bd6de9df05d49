"""docs/scenarios.md: every field of every model, from the schema's descriptions, and a cookbook."""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

import pytest

from sim.scenario import load_scenario, scenario_json_schema

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))
import make_scenarios_page as page  # noqa: E402

SCHEMA = scenario_json_schema()
TEXT = page.PAGE.read_text(encoding="utf-8")


def test_every_field_of_every_definition_has_a_description():
    missing = [f"{name}.{field}" for name, definition in SCHEMA["$defs"].items()
               for field, sub in definition.get("properties", {}).items()
               if not sub.get("description")]
    assert missing == []
    assert page.missing_descriptions(SCHEMA) == []


def test_a_field_without_a_description_is_reported_by_its_path():
    broken = copy.deepcopy(SCHEMA)
    del broken["$defs"]["Trial"]["properties"]["share"]["description"]
    assert page.missing_descriptions(broken) == ["lifecycle.relationship.trial.share"]


def test_the_page_is_current_regenerate_with_make_scenarios_page():
    assert page.render(TEXT, SCHEMA) == TEXT, "run: python docs/make_scenarios_page.py"


def test_the_page_lists_every_field_of_every_model():
    paths = [path for path, *_ in page.field_rows(SCHEMA)]
    assert len(paths) > 120
    for prefix in ("lifecycle.market.buyers.", "lifecycle.relationship.trial.", "markov.",
                   "loyalty.", "lifecycle.policy.attention."):
        assert any(p.startswith(prefix) for p in paths), prefix
    for path in paths:
        assert f"| `{path}` |" in TEXT, path


def test_field_rows_say_what_a_field_takes_and_its_default():
    rows = {path: (kind, default) for path, kind, default, _ in page.field_rows(SCHEMA)}
    assert rows["horizon"] == ("duration (weeks) in (0, 52000]", "`520`")
    assert rows["lifecycle.market.suppliers.capacity"] == ("random quantity", "`60`")
    assert rows["lifecycle.market.buyers.order_rate"] == (
        "random quantity", "`{dist: lognormal, median: 26, sigma: 0.4}`")
    assert rows["lifecycle.relationship.trial.period"][0] == "random duration (weeks)"
    assert rows["lifecycle.relationship.trial.share"] == ("number in [0, 1]", "`0.2`")
    assert rows["markov.states"] == ("list of string", "required")


def _cookbook() -> str:
    return TEXT.split("## What-if cookbook", 1)[1].split("\n## ", 1)[0]


def test_cookbook_covers_entry_attention_distance_and_skills_with_exact_paths():
    cookbook = _cookbook()
    for topic in ("competitor enters", "attention", "Distance", "skills"):
        assert topic in cookbook
    fields = {path for path, *_ in page.field_rows(SCHEMA)}
    named = set(re.findall(r"`(lifecycle\.[a-z_.]+)`", cookbook))
    assert len(named) >= 8
    sections = {p.rsplit(".", 1)[0] for p in fields} | {
        p.rsplit(".", 2)[0] for p in fields}
    assert [p for p in named if p not in fields and p not in sections] == []


@pytest.mark.parametrize("name", ["entry_year_3", "attention_doubled", "distant_suppliers",
                                  "skilled_suppliers"])
def test_each_cookbook_file_loads_and_changes_the_baseline(name, tmp_path):
    block = re.search(rf"```yaml\n# {name}\.yaml\n(.*?)```", _cookbook(), flags=re.S)
    assert block, name
    path = tmp_path / f"{name}.yaml"
    path.write_text(block[1], encoding="utf-8")
    what_if, baseline = load_scenario(path), load_scenario("baseline")
    assert what_if.name == name
    assert what_if.lifecycle != baseline.lifecycle
    assert what_if.horizon == baseline.horizon
