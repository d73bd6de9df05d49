"""Each control's whole range is a valid scenario, and each control writes what it says."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

import sim
from classroom.controls import (
    APP_LIMITS,
    CONTROLS,
    apply_controls,
    control,
    control_values,
    entry_overrides,
    overrides,
    scenario_yaml,
    start_values,
)
from classroom.lessons import lessons
from sim.units import Beta, Normal

SLIDERS = [c for c in CONTROLS if c.kind == "slider"]
LESSON_SCENARIOS = ["baseline", *(item.scenario for item in lessons())]


@pytest.fixture(scope="module")
def baseline():
    return sim.load_scenario("baseline")


def grid(item):
    steps = round((item.high - item.low) / item.step)
    return [round(item.low + k * item.step, 6) for k in range(steps + 1)]


@pytest.mark.parametrize("item", CONTROLS, ids=lambda c: c.name)
def test_a_control_range_is_a_whole_number_of_steps(item):
    assert item.low < item.high and item.step > 0
    steps = (item.high - item.low) / item.step
    assert steps == pytest.approx(round(steps), abs=1e-9)
    assert item.kind in ("slider", "switch")


@pytest.mark.parametrize("item", SLIDERS, ids=lambda c: c.name)
def test_every_value_a_slider_can_take_is_a_valid_scenario_that_reads_back(item, baseline):
    start = control_values(baseline)
    for value in grid(item):
        values = dict(start, **{item.name: value}, entry=1)
        moved = sim.load_scenario("baseline", overrides(baseline, values))  # the schema checks
        assert control_values(moved)[item.name] == pytest.approx(value, abs=1e-9), value


@pytest.mark.parametrize("name", LESSON_SCENARIOS)
def test_every_lesson_scenario_starts_inside_every_control_range(name):
    values = control_values(sim.load_scenario(name))
    outside = {c.name: values[c.name] for c in CONTROLS if not c.low <= values[c.name] <= c.high}
    assert outside == {}


def test_distance_moves_suppliers_from_the_buyers_culture_to_another_one(baseline):
    def shapes(value):
        moved = apply_controls("baseline", dict(control_values(baseline), distance=value))
        suppliers = moved.lifecycle.market.suppliers
        return [(axis.a, axis.b) for axis in (suppliers.culture, suppliers.technology)]

    assert shapes(1.0) == [(5.0, 1.5), (5.0, 1.5)]  # the high_distance scenario's suppliers
    assert shapes(0.5) == [(3.5, 1.75), (3.5, 1.75)]
    near = apply_controls("baseline", dict(control_values(baseline), distance=0.0, entry=1))
    assert isinstance(near.lifecycle.market.suppliers.culture, Beta)
    assert (near.lifecycle.market.suppliers.culture.a,
            near.lifecycle.market.suppliers.culture.b) == (2.0, 2.0)


@pytest.mark.parametrize(("scenario", "strength"), [("baseline", 10.0),
                                                     ("skilled_supplier", 20.0)])
def test_a_skill_control_moves_the_mean_and_keeps_the_spread_of_the_scenario(scenario,
                                                                              strength):
    base = sim.load_scenario(scenario)
    moved = apply_controls(scenario, dict(control_values(base), problem_solving=0.3))
    skill = moved.lifecycle.skills.problem_solving
    assert (skill.a, skill.b) == pytest.approx((0.3 * strength, 0.7 * strength))
    assert moved.lifecycle.skills.conflict_resolution == base.lifecycle.skills.conflict_resolution


def test_outside_options_move_their_mean_and_keep_their_spread_and_bounds(baseline):
    moved = apply_controls("baseline", dict(control_values(baseline), alternatives=0.7))
    alternative = moved.lifecycle.market.buyers.alternative_value
    assert isinstance(alternative, Normal)
    assert (alternative.mean(), alternative.sd) == pytest.approx((0.7, 0.08), abs=0.005)
    assert (alternative.low, alternative.high) == (0, 1)


def test_attention_is_written_to_both_later_stages_and_nowhere_else(baseline):
    changes = overrides(baseline, dict(control_values(baseline), attention=0.35))
    assert changes == ["lifecycle.policy.attention.long_term=0.35",
                       "lifecycle.policy.attention.final=0.35"]


def test_a_competitor_entry_is_one_schedule_from_its_switch_and_year(baseline):
    assert entry_overrides(False, 4, baseline) == ["lifecycle.entry.times=[]"]
    assert entry_overrides(True, 4, baseline) == ["lifecycle.entry.times=[4 years]"]
    values = control_values(baseline)
    assert values["entry"] == 0.0
    assert overrides(baseline, dict(values, entry_year=9)) == []  # no entry: the year waits
    assert overrides(baseline, dict(values, entry=1, entry_year=9)) == [
        "lifecycle.entry.times=[9 years]"]
    switched = apply_controls("baseline", dict(values, entry=1, entry_year=2))
    assert switched.lifecycle.entry.times == [104.0]


def test_run_settings_and_the_change_are_written_apart(baseline):
    values = dict(control_values(baseline), horizon=3, buyers=60, suppliers=8, entry=1)
    shared = overrides(baseline, values, shared=True)
    change = overrides(baseline, values, shared=False)
    assert shared == ["horizon=3 years", "lifecycle.market.buyers.count=60"]
    assert change == ["lifecycle.market.suppliers.count=8", "lifecycle.entry.times=[5 years]"]
    assert overrides(baseline, values) == change[:1] + shared + change[1:]
    reference = apply_controls("baseline", values, shared=True)
    assert (reference.horizon, reference.lifecycle.market.suppliers.count) == (
        3 * 52.0, baseline.lifecycle.market.suppliers.count)


def test_values_of_unknown_controls_are_ignored_and_unknown_names_refused(baseline):
    assert overrides(baseline, {"colour": 3.0}) == []
    with pytest.raises(KeyError):
        control("colour")


def test_the_app_caps_large_run_settings_and_keeps_small_ones():
    small = sim.load_scenario("baseline", ["replications=3", "lifecycle.market.buyers.count=40"])
    values = start_values(small)
    assert (values["replications"], values["buyers"]) == (3, 40)
    large = start_values(sim.load_scenario("baseline", ["replications=30",
                                                        "lifecycle.market.buyers.count=250"]))
    assert (large["replications"], large["buyers"]) == (6, 100)  # a first answer in seconds
    assert set(APP_LIMITS) == {"replications", "buyers"}


def test_a_downloaded_scenario_holds_its_header_and_only_what_differs_from_the_defaults(
        baseline):
    moved = apply_controls("baseline", dict(control_values(baseline), distance=1.0))
    data = yaml.safe_load(scenario_yaml(moved))
    assert list(data)[:6] == ["name", "description", "model", "horizon", "replications",
                              "seed"]
    culture = data["lifecycle"]["market"]["suppliers"]["culture"]
    assert culture == {"dist": "beta", "a": 5.0, "b": 1.5, "low": 0.0, "high": 1.0}  # whole
    default = sim.scenario.Scenario(name="x", model="lifecycle").model_dump(mode="json")
    policy = data["lifecycle"].get("policy", {})
    assert all(policy[key] != default["lifecycle"]["policy"][key] for key in policy)
    assert sim.scenario.validate(data) == moved


def test_a_note_becomes_comment_lines_and_blank_lines_are_dropped(baseline):
    text = scenario_yaml(baseline, "first line\n\n  \nsecond line")
    assert text.splitlines()[:3] == ["# first line", "# second line", "name: baseline"]


def test_every_lesson_scenario_downloads_as_itself(tmp_path):
    for name in LESSON_SCENARIOS:
        scenario = sim.load_scenario(name)
        path = tmp_path / f"{name}.yaml"
        path.write_text(scenario_yaml(scenario))
        assert sim.load_scenario(path) == scenario, name
        assert np.isfinite(list(control_values(scenario).values())).all()
