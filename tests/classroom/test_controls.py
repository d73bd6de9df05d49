"""The classroom's controls write real scenario paths, and their YAML runs in dyadsim."""

from __future__ import annotations

import pytest
import yaml

import sim
from classroom.controls import (
    CONTROLS,
    apply_controls,
    control,
    control_values,
    overrides,
    scenario_yaml,
    start_values,
)
from classroom.lessons import schema_has_path
from sim.scenario import validate

MOVES = {"distance": 0.6, "attention": 0.3, "entry": 1, "entry_year": 3, "suppliers": 5,
         "marketing": 90, "alternatives": 0.6, "adaptation_hurdle": 4.0,
         "problem_solving": 0.8, "conflict_resolution": 0.2, "horizon": 4, "buyers": 50,
         "replications": 3}


def _leaves(data, prefix=""):
    """Flatten a dumped scenario to ``path: value`` (a distribution is one leaf)."""
    if isinstance(data, dict) and "dist" not in data:
        found = {}
        for key, value in data.items():
            found.update(_leaves(value, f"{prefix}.{key}" if prefix else key))
        return found
    return {prefix: data}


def test_every_control_moves_each_lesson_scenario():
    assert {c.name for c in CONTROLS} == set(MOVES)


@pytest.mark.parametrize("item", CONTROLS, ids=lambda c: c.name)
def test_each_control_names_paths_of_the_schema(item):
    assert item.paths and all(schema_has_path(path) for path in item.paths)
    assert item.label[0].isupper() and item.unit


@pytest.mark.parametrize("item", CONTROLS, ids=lambda c: c.name)
def test_moving_a_control_changes_only_its_own_paths(item):
    base = sim.load_scenario("baseline")
    values = dict(control_values(base), **{item.name: MOVES[item.name]})
    if item.name == "entry_year":
        values["entry"] = 1
    moved = apply_controls("baseline", values)
    before = _leaves(base.model_dump(mode="json", by_alias=True))
    after = _leaves(moved.model_dump(mode="json", by_alias=True))
    changed = {path for path in after if after[path] != before.get(path)}
    assert changed
    assert all(path.startswith(item.paths) for path in changed), changed


@pytest.mark.parametrize("item", [c for c in CONTROLS if c.kind == "slider"],
                         ids=lambda c: c.name)
def test_a_control_reads_back_the_value_it_wrote(item):
    values = dict(control_values(sim.load_scenario("baseline")), **{item.name: MOVES[item.name]})
    if item.name == "entry_year":
        values["entry"] = 1
    assert control_values(apply_controls("baseline", values))[item.name] == pytest.approx(
        MOVES[item.name], abs=0.01)


def test_lesson_scenarios_show_their_change_on_the_controls():
    assert control_values(sim.load_scenario("high_distance"))["distance"] == 1.0
    assert control_values(sim.load_scenario("neglect"))["attention"] == 0.1
    entry = control_values(sim.load_scenario("competitor_entry"))
    assert (entry["entry"], entry["entry_year"]) == (1.0, 5)
    assert control_values(sim.load_scenario("skilled_supplier"))["problem_solving"] == 0.9
    assert control_values(sim.load_scenario("weak_competition"))["suppliers"] == 6
    assert control_values(sim.load_scenario("adaptation_hurdle"))["adaptation_hurdle"] == 5.0
    assert control_values(sim.load_scenario("attractive_alternatives"))["alternatives"] == 0.65


def test_only_moved_controls_become_overrides_and_run_settings_stay_apart():
    base = sim.load_scenario("baseline")
    assert overrides(base, control_values(base)) == []
    values = dict(control_values(base), distance=0.5, replications=3)
    assert overrides(base, values, shared=True) == ["replications=3"]
    changes = overrides(base, values, shared=False)
    assert [text.split("=")[0] for text in changes] == ["lifecycle.market.suppliers.culture",
                                                         "lifecycle.market.suppliers.technology"]


def test_a_later_entry_keeps_the_scenarios_number_of_entrants():
    values = dict(control_values(sim.load_scenario("competitor_entry")), entry_year=3)
    moved = apply_controls("competitor_entry", values)
    assert moved.lifecycle.entry.times == [156.0, 208.0, 260.0]
    off = apply_controls("competitor_entry", dict(values, entry=0))
    assert off.lifecycle.entry.times == []


def test_the_app_starts_with_small_run_settings():
    values = start_values(sim.load_scenario("baseline"))
    assert (values["replications"], values["buyers"], values["horizon"]) == (6, 100, 10)


def test_downloaded_yaml_is_the_same_scenario():
    values = dict(control_values(sim.load_scenario("neglect")), **MOVES)
    moved = apply_controls("neglect", values)
    text = scenario_yaml(moved, "made from neglect\n--set horizon=4 years")
    assert text.startswith("# made from neglect\n# --set horizon=4 years\n")
    assert validate(yaml.safe_load(text)) == moved


def _dyadsim(*args) -> int:
    """Run the ``dyadsim`` command in this process; its exit code."""
    from sim.cli import main

    with pytest.raises(SystemExit) as stop:
        main([str(arg) for arg in args])
    return stop.value.code


def test_downloaded_yaml_is_accepted_by_dyadsim_validate_and_run(tmp_path, capsys):
    values = dict(control_values(sim.load_scenario("baseline")), distance=0.7, horizon=1,
                  buyers=20, replications=1, entry=1, entry_year=1)
    path = tmp_path / "mine.yaml"
    path.write_text(scenario_yaml(apply_controls("baseline", values), "from the classroom"))
    assert _dyadsim("validate", path) == 0, capsys.readouterr().err
    assert _dyadsim("run", path, "-w", "1", "--out", tmp_path / "out", "-q") == 0, (
        capsys.readouterr().err)
    manifest = sim.load_results(tmp_path / "out").manifest
    assert manifest["status"] == "complete"
    assert manifest["scenario"]["lifecycle"]["market"]["suppliers"]["culture"]["a"] == 4.1


def test_entry_switch_and_year_write_one_schedule():
    assert control("entry").paths == control("entry_year").paths == ("lifecycle.entry.times",)
