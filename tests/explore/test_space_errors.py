"""Every kind of bad parameter-space file gets one clear line: file, line, parameter, what."""

from __future__ import annotations

import pytest

from explore.space import Parameter, ParameterSpace, check_space, load_space, plain_name
from sim.yamlsource import Problem, ScenarioError

BAD_SPACES = {
    "not a mapping": ("- a\n- b\n", "1: a parameter space must be a mapping"),
    "no parameters": ("description: x\n", "1: parameters: required field is missing"),
    "an unknown top key": ("parameters:\n  a.b: {bounds: [0, 1]}\nmethod: sobol\n",
                           "3: method: unknown key 'method'"),
    "bounds and low": ("parameters:\n  a.b: {bounds: [0, 1], low: 0}\n",
                       "2: a.b: give either bounds or low and high, not both"),
    "no high": ("parameters:\n  a.b: {low: 0}\n",
                "2: a.b: a uniform range needs high (or bounds: [low, high])"),
    "a triangle without mode": ("parameters:\n  a.b: {dist: triangular, low: 0, high: 1}\n",
                                "2: a.b: a triangular range needs mode"),
    "a mode on a uniform range": ("parameters:\n  a.b: {bounds: [0, 1], mode: 0.5}\n",
                                  "2: a.b: mode does not apply to a uniform range"),
    "a mean on a triangle": (
        "parameters:\n  a.b: {dist: triangular, low: 0, mode: 0.2, high: 1, mean: 0.5}\n",
        "2: a.b: mean does not apply to a triangular range"),
    "a loguniform range from zero": (
        "parameters:\n  a.b: {dist: loguniform, low: 0, high: 1}\n",
        "2: a.b: a loguniform range needs low > 0, got 0"),
    "a mode at the high end": (
        "parameters:\n  a.b: {dist: triangular, low: 0, mode: 1, high: 1}\n",
        "2: a.b: mode must be in [low, high), got 1"),
    "a mode below the low end": (
        "parameters:\n  a.b: {dist: triangular, low: 0, mode: -1, high: 1}\n",
        "2: a.b: mode must be in [low, high), got -1"),
    "a zero standard deviation": (
        "parameters:\n  a.b: {dist: normal, mean: 0, sd: 0, low: -1, high: 1}\n",
        "2: a.b.sd: must be greater than 0, got 0"),
    "an unknown distribution": (
        "parameters:\n  a.b: {dist: gamma, low: 0, high: 1}\n",
        "2: a.b.dist: must be 'uniform', 'loguniform', 'triangular' or 'normal', got 'gamma'"),
    "equal ends": ("parameters:\n  a.b: {bounds: [2, 2]}\n",
                   "2: a.b: low must be below high, got 2 and 2"),
    "a bound that is a word": (
        "parameters:\n  a.b: {bounds: [0, high]}\n",
        "2: a.b.bounds[1]: must be a valid number, unable to parse string as a number, "
        "got 'high'"),
    "a flag that is not yes or no": (
        "parameters:\n  a.b: {bounds: [0, 1], integer: maybe}\n",
        "2: a.b.integer: must be a valid boolean, unable to interpret input, got 'maybe'"),
    "a range that is a number": (
        "parameters:\n  a.b: 3\n",
        "2: a.b: must be a mapping such as {bounds: [low, high]}, got 3"),
    "an empty file": ("# nothing yet\n",
                      "1: empty file; a parameter space needs at least 'parameters'"),
    "a nan bound": ("parameters:\n  a.b: {bounds: [.nan, 1]}\n",
                    "2: a.b.bounds[0]: must be a finite number, got nan"),
}


@pytest.mark.parametrize("case", BAD_SPACES)
def test_a_bad_space_is_one_line_naming_the_file_line_and_field(write_yaml, case):
    text, expected = BAD_SPACES[case]
    file = write_yaml("space.yaml", text)
    with pytest.raises(ScenarioError) as refused:
        load_space(file)
    assert [str(p) for p in refused.value.problems] == [f"{file}:{expected}"]


def test_every_bad_parameter_is_reported_in_line_order(write_yaml):
    file = write_yaml("space.yaml", """
        parameters:
          a.c: {dist: loguniform, low: -1, high: 1}
          a.b: {bounds: [1, 0]}
          a.d: {bounds: [0, 1]}
          a.e: {bounds: [0, 1], colour: red}
        """)
    with pytest.raises(ScenarioError) as refused:
        load_space(file)
    assert [(p.line, p.path) for p in refused.value.problems] == [
        (2, "a.c"), (3, "a.b"), (5, "a.e.colour")]


def test_two_paths_with_the_same_plain_name_are_refused_at_the_first(write_yaml):
    file = write_yaml("space.yaml", """
        parameters:
          lifecycle.policy.adaptation_hurdle: {bounds: [0, 1]}
          lifecycle.market.buyers.order_rate.mean: {bounds: [1, 2]}
          lifecycle.market.suppliers.order_rate.mean: {bounds: [1, 2]}
        """)
    with pytest.raises(ScenarioError) as refused:
        load_space(file)
    assert [str(p) for p in refused.value.problems] == [
        f"{file}:3: lifecycle.market.buyers.order_rate.mean: plain name 'order rate (mean)' "
        "is used twice; give each parameter its own name"]
    renamed = write_yaml("renamed.yaml", """
        parameters:
          lifecycle.market.buyers.order_rate.mean: {bounds: [1, 2], name: buyers' orders}
          lifecycle.market.suppliers.order_rate.mean: {bounds: [1, 2]}
        """)
    assert load_space(renamed).labels == {
        "lifecycle.market.buyers.order_rate.mean": "buyers' orders",
        "lifecycle.market.suppliers.order_rate.mean": "order rate (mean)"}


def test_a_missing_space_file_is_one_line():
    with pytest.raises(ScenarioError) as refused:
        load_space("no/such/space.yaml")
    (problem,) = refused.value.problems
    assert "no/such/space.yaml" in str(problem) and "\n" not in str(problem)


@pytest.mark.parametrize(("path", "name"), [
    ("lifecycle.policy.adaptation_hurdle", "adaptation hurdle"),
    ("lifecycle.market.suppliers.marketing_rate", "marketing rate"),
    ("lifecycle.skills.problem_solving.a", "problem solving (a)"),
    ("lifecycle.market.buyers.count", "buyers (count)"),
    ("horizon", "horizon"),
    ("mean", "mean"),
    ("markov.transition[0]", "transition[0]"),
])
def test_plain_names_come_from_the_last_part_of_the_path(path, name):
    assert plain_name(path) == name


# ---------------------------------------------------------------- what a space holds


@pytest.fixture
def four_kinds(write_yaml):
    return load_space(write_yaml("space.yaml", """
        description: one of each
        parameters:
          a.uniform: {bounds: [0.1, 0.5]}
          a.log: {dist: loguniform, low: 0.01, high: 1}
          a.peak: {dist: triangular, low: 20, mode: 40, high: 80}
          a.bell: {dist: normal, mean: 5, sd: 2, low: 0, high: 20, integer: true}
        """))


def test_each_distribution_becomes_its_salib_name_and_bounds(four_kinds):
    problem = four_kinds.problem()
    assert problem["num_vars"] == 4 and problem["names"] == ["a.uniform", "a.log", "a.peak",
                                                             "a.bell"]
    assert problem["dists"] == ["unif", "logunif", "triang", "truncnorm"]
    assert problem["bounds"] == [[0.1, 0.5], [0.01, 1.0], [20, 80, pytest.approx(1 / 3)],
                                 [0, 20, 5, 2]]


def test_ranges_are_described_in_words(four_kinds):
    assert [p.describe() for p in four_kinds.parameters] == [
        "uniform on [0.1, 0.5]", "loguniform on [0.01, 1]",
        "triangular on [20, 80], mode 40", "normal on [0, 20], mean 5, sd 2, whole numbers"]


def test_a_space_survives_the_round_trip_through_a_manifest(four_kinds):
    import json

    again = ParameterSpace.from_dict(json.loads(json.dumps(four_kinds.as_dict())))
    assert again.paths == four_kinds.paths and again.labels == four_kinds.labels
    assert again.description == "one of each" and again.file == four_kinds.file
    assert [p.describe() for p in again.parameters] == [p.describe()
                                                        for p in four_kinds.parameters]
    assert again.problem() == four_kinds.problem()


def test_a_sampled_row_rounds_only_the_whole_number_parameters(four_kinds):
    values = four_kinds.values([0.25, 0.5, 33.3, 7.6])
    assert values == {"a.uniform": 0.25, "a.log": 0.5, "a.peak": 33.3, "a.bell": 8.0}
    with pytest.raises(ValueError):
        four_kinds.values([0.25, 0.5, 33.3])


# ---------------------------------------------------------------- against a schema


def parameter(path, low, high, integer=False, line=7):
    return Parameter(path, plain_name(path), "uniform", low, high, integer=integer, line=line)


def refusing(rule):
    """A validator that refuses ``path=value`` overrides where ``rule(path, value)`` says why."""
    asked = []

    def validate(overrides):
        path, _, text = overrides[0].partition("=")
        asked.append(text)
        reason = rule(path, float(text))
        if reason:
            raise ScenarioError([Problem("scenario.yaml", 3, path, reason)])
    validate.asked = asked
    return validate


def problems(space, validate):
    with pytest.raises(ScenarioError) as refused:
        check_space(space, validate)
    return [str(p) for p in refused.value.problems]


def test_an_end_outside_the_field_range_is_reported_with_that_end():
    space = ParameterSpace((parameter("a.share", -0.5, 0.5),), file="space.yaml")
    validate = refusing(lambda path, value: "must be at least 0" if value < 0 else "")
    assert problems(space, validate) == [
        "space.yaml:7: a.share: low end -0.5: must be at least 0"]


def test_an_unknown_path_is_reported_once_not_at_both_ends():
    space = ParameterSpace((parameter("a.shaer", 0, 1),), file="space.yaml")
    validate = refusing(lambda path, value: "no such field; did you mean 'share'?")
    assert problems(space, validate) == [
        "space.yaml:7: a.shaer: no such field; did you mean 'share'?"]


def test_a_field_of_whole_numbers_is_tried_between_the_ends_unless_marked_integer():
    whole = refusing(lambda path, value: "" if value == int(value) else "must be an integer")
    space = ParameterSpace((parameter("a.count", 10, 20),), file="space.yaml")
    assert problems(space, whole) == [
        "space.yaml:7: a.count: value 15.5 between the ends: must be an integer; if the field "
        "takes whole numbers, add integer: true"]
    marked = refusing(lambda path, value: "" if value == int(value) else "must be an integer")
    check_space(ParameterSpace((parameter("a.count", 10, 20, integer=True),)), marked)
    assert marked.asked == ["10", "20"]


def test_values_are_written_as_yaml_numbers_for_the_validator():
    validate = refusing(lambda path, value: "")
    check_space(ParameterSpace((parameter("a.rate", 1e-05, 2.5e-4),)), validate)
    assert validate.asked[:2] == ["1.0e-05", "0.00025"]
    assert 1e-05 < float(validate.asked[2]) < 2.5e-4


def test_every_parameter_is_checked_before_the_problems_are_raised():
    space = ParameterSpace((parameter("a.x", -1, 1, line=2), parameter("a.y", 0, 1, line=3),
                            parameter("a.z", 0, 9, line=4)), file="space.yaml")
    validate = refusing(lambda path, value: "must be at least 0" if value < 0 else (
        "must be at most 1" if value > 1 else ""))
    assert problems(space, validate) == [
        "space.yaml:2: a.x: low end -1: must be at least 0",
        "space.yaml:4: a.z: high end 9: must be at most 1"]
