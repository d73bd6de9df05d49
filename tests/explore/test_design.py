"""Sampling designs: their sizes, their grids and bounds, and the same samples for a seed."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from explore.design import DEFAULT_SAMPLES, check_design, check_grid, point_count, sample
from explore.space import Parameter, ParameterSpace
from sim.yamlsource import ScenarioError

pytest.importorskip("SALib")

SPACE = ParameterSpace((
    Parameter("a.uniform", "uniform", "uniform", 0.1, 0.5),
    Parameter("a.log", "log", "loguniform", 0.01, 1.0),
    Parameter("a.peak", "peak", "triangular", 20, 80, mode=40),
    Parameter("a.bell", "bell", "normal", 0, 20, mean=5, sd=2, integer=True),
))


def rng(seed=1):
    return np.random.default_rng(seed)


@pytest.mark.parametrize(("method", "samples", "second", "points"), [
    ("morris", 10, False, 10 * 5), ("morris", 2, False, 2 * 5),
    ("sobol", 8, False, 8 * 6), ("sobol", 16, True, 16 * 10)])
def test_a_design_has_the_number_of_points_its_method_promises(method, samples, second, points):
    assert point_count(method, samples, 4, second) == points
    design = sample(SPACE, method, samples, rng(), second_order=second)
    assert design.points == points and design.matrix.shape == (points, 4)
    assert (design.method, design.samples, design.second_order) == (method, samples, second)


@pytest.mark.parametrize("method", ["morris", "sobol"])
def test_every_sampled_value_lies_in_its_parameter_range(method):
    design = sample(SPACE, method, 64 if method == "sobol" else 20, rng(2))
    for column, parameter in zip(design.matrix.T, SPACE.parameters, strict=True):
        assert column.min() >= parameter.low - 1e-12 and column.max() <= parameter.high + 1e-12


@pytest.mark.parametrize("method", ["morris", "sobol"])
def test_the_same_seed_gives_the_same_design_and_another_seed_another(method):
    samples = 8 if method == "sobol" else 6
    first = sample(SPACE, method, samples, rng(7)).matrix
    assert np.array_equal(first, sample(SPACE, method, samples, rng(7)).matrix)
    assert not np.array_equal(first, sample(SPACE, method, samples, rng(8)).matrix)


def test_whole_number_parameters_are_rounded_in_the_design():
    bell = sample(SPACE, "sobol", 32, rng()).matrix[:, 3]
    assert np.array_equal(bell, np.round(bell)) and len(set(bell)) > 3


def test_a_morris_trajectory_moves_one_parameter_at_a_time_by_two_thirds_of_the_grid():
    space = ParameterSpace((Parameter("x", "x", "uniform", 0, 1),
                            Parameter("y", "y", "uniform", 10, 20)))
    design = sample(space, "morris", 5, rng(3), levels=4)
    grid = {0.0, 1 / 3, 2 / 3, 1.0}
    assert {round(v, 12) for v in design.matrix[:, 0]} <= {round(v, 12) for v in grid}
    for start in range(0, design.points, 3):
        steps = np.diff(design.matrix[start:start + 3], axis=0) / [1.0, 10.0]  # on [0, 1]
        moved = np.abs(steps) > 1e-12
        assert moved.sum(axis=1).tolist() == [1, 1] and moved.sum(axis=0).tolist() == [1, 1]
        assert np.abs(steps[moved]) == pytest.approx([2 / 3, 2 / 3])


def test_more_morris_levels_give_a_finer_grid():
    space = ParameterSpace((Parameter("x", "x", "uniform", 0, 1),))
    values = np.unique(sample(space, "morris", 40, rng(), levels=6).matrix[:, 0])
    assert len(values) == 6 and values == pytest.approx(np.linspace(0, 1, 6))


def test_sobol_samples_follow_their_distributions():
    matrix = sample(SPACE, "sobol", 1024, rng(5)).matrix
    n = len(matrix)
    logs = np.log(matrix[:, 1])
    # log of a loguniform value is uniform: mean halfway between log low and log high
    assert abs(logs.mean() - math.log(0.1)) < 4 * logs.std() / math.sqrt(n)
    peak = matrix[:, 2]
    assert abs(peak.mean() - (20 + 40 + 80) / 3) < 4 * peak.std() / math.sqrt(n)
    assert np.median(peak) < 50  # the mass leans towards the low mode
    bell = matrix[:, 3]
    assert abs(bell.mean() - 5) < 0.3 and bell.min() >= 0


@pytest.mark.parametrize(("method", "samples", "levels", "second", "message"), [
    ("fast", 10, 4, False, "--method must be one of morris, sobol, got 'fast'"),
    ("morris", 1, 4, False, "-N: Morris needs at least 2 trajectories, got 1"),
    ("morris", 10, 5, False, "--levels: Morris needs an even number of levels, got 5"),
    ("morris", 10, 0, False, "--levels: Morris needs an even number of levels, got 0"),
    ("morris", 10, 4, True, "--second-order applies to sobol only"),
    ("sobol", 100, 4, False, "-N: Sobol needs a power of two (64, 128, 256 ...), got 100"),
    ("sobol", 1, 4, False, "-N: Sobol needs a power of two (64, 128, 256 ...), got 1"),
])
def test_a_design_that_cannot_be_sampled_is_one_line(method, samples, levels, second, message):
    with pytest.raises(ValueError) as refused:
        check_design(method, samples, levels, second)
    assert str(refused.value) == message
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        sample(SPACE, method, samples, rng(), levels=levels, second_order=second)


def test_the_default_sample_sizes_are_valid_designs():
    for method, samples in DEFAULT_SAMPLES.items():
        check_design(method, samples, 4, False)


def whole_numbers(low, high):
    return ParameterSpace((Parameter("a.count", "count", "uniform", low, high, integer=True,
                                     line=3), Parameter("x", "x", "uniform", 0, 1)),
                          file="space.yaml")


def test_a_whole_number_parameter_on_the_morris_grid_gets_its_exact_effect():
    import pandas as pd

    from explore.indices import analyse

    space = whole_numbers(2, 8)  # 4 levels: 2, 4, 6, 8
    design = sample(space, "morris", 10, rng())
    assert set(design.matrix[:, 0]) == {2, 4, 6, 8}
    y = 5 * design.matrix[:, 0] + design.matrix[:, 1]
    indices, _ = analyse(space, design, pd.DataFrame({"y": y}), ["y"], rng(2))
    mu_star = indices[indices["index"] == "mu_star"].set_index("parameter")["value"]
    assert mu_star["a.count"] == pytest.approx(5 * 6) and mu_star["x"] == pytest.approx(1)


def test_a_whole_number_range_off_the_morris_grid_is_refused_at_its_line():
    # [2, 6] on 4 levels rounds 3.33 and 4.67 to 3 and 5: steps of 3 taken for 2.67, and
    # every effect an eighth too large
    with pytest.raises(ScenarioError) as refused:
        sample(whole_numbers(2, 6), "morris", 10, rng())
    assert [str(p) for p in refused.value.problems] == [
        "space.yaml:3: a.count: Morris on 4 levels needs the range of a whole-number parameter "
        "to be a multiple of 3, so that its grid is whole numbers; got [2, 6]"]
    check_grid(whole_numbers(2, 7), "morris", 6)  # 6 levels: 2, 3, ..., 7
    check_grid(whole_numbers(2, 6), "sobol", 4)  # variance shares see the rounded values
    assert sample(whole_numbers(2, 6), "sobol", 8, rng()).points == 8 * 4


def test_a_study_with_a_whole_number_range_off_the_grid_is_refused_before_it_runs(
        write_yaml, tmp_path):
    from explore.study import sensitivity

    space = write_yaml("space.yaml", """
        parameters:
          markov.discount_rate: {bounds: [0.05, 0.3]}
          markov.customers: {bounds: [200, 400], integer: true}
        """)
    with pytest.raises(ScenarioError, match=r"space.yaml:3: markov.customers: Morris on 4"):
        sensitivity("markov_retention", space, "morris", 2, out=tmp_path / "never")
    assert not (tmp_path / "never").exists()


def peaked_counts():
    return ParameterSpace((Parameter("a.count", "count", "triangular", 20, 80, mode=40,
                                     integer=True, line=3), Parameter("x", "x", "uniform", 0, 1)),
                          file="space.yaml")


def test_a_whole_number_parameter_of_another_distribution_moves_between_whole_numbers():
    import pandas as pd

    from explore.indices import analyse, step_factors

    space = peaked_counts()
    design = sample(space, "morris", 12, rng())
    # its quantiles at the levels 0, 1/3, 2/3, 1 are 20, 40 (the mode), 51.7 and 80
    assert set(design.matrix[:, 0]) == {20, 40, 52, 80}
    moves = np.diff(design.matrix.reshape(12, 3, 2)[:, :, 0], axis=1)
    assert (np.count_nonzero(moves, axis=1) == 1).all()  # one step per trajectory moves it
    y = 5 * design.matrix[:, 0] + design.matrix[:, 1]
    indices, _ = analyse(space, design, pd.DataFrame({"y": y}), ["y"], rng(2))
    mu_star = indices[indices["index"] == "mu_star"].set_index("parameter")["value"]
    # by hand: F(40) = 1/3, F(52) = 1 - 28^2 / (60 * 40) = 0.67333 and F(80) = 1, so a step
    # from 40 to 80 takes 2/3 of probability, the grid's step: effect 5 * 40 / (2/3) = 300;
    # a step from 20 to 52 takes 0.67333: 5 * 32 / 0.67333 = 237.6 (not 5 * 32 / (2/3) = 240)
    low = np.abs(moves).max(axis=1) == 32
    assert 0 < low.sum() < 12
    expected = (low.sum() * 5 * 32 / (1 - 28**2 / 2400) + (~low).sum() * 300) / 12
    assert mu_star["a.count"] == pytest.approx(expected) and mu_star["x"] == pytest.approx(1)
    assert np.allclose(step_factors(space, design)[:, 1], 1)


def test_a_morris_step_that_would_not_move_a_whole_number_parameter_is_refused():
    narrow = ParameterSpace((Parameter("a.count", "count", "normal", 2, 10, mean=5, sd=0.5,
                                       integer=True, line=3),), file="space.yaml")
    # on 6 levels its quantiles 2, 4.6, 4.9, 5.1, 5.4, 10 round to 2, 5, 5, 5, 5, 10, and a
    # step joins levels three apart: the second and the fifth are both 5
    with pytest.raises(ScenarioError) as refused:
        sample(narrow, "morris", 4, rng(), levels=6)
    assert [str(p) for p in refused.value.problems] == [
        "space.yaml:3: a.count: Morris on 6 levels cannot move this whole-number parameter: "
        "its levels 2 and 5 both round to 5; use fewer levels or a wider range"]
    assert set(sample(narrow, "morris", 4, rng(), levels=4).matrix[:, 0]) <= {2, 5, 10}
