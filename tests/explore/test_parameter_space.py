"""Parameter-space files: read like scenario files, checked against the scenario's schema."""

from __future__ import annotations

import pytest

from explore.models import ScenarioModel, model_for
from explore.space import load_space, plain_name, yaml_number
from sim.yamlsource import ScenarioError


def problems_of(call) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        call()
    return [str(p) for p in caught.value.problems]


def test_bounds_give_a_uniform_range_and_paths_give_plain_names(write_yaml):
    space = load_space(write_yaml("s.yaml", """
        parameters:
          lifecycle.policy.adaptation_hurdle: {bounds: [0.1, 0.5]}
          lifecycle.market.buyers.distance_tolerance.mean: {bounds: [0.3, 0.5]}
          lifecycle.market.suppliers.marketing_rate: {dist: triangular, low: 20, mode: 40,
                                                      high: 80, name: marketing}
        """))
    first, second, third = space.parameters
    assert (first.dist, first.low, first.high) == ("uniform", 0.1, 0.5)
    assert first.label == "adaptation hurdle"
    assert second.label == "distance tolerance (mean)"
    assert third.label == "marketing"
    assert [p.line for p in space.parameters] == [2, 3, 4]
    problem = space.problem()
    assert problem["dists"] == ["unif", "unif", "triang"]
    assert problem["bounds"][2] == [20, 80, pytest.approx(1 / 3)]


def test_indexed_paths_keep_their_index_in_the_plain_name():
    assert plain_name("markov.reward[0]") == "reward[0]"
    assert plain_name("lifecycle.market.buyers.order_rate.median") == "order rate (median)"


def test_an_unknown_key_is_reported_at_its_line(write_yaml):
    file = write_yaml("s.yaml", """
        parameters:
          lifecycle.policy.adaptation_hurdle:
            bounds: [0.1, 0.5]
            bonds: 3
        """)
    assert problems_of(lambda: load_space(file)) == [
        f"{file}:4: lifecycle.policy.adaptation_hurdle.bonds: unknown key 'bonds'"]


def test_a_low_end_above_the_high_end_is_refused_at_the_parameter(write_yaml):
    file = write_yaml("s.yaml", """
        parameters:
          markov.discount_rate: {bounds: [0.3, 0.1]}
        """)
    assert problems_of(lambda: load_space(file)) == [
        f"{file}:2: markov.discount_rate: low must be below high, got 0.3 and 0.1"]


def test_a_normal_range_needs_its_truncation(write_yaml):
    file = write_yaml("s.yaml", """
        parameters:
          markov.discount_rate: {dist: normal, mean: 0.1, sd: 0.02}
        """)
    assert problems_of(lambda: load_space(file)) == [
        f"{file}:2: markov.discount_rate: a normal range needs low, high"]


def test_an_empty_space_is_refused(write_yaml):
    file = write_yaml("s.yaml", "parameters: {}\n")
    assert problems_of(lambda: load_space(file)) == [
        f"{file}:1: parameters: name at least one parameter"]


def check(space_file, scenario="baseline"):
    model, _ = model_for(scenario)
    assert isinstance(model, ScenarioModel)
    return lambda: model.check(load_space(space_file))


def test_an_unknown_scenario_path_is_refused_before_anything_runs(write_yaml):
    file = write_yaml("s.yaml", """
        parameters:
          lifecycle.policy.adaptation_hurdle: {bounds: [0.1, 0.5]}
          lifecycle.policy.adaptation_hurdel: {bounds: [0.1, 0.5]}
        """)
    assert problems_of(check(file)) == [
        f"{file}:3: lifecycle.policy.adaptation_hurdel: no such field; did you mean "
        "'adaptation_hurdle'?"]


def test_a_range_beyond_the_field_own_bounds_reports_the_field_message(write_yaml):
    file = write_yaml("s.yaml", """
        parameters:
          lifecycle.relationship.trial.share: {bounds: [0.1, 1.5]}
        """)
    assert problems_of(check(file)) == [
        f"{file}:2: lifecycle.relationship.trial.share: high end 1.5: must be less than or "
        "equal to 1, got 1.5"]


def test_a_whole_number_field_asks_for_integer_true(write_yaml):
    file = write_yaml("s.yaml", """
        parameters:
          lifecycle.market.buyers.count: {bounds: [100, 400]}
        """)
    (problem,) = problems_of(check(file))
    assert problem.startswith(f"{file}:2: lifecycle.market.buyers.count: value 250.5 between "
                              "the ends: must be a valid integer")
    assert problem.endswith("add integer: true")
    fixed = write_yaml("t.yaml", """
        parameters:
          lifecycle.market.buyers.count: {bounds: [100, 400], integer: true}
        """)
    check(fixed)()


def test_a_markov_space_fits_the_retention_scenario(markov_space):
    check(markov_space, "markov_retention")()


def test_numbers_are_written_so_yaml_reads_them_back_as_numbers():
    import yaml

    for value in (1e-05, 0.1, 3.0, 250.5, 1e20, -2.5e-7):
        assert yaml.safe_load(yaml_number(value)) == value


def test_an_infinite_bound_is_refused_at_its_line(write_yaml):
    file = write_yaml("s.yaml", """
        parameters:
          markov.discount_rate: {bounds: [0.1, .inf]}
        """)
    assert problems_of(lambda: load_space(file)) == [
        f"{file}:2: markov.discount_rate.bounds[1]: must be a finite number, got inf"]
