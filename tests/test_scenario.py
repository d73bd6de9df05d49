"""The scenario schema: loading, line-located errors, extends and overrides."""

from __future__ import annotations

import json

import pytest

from sim.scenario import (
    ScenarioError,
    bundled_scenarios,
    load_scenario,
    scenario_json_schema,
)


def problems_of(path, overrides=()):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, overrides)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("name", [name for name, _ in bundled_scenarios()])
def test_every_bundled_scenario_is_valid_and_described(name):
    scenario = load_scenario(name)
    assert scenario.name
    assert len(scenario.description) > 20


def test_bundled_scenario_found_by_name_and_by_path(small_markov):
    assert load_scenario("markov_retention").markov.states == ["customer", "lost"]
    assert load_scenario(small_markov).name == "small"


def test_unknown_key_names_file_line_and_suggests_the_right_one(write_yaml, small_markov):
    text = small_markov.read_text().replace("  customers: 2000", "  custmers: 2000")
    path = write_yaml("typo.yaml", text)
    lines = problems_of(path)
    line_no = text.splitlines().index("  custmers: 2000") + 1
    assert lines == [f"{path}:{line_no}: markov.custmers: unknown key 'custmers'; "
                     "did you mean 'customers'?"]


def test_problems_inside_lists_are_located_at_their_own_line(write_yaml):
    path = write_yaml("bad.yaml", """
        name: bad
        model: markov
        markov:
          states: [a, b]
          start: a
          transition:
            - [0.5, 0.5]
            - [-0.1,
               1.1]
          reward: [1, 0]
          discount_rate: 0.1
        """)
    lines = problems_of(path)
    assert f"{path}:8: markov.transition[1][0]: must be greater than or equal to 0, got -0.1" \
        in lines
    assert f"{path}:9: markov.transition[1][1]: must be less than or equal to 1, got 1.1" in lines


def test_all_problems_are_reported_not_just_the_first(write_yaml):
    path = write_yaml("many.yaml", """
        name: many
        model: markov
        replications: 0
        seed: -3
        markov:
          states: [a, b]
          start: c
          transition:
            - [0.5, 0.6]
            - [0.0, 1.0]
          reward: [1, 2, 3]
          discount_rate: cheap
        """)
    lines = problems_of(path)
    fields = [line.split(": ")[1] for line in lines]
    assert fields == ["replications", "seed", "markov.start", "markov.transition[0]",
                      "markov.reward", "markov.discount_rate"]
    assert lines[0].startswith(f"{path}:3: ")
    assert "sums to 1.1" in lines[3]
    assert "needs 2 values" in lines[4]


def test_missing_required_field_and_missing_section(write_yaml):
    path = write_yaml("missing.yaml", """
        name: incomplete
        model: markov
        """)
    assert problems_of(path) == [f"{path}:1: model 'markov' needs a 'markov:' section"]
    path = write_yaml("nostart.yaml", """
        name: incomplete
        model: markov
        markov:
          states: [a, b]
          transition: [[1, 0], [0, 1]]
          reward: [1, 0]
          discount_rate: 0.1
        """)
    assert problems_of(path) == [f"{path}:3: markov.start: required field is missing"]


def test_unknown_model_is_an_error_at_its_line(write_yaml):
    path = write_yaml("model.yaml", "name: x\nmodel: markovv\n")
    [line] = problems_of(path)
    assert line.startswith(f"{path}:2: model: must be 'markov', 'lifecycle' or 'loyalty'")


def test_malformed_yaml_gives_one_line_with_position(write_yaml):
    path = write_yaml("broken.yaml", "name: x\nmodel: [markov\nseed: 1\n")
    [line] = problems_of(path)
    assert line.startswith(f"{path}:") and "malformed YAML" in line


def test_duplicate_keys_are_errors(write_yaml):
    path = write_yaml("dup.yaml", "name: x\nseed: 1\nseed: 2\n")
    assert problems_of(path) == [f"{path}:3: seed: duplicate key"]


def test_yaml_never_constructs_python_objects(write_yaml):
    path = write_yaml("evil.yaml", "name: !!python/object/apply:os.system ['true']\n")
    [line] = problems_of(path)
    assert "malformed YAML" in line


def test_missing_file_and_unknown_bundled_name():
    assert problems_of("no/such/file.yaml") == ["no/such/file.yaml: no such file"]
    assert problems_of("markov_retenton") == [
        "markov_retenton: no such file or bundled scenario; did you mean 'markov_retention'?"
    ]


def test_extends_deep_merges_relative_to_the_file(write_yaml, small_markov, monkeypatch):
    monkeypatch.chdir(small_markov.parent)  # '../' may go up to the current folder
    (small_markov.parent / "variants").mkdir()
    child = write_yaml("variants/child.yaml", """
        extends: ../small.yaml
        name: child
        markov:
          discount_rate: 0.25
        """)
    scenario = load_scenario(child)
    assert scenario.name == "child"
    assert scenario.markov.discount_rate == 0.25
    assert scenario.markov.customers == 2000  # inherited
    assert scenario.seed == 7


def test_extends_errors_point_to_the_file_that_holds_the_value(write_yaml, small_markov):
    child = write_yaml("child.yaml", """
        extends: small.yaml
        markov:
          discount_rate: -1
        """)
    assert problems_of(child) == [
        f"{child}:3: markov.discount_rate: must be greater than or equal to 0, got -1"
    ]
    child = write_yaml("child2.yaml", "extends: small.yaml\nname: two\n")
    lines = problems_of(child, ["markov.customers=0"])
    assert lines == ["--set markov.customers=0: markov.customers: must be greater than or "
                     "equal to 1, got 0"]


def test_extends_cycles_urls_and_missing_files_are_reported(write_yaml):
    a = write_yaml("a.yaml", "name: a\nextends: b.yaml\n")
    b = write_yaml("b.yaml", "extends: a.yaml\nname: b\n")
    assert problems_of(b) == [f"{a}:2: extends: cycle: b.yaml -> a.yaml -> b.yaml"]
    url = write_yaml("url.yaml", "extends: https://example.org/x.yaml\nname: u\n")
    assert problems_of(url) == [f"{url}:1: extends: must be a bundled scenario name or the "
                                "path of a local YAML file"]
    gone = write_yaml("gone.yaml", "name: g\nextends: nothere.yaml\n")
    [line] = problems_of(gone)
    assert line.startswith(f"{gone}:2: extends: no such file or bundled scenario: "
                           "'nothere.yaml'")
    assert "dyadsim list" in line


def test_overrides_are_type_checked_and_can_reach_into_lists(small_markov):
    scenario = load_scenario(small_markov, ["markov.discount_rate=0.3", "seed=11",
                                            "markov.reward[0]=12.5", "markov.periods=5",
                                            "horizon=2 years"])
    assert scenario.markov.discount_rate == 0.3
    assert scenario.seed == 11
    assert scenario.markov.reward == [12.5, 0]
    assert scenario.markov.periods == 5
    assert scenario.horizon == 104
    assert problems_of(small_markov, ["markov.discount_rate=high"]) == [
        "--set markov.discount_rate=high: markov.discount_rate: must be a valid number, "
        "unable to parse string as a number, got 'high'"
    ]


def test_overrides_on_paths_that_do_not_exist_are_errors(small_markov):
    assert problems_of(small_markov, ["markov.discout_rate=0.1"]) == [
        "--set markov.discout_rate=0.1: markov.discout_rate: no such field; "
        "did you mean 'discount_rate'?"
    ]
    assert problems_of(small_markov, ["markov.reward[5]=1"]) == [
        "--set markov.reward[5]=1: markov.reward[5]: no such list item"
    ]
    assert problems_of(small_markov, ["nonsense"]) == [
        "--set nonsense: cannot read override: expected path=value"
    ]


def test_json_schema_documents_fields_with_descriptions():
    schema = scenario_json_schema()
    json.dumps(schema)
    assert schema["properties"]["horizon"]["description"].endswith("accepted)")
    assert "weeks" in schema["properties"]["horizon"]["description"]
    markov = schema["$defs"]["MarkovConfig"]["properties"]
    assert all("description" in field for field in markov.values())
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("name", ["baseline", "baseline.yaml"])
def test_extends_finds_a_bundled_scenario_by_name_from_any_folder(write_yaml, name):
    child = write_yaml("mine.yaml", f"""
        extends: {name}
        name: mine
        lifecycle:
          market:
            suppliers: {{count: 5}}
        """)
    scenario = load_scenario(child)
    baseline = load_scenario("baseline")
    assert scenario.name == "mine" and scenario.model == "lifecycle"
    assert scenario.lifecycle.market.suppliers.count == 5
    assert scenario.lifecycle.market.buyers == baseline.lifecycle.market.buyers
    assert scenario.horizon == baseline.horizon


def test_a_file_next_to_the_scenario_comes_before_a_bundled_one(write_yaml, small_markov):
    write_yaml("baseline.yaml", small_markov.read_text())
    child = write_yaml("child.yaml", "extends: baseline.yaml\nname: child\n")
    assert load_scenario(child).model == "markov"  # the file beside it
    child = write_yaml("child.yaml", "extends: baseline\nname: child\n")
    assert load_scenario(child).model == "lifecycle"  # no file 'baseline': the bundled one


def test_extends_out_of_the_folder_needs_the_users_permission(tmp_path, write_yaml,
                                                               small_markov, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    secret = elsewhere / "secret.yaml"
    secret.write_text(small_markov.read_text() + "api_token: hunter2-very-secret\n")
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    child = project / "child.yaml"
    for target in (str(secret), "../elsewhere/secret.yaml"):
        child.write_text(f"extends: {target}\nname: child\n")
        [line] = problems_of(child)
        assert line.startswith(f"{child}:1: extends: ")
        assert "outside the current folder and the scenario's" in line
        assert "DYADSIM_EXTENDS_ANYWHERE=1" in line
    # allowed on request; the foreign file's key is named, its value is not repeated
    with pytest.raises(ScenarioError) as caught:
        load_scenario(child, extends_anywhere=True)
    assert "hunter2" not in str(caught.value)
    assert [p.path for p in caught.value.problems] == ["api_token"]
    monkeypatch.setenv("DYADSIM_EXTENDS_ANYWHERE", "1")
    [line] = problems_of(child)
    assert line.endswith("api_token: unknown key 'api_token'")
