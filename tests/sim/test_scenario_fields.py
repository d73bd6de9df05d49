"""Scenario defaults, --set on every kind of path, focal names and checks across fields."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.scenario import (
    MAX_SAMPLES,
    ScenarioError,
    bundled_scenarios,
    find_scenario,
    load_scenario,
    validate,
)

MINIMAL = {"name": "m", "model": "markov",
           "markov": {"states": ["a", "b"], "start": "a", "transition": [[1, 0], [0, 1]],
                      "reward": [1, 0], "discount_rate": 0.1}}


def problems(name, overrides=()) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(name, overrides)
    return [str(p) for p in caught.value.problems]


def test_a_scenario_gives_only_what_differs_from_the_defaults():
    scenario = validate(MINIMAL)
    assert (scenario.horizon, scenario.replications, scenario.seed) == (520.0, 20, 0)
    assert (scenario.sample_every, scenario.timeout, scenario.money_unit) == (4.0, None, "money")
    assert scenario.description == "" and scenario.focal is None
    assert scenario.section is scenario.markov
    assert scenario.loyalty is None and scenario.lifecycle is not None  # always has defaults


def test_the_resolved_scenario_validates_again_to_itself():
    # resume validates the scenario stored in the manifest; it must come back the same
    scenario = load_scenario("baseline")
    dumped = scenario.model_dump(mode="json", by_alias=True)
    assert validate(dumped) == scenario


@pytest.mark.parametrize(("override", "read"), [
    ("markov.reward[-1]=5", lambda s: s.markov.reward == [10, 5]),
    ("markov.reward=[4, 5]", lambda s: s.markov.reward == [4, 5]),
    ("markov.transition[0]=[0.5, 0.5]", lambda s: s.markov.transition[0] == [0.5, 0.5]),
    ("horizon=18 months", lambda s: s.horizon == 78.0),
    ("timeout=2.5", lambda s: s.timeout == 2.5),
    ("timeout=null", lambda s: s.timeout is None),
    ("description=", lambda s: s.description == ""),
    ("money_unit=EUR thousand", lambda s: s.money_unit == "EUR thousand"),
    ("lifecycle.market.buyers.count=7", lambda s: s.lifecycle.market.buyers.count == 7),
])
def test_set_reaches_any_field_of_the_schema(small_markov, override, read):
    assert read(load_scenario(small_markov, [override]))


def test_set_writes_a_section_the_file_does_not_have(small_markov):
    scenario = load_scenario(small_markov, ["lifecycle.entry.times=[1 year, 3 years]",
                                            "lifecycle.economics.discount_rate=0.2"])
    assert scenario.lifecycle.entry.times == [52.0, 156.0]
    assert scenario.lifecycle.economics.discount_rate == 0.2
    assert scenario.lifecycle.market.buyers.count == load_scenario(small_markov).lifecycle. \
        market.buyers.count  # the rest of the section keeps its defaults


def test_a_distribution_is_set_in_the_same_syntax_as_in_a_file():
    scenario = load_scenario("baseline", [
        "lifecycle.market.suppliers.quality={dist: beta, a: 2, b: 5}"])
    quality = scenario.lifecycle.market.suppliers.quality
    assert (quality.dist, quality.a, quality.b) == ("beta", 2.0, 5.0)


def test_overrides_apply_in_order_the_last_one_wins(small_markov):
    scenario = load_scenario(small_markov, ["seed=1", "markov.reward=[1, 2, 3]", "seed=2",
                                            "markov.reward=[4, 5]"])
    assert scenario.seed == 2 and scenario.markov.reward == [4, 5]


@pytest.mark.parametrize(("override", "problem"), [
    ("seed.x=1", "seed: is not a section"),
    ("seed.x.y=1", "seed: is not a section"),
    ("markov.reward[0].x.y=1", "markov.reward[0]: is not a section"),
    ("markov.reward[0].x=1", "markov.reward[0]: is not a section"),
    ("markov.reward[x]=1", "cannot read override: bad index [x] in the key 'markov.reward[x]'"),
    ("markov..reward=[1]", "cannot read override: the key 'markov..reward' has an empty part "
                           "between two dots"),
    (".seed=1", "cannot read override: the key '.seed' starts with a dot"),
    ("seed.=1", "cannot read override: the key 'seed.' ends with a dot"),
    ("se ed=1", "cannot read override: the key 'se ed' has a space in it"),
    ("markov. reward=[1]", "cannot read override: the key 'markov. reward' has a space in it"),
    ("markov.reward[0=1", "cannot read override: the key 'markov.reward[0' has a bracket out "
                          "of place in 'reward[0' (a list item is written name[0])"),
    ("markov.reward[0]x=1", "cannot read override: the key 'markov.reward[0]x' has a bracket "
                            "out of place in 'reward[0]x' (a list item is written name[0])"),
    ("[0]=1", "cannot read override: the key '[0]' has a bracket out of place (a list item is "
              "written name[0])"),
    ("=1", "cannot read override: empty path"),
    ("markov.reward[0]", "cannot read override: expected path=value"),
    ("focal[0]=S1", "focal[0]: no such list item"),
    ("markov.reward[-3]=1", "markov.reward[-3]: no such list item"),
    ("markov.transition[2][0]=1", "markov.transition[2]: no such list item"),
    ("markov=5", "markov: must be a valid dictionary or instance of MarkovConfig, got 5"),
    ("lifecycle.market.buyer.count=5",
     "lifecycle.market.buyer: no such field; did you mean 'buyers'?"),
    ("lifecycle.markets.buyers.count=5",
     "lifecycle.markets: no such field; did you mean 'market'?"),
    ("zzz=1", "zzz: no such field"),
    ("markov.reward=[1, [2", "cannot read override: expected ',' or ']', but got "
                             "'<stream end>'"),
])
def test_a_bad_override_is_one_problem_naming_the_option_and_the_path(small_markov, override,
                                                                      problem):
    assert problems(small_markov, [override]) == [f"--set {override}: {problem}"]


def test_every_bad_value_of_the_overrides_is_reported_with_its_own_option(small_markov):
    lines = problems(small_markov, ["replications=0", "seed=-1", "timeout=0"])
    assert lines == ["--set replications=0: replications: must be greater than or equal to 1, "
                     "got 0",
                     "--set seed=-1: seed: must be greater than or equal to 0, got -1",
                     "--set timeout=0: timeout: must be greater than 0, got 0"]


def test_a_long_value_is_shortened_in_the_message(small_markov):
    [line] = problems(small_markov, ["name=" + "x" * 300])
    assert line.endswith("name: String should have at most 200 characters, got '" +
                         "x" * 56 + "...")  # 60 characters


@pytest.mark.parametrize(("overrides", "problem"), [
    (["timeout=3000000"], "timeout: must be less than or equal to 2592000"),
    (["horizon=1001 years"], "horizon: must be less than or equal to 52000"),
    (["sample_every=0"], "sample_every: must be greater than 0"),
    (["money_unit="], "money_unit: String should have at least 1 character"),
    (["focal=[]"], "focal: List should have at least 1 item"),
    (["model=lifecycle", "name=[a]"], "name: must be a valid string"),
])
def test_header_fields_keep_their_documented_ranges(small_markov, overrides, problem):
    [line] = problems(small_markov, overrides)
    assert problem in line


def test_too_many_samples_per_replication_is_refused_with_the_count(small_markov):
    [line] = problems(small_markov, ["horizon=1000 years", "sample_every=1 day"])
    assert line.endswith(f"horizon / sample_every gives 364,000 samples per replication, more "
                         f"than {MAX_SAMPLES:,}; sample less often")
    assert load_scenario(small_markov, ["horizon=1000 years", "sample_every=0.52"])  # 100,000


def test_the_loyalty_model_needs_a_horizon_of_at_least_a_day():
    assert load_scenario("loyalty_two_sellers", ["horizon=0.1"]).horizon == 0.1  # 0.7 days: 1
    [line] = problems("loyalty_two_sellers", ["horizon=0.05"])
    assert "the loyalty model steps by days and needs at least 1" in line


def test_a_model_without_its_section_is_refused():
    assert problems("baseline", ["model=loyalty"])[0].endswith(
        "model 'loyalty' needs a 'loyalty:' section")


# ---------------------------------------------------------------- focal suppliers


def test_focal_names_must_be_suppliers_a_run_can_have():
    lines = problems("baseline", ["focal=[S13, E1, X1, S0, S12, S1]"])
    origin = "--set focal=[S13, E1, X1, S0, S12, S1]"
    assert lines == [
        f"{origin}: focal[0]: no supplier is called 'S13'; the incumbent suppliers are S1..S12",
        f"{origin}: focal[1]: no supplier is called 'E1'; the entrants are none",
        f"{origin}: focal[2]: no supplier is called 'X1'; suppliers are S1, S2, ... and "
        "entrants E1, ...",
        f"{origin}: focal[3]: no supplier is called 'S0'; suppliers are S1, S2, ... and "
        "entrants E1, ...",
    ]


def test_entrants_are_known_by_their_entry_times_and_any_is_allowed_with_random_entry():
    times = "lifecycle.entry.times=[1 year, 2 years]"
    assert load_scenario("baseline", ["focal=[E2, S1]", times]).focal == ["E2", "S1"]
    assert problems("baseline", ["focal=[E3]", times])[0].endswith("the entrants are E1..E2")
    assert load_scenario("baseline", ["focal=[E40]", "lifecycle.entry.rate=0.5"]).focal


def test_a_listed_market_gives_as_many_incumbents_as_it_lists(write_yaml):
    path = write_yaml("listed.yaml", """
        extends: baseline
        name: listed
        focal: [S2, S3]
        lifecycle:
          market:
            supplier_list:
              - {quality: 0.9}
              - {quality: 0.8}
        """)
    [line] = problems(path)
    assert line == (f"{path}:3: focal[1]: no supplier is called 'S3'; the incumbent suppliers "
                    "are S1..S2")


def test_focal_names_belong_to_the_lifecycle_model_only(write_yaml, small_markov):
    path = write_yaml("f.yaml", "extends: small.yaml\nfocal:\n  - S1\n")
    assert problems(path) == [f"{path}:3: focal[0]: names suppliers of the lifecycle model; the "
                              "markov model has none"]


# ---------------------------------------------------------------- finding scenarios


def test_a_name_far_from_every_bundled_one_lists_them_all():
    [line] = problems("qqqqqq")
    names = [name for name, _ in bundled_scenarios()]
    assert line == f"qqqqqq: no such file or bundled scenario; bundled: {', '.join(names)}"


def test_a_path_with_a_folder_or_suffix_is_taken_as_a_path_even_when_missing(tmp_path):
    assert find_scenario("baseline").name == "baseline.yaml"
    assert find_scenario("sub/baseline") == Path("sub/baseline")
    assert find_scenario("nothere.yml").name == "nothere.yml"
    assert problems("sub/baseline") == ["sub/baseline: no such file"]


def test_a_file_in_the_current_folder_comes_before_a_bundled_name(tmp_path, monkeypatch,
                                                                  small_markov):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "baseline").write_text(small_markov.read_text(), encoding="utf-8")
    assert load_scenario("baseline").model == "markov"


def test_a_folder_in_the_current_folder_does_not_hide_a_bundled_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "baseline").mkdir()  # say, the results of 'dyadsim run baseline -o baseline'
    assert load_scenario("baseline").model == "lifecycle"
    (tmp_path / "notes").mkdir()
    assert problems("notes") == ["notes: cannot read: a folder"]


def test_bundled_scenarios_are_listed_in_order_with_one_line_descriptions():
    listing = bundled_scenarios()
    names = [name for name, _ in listing]
    assert names == sorted(names) and {"baseline", "markov_retention"} <= set(names)
    assert all(description and "\n" not in description for _, description in listing)


def test_a_file_value_an_override_changed_names_the_override_too(small_markov):
    # the row is the file's (its line), the value that makes it wrong the override's
    [line] = problems(small_markov, ["seed=3", "markov.transition[1][0]=0.5"])
    assert re.fullmatch(r".*small\.yaml:\d+: markov\.transition\[1\]: .* \(after --set "
                        r"markov\.transition\[1\]\[0\]=0\.5\)", line), line
    [line] = problems(small_markov, ["markov.reward[0]=-1e13"])  # the override's own value
    assert line.startswith("--set markov.reward[0]=-1e13: markov.reward[0]: ")
    assert "(after" not in line
