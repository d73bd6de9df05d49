"""Story and scenario section of the lifecycle model."""

from __future__ import annotations

import numpy as np
import pytest
from lifecycle_runs import small_scenario
from pydantic import ValidationError

from sim.models.lifecycle import LifecycleConfig, simulate
from sim.models.lifecycle.story import pick_pair, tell_story


@pytest.fixture(scope="module")
def told():
    scenario = small_scenario(market={"buyers": {"count": 60}})
    scenario = scenario.model_copy(update={"horizon": 260.0})
    runs = [simulate(scenario, np.random.SeedSequence(r), events=True) for r in range(3)]
    return scenario, runs


def test_story_follows_one_developed_relationship_week_by_week(told):
    _, runs = told
    pairs, events = runs[0]["pairs"], runs[0]["events"]
    buyer, supplier = pick_pair(pairs)
    assert buyer.startswith("B") and supplier[0] in "SE"
    chosen = pairs[(pairs["buyer"] == buyer) & (pairs["supplier"] == supplier)]
    assert chosen["furthest_stage"].isin(["development", "long_term", "final"]).any()
    assert pick_pair(pairs) == (buyer, supplier)
    lines = tell_story(events, pairs, buyer, supplier)
    assert all(line.startswith(("week ", "weeks ")) for line in lines[:-1])
    assert any("pre-relationship -> early" in line for line in lines)
    assert any("trust" in line and "->" in line for line in lines)


def test_story_of_unknown_pair_is_an_error(told):
    _, runs = told
    with pytest.raises(ValueError, match="no relationship"):
        tell_story(runs[0]["events"], runs[0]["pairs"], "B0", "S0")


def test_default_section_is_valid_and_every_field_is_described():
    LifecycleConfig()

    def walk(model):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"
            annotation = field.annotation
            if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                walk(annotation)

    walk(LifecycleConfig)


@pytest.mark.parametrize("section, message", [
    ({"market": {"buyers": {"cont": 3}}}, "cont"),
    ({"policy": {"adaptation_trust": 1.3}}, "less than or equal to 1"),
    ({"relationship": {"review_interval": {"early": "-2w"}}}, "review_interval"),
    ({"entry": {"rate": -1}}, "greater than or equal to 0"),
])
def test_bad_values_are_rejected(section, message):
    with pytest.raises(ValidationError, match=message):
        LifecycleConfig.model_validate(section)
