"""Every written form of a duration and a random quantity, and the errors for the others."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from sim.units import (
    DURATION_PATTERN,
    MAX_WEEKS,
    Beta,
    Distribution,
    DurationDistribution,
    PositiveWeeks,
    Weeks,
    parse_duration,
    ranged,
)

MONTH = 52.0 / 12


@pytest.mark.parametrize(("unit", "weeks"), [
    ("d", 1 / 7), ("day", 1 / 7), ("days", 1 / 7),
    ("w", 1.0), ("wk", 1.0), ("week", 1.0), ("weeks", 1.0),
    ("m", MONTH), ("mo", MONTH), ("month", MONTH), ("months", MONTH),
    ("y", 52.0), ("yr", 52.0), ("year", 52.0), ("years", 52.0),
    ("", 1.0),
])
def test_every_unit_converts_to_weeks(unit, weeks):
    assert parse_duration(f"3{unit}") == pytest.approx(3 * weeks, rel=1e-15)
    assert parse_duration(f" 3 {unit.upper()} ") == pytest.approx(3 * weeks, rel=1e-15)


@pytest.mark.parametrize(("text", "weeks"), [
    (".5y", 26.0), ("1.5 years", 78.0), ("1e2 w", 100.0), ("2E-1w", 0.2), ("0 days", 0.0),
    ("12 months", 52.0), ("7 days", 1.0),
])
def test_decimals_and_exponents_are_read_with_a_unit(text, weeks):
    assert parse_duration(text) == pytest.approx(weeks)


@pytest.mark.parametrize("text", [
    "1 fortnight", "2 hours", "w", "1..5w", "1,5w", "1 y 2 m", "+3w", "3ww", "inf",
    "nan weeks", "1_000w",
])
def test_other_strings_are_refused_with_the_forms_that_work(text):
    with pytest.raises(ValueError, match="write weeks as a number or a string such as"):
        parse_duration(text)


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, "1e400 years", "1e309"])
def test_a_number_of_weeks_must_be_finite(value):
    with pytest.raises(ValueError, match="must be a finite number of weeks"):
        parse_duration(value)


@pytest.mark.parametrize("value", [True, False, None, [26], {"w": 1}])
def test_values_of_other_types_are_not_durations(value):
    with pytest.raises(ValueError, match="a duration must be a number of weeks"):
        parse_duration(value)


@settings(max_examples=40)
@given(st.from_regex(r"\A *[0-9]{1,4}(\.[0-9]{1,3})? *(d|days?|w|wk|weeks?|m|mo|months?|y|yr"
                     r"|years?|W|Months|YR)? *\Z"))
def test_the_json_schema_pattern_matches_what_the_parser_reads(text):
    assert re.match(DURATION_PATTERN, text)
    parse_duration(text)


@pytest.mark.parametrize("text", ["1 fortnight", "w", "3ww", "1 y 2 m", "1_000w"])
def test_the_json_schema_pattern_refuses_what_the_parser_refuses(text):
    assert not re.match(DURATION_PATTERN, text)


class Durations(BaseModel):
    wait: Weeks = 0.0
    life: PositiveWeeks = 1.0


def test_a_duration_field_holds_zero_to_a_thousand_years_a_positive_one_excludes_zero():
    assert Durations(wait="1000 years").wait == MAX_WEEKS
    assert Durations(wait=0).wait == 0.0
    with pytest.raises(ValidationError, match="less than or equal to 52000"):
        Durations(wait="1001 years")
    with pytest.raises(ValidationError, match="greater than 0"):
        Durations(life="0 days")
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        Durations(wait=-1)


class Quantities(BaseModel):
    anything: Distribution = 0.0
    duration: DurationDistribution = 0.0
    rate: ranged(Distribution, low=0.0) = 0.0
    share: ranged(Distribution, low=0.0, high=1.0) = 0.0


def test_a_random_duration_may_be_written_with_a_unit_and_is_then_a_constant_in_weeks():
    quantity = Quantities(duration="18 months").duration
    assert quantity.dist == "constant" and quantity.value == pytest.approx(78.0)
    assert Quantities(duration=26).duration.value == 26.0
    assert Quantities(duration={"dist": "uniform", "low": 4, "high": 8}).duration.mean() == 6.0
    with pytest.raises(ValidationError):
        Quantities(anything="18 months")  # a plain quantity has no unit


def test_a_boolean_is_not_taken_for_the_number_one():
    with pytest.raises(ValidationError):
        Quantities(anything=True)


@pytest.mark.parametrize(("spec", "support"), [
    (3.5, (3.5, 3.5)),
    ({"dist": "normal", "mean": 1, "sd": 2}, (-math.inf, math.inf)),
    ({"dist": "normal", "mean": 1, "sd": 2, "low": 0}, (0.0, math.inf)),
    ({"dist": "normal", "mean": 5, "sd": 0, "low": 0, "high": 2}, (2.0, 2.0)),
    ({"dist": "lognormal", "median": 3, "sigma": 0.5}, (0.0, math.inf)),
    ({"dist": "lognormal", "median": 3, "sigma": 0}, (3.0, 3.0)),
    ({"dist": "uniform", "low": -1, "high": 4}, (-1.0, 4.0)),
    ({"dist": "beta", "a": 2, "b": 3, "low": 5, "high": 9}, (5.0, 9.0)),
    ({"dist": "triangular", "low": 1, "mode": 1, "high": 2}, (1.0, 2.0)),
])
def test_each_distribution_knows_the_range_of_its_draws(spec, support):
    quantity = Quantities(anything=spec).anything
    assert quantity.support() == support
    draws = np.atleast_1d(quantity.sample(np.random.default_rng(3), 2000))
    slack = 1e-12 * max(1.0, abs(draws).max())  # exp(log(median)) may round by one ulp
    assert draws.min() >= support[0] - slack and draws.max() <= support[1] + slack


def test_a_normal_without_spread_clipped_by_its_bounds_always_gives_the_bound():
    quantity = Quantities(anything={"dist": "normal", "mean": 5, "sd": 0, "high": 2}).anything
    assert set(np.asarray(quantity.sample(np.random.default_rng(0), 10))) == {2.0}


@pytest.mark.parametrize(("spec", "message"), [
    ({"dist": "normal", "mean": 1, "sd": 1}, "draws must be at least 0; this distribution can "
                                             "give -inf"),
    ({"dist": "uniform", "low": -0.5, "high": 1}, "can give -0.5 (give low: 0"),
    (-2, "draws must be at least 0"),
])
def test_a_field_that_needs_non_negative_draws_refuses_a_distribution_that_can_go_below(
        spec, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        Quantities(rate=spec)
    assert Quantities(rate={"dist": "normal", "mean": 1, "sd": 1, "low": 0}).rate.mean() == 1


def test_a_bounded_field_checks_the_mean_against_its_upper_end():
    # a log-normal has no upper end, so its mean is what is held against the bound
    assert Quantities(share={"dist": "lognormal", "median": 0.5, "sigma": 0.5}).share
    with pytest.raises(ValidationError, match=r"must be at most 1 on average, the mean is 1\.13"):
        Quantities(share={"dist": "lognormal", "median": 1, "sigma": 0.5})


@pytest.mark.parametrize(("spec", "message"), [
    ({"dist": "normal", "mean": 0, "sd": 1, "low": 2, "high": 1}, "low (2.0) must not exceed "
                                                                   "high (1.0)"),
    ({"dist": "beta", "a": 1, "b": 1, "low": 1, "high": 1}, "low (1.0) must be below high"),
    ({"dist": "triangular", "low": 1, "mode": 1, "high": 1}, "low < high, got 1.0, 1.0, 1.0"),
    ({"dist": "constant", "value": 1e13}, "less than or equal to 1000000000000"),
    ({"dist": "normal", "mean": 0, "sd": math.inf}, "finite number"),
    ({"dist": "lognormal", "median": 1, "sigma": 11}, "less than or equal to 10"),
    ({"dist": "beta", "a": 2e6, "b": 1}, "less than or equal to 1000000"),
    ({"a": 2, "b": 5}, "Unable to extract tag using discriminator 'dist'"),
])
def test_parameters_out_of_range_say_which_rule_they_break(spec, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        Quantities(anything=spec)


def test_a_quantity_is_frozen_and_a_single_draw_is_a_float():
    beta = Beta(dist="beta", a=2, b=2)
    with pytest.raises(ValidationError):
        beta.a = 5
    for spec in (2.0, {"dist": "normal", "mean": 0, "sd": 1, "low": -1, "high": 1},
                 {"dist": "lognormal", "median": 1, "sigma": 1},
                 {"dist": "triangular", "low": 0, "mode": 1, "high": 2}):
        quantity = Quantities(anything=spec).anything
        assert isinstance(quantity.sample(np.random.default_rng(1)), float)
        assert quantity.sample(np.random.default_rng(1), 5).shape == (5,)


def test_the_same_generator_state_gives_the_same_draws():
    quantity = Quantities(anything={"dist": "beta", "a": 2, "b": 5}).anything
    first = quantity.sample(np.random.default_rng(11), 50)
    assert np.array_equal(first, quantity.sample(np.random.default_rng(11), 50))
    assert not np.array_equal(first, quantity.sample(np.random.default_rng(12), 50))
