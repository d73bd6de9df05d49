"""Durations and distributions accepted by scenario files."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from sim.units import Distribution, Weeks, parse_duration


@pytest.mark.parametrize(("text", "weeks"), [
    (26, 26.0), (2.5, 2.5), ("26w", 26.0), ("26 weeks", 26.0), ("1 week", 1.0),
    ("6 months", 26.0), ("2 years", 104.0), ("1y", 52.0), ("14 days", 2.0), ("10", 10.0),
])
def test_durations_are_read_in_weeks(text, weeks):
    assert parse_duration(text) == pytest.approx(weeks)


@pytest.mark.parametrize("text", ["soon", "3 fortnights", "-2w", "", True, None, [1]])
def test_unreadable_durations_are_rejected(text):
    with pytest.raises(ValueError):
        parse_duration(text)


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_a_number_of_weeks_written_with_a_unit_reads_back(weeks):
    assert parse_duration(f"{weeks!r} weeks") == pytest.approx(weeks)
    assert parse_duration(f"{weeks / 52!r} years") == pytest.approx(weeks, rel=1e-12, abs=1e-9)


class Holder(BaseModel):
    quantity: Distribution
    wait: Weeks = 0.0


@pytest.mark.parametrize(("spec", "mean"), [
    ({"dist": "normal", "mean": 3, "sd": 1}, 3.0),
    ({"dist": "lognormal", "median": 2, "sigma": 0.5}, 2 * np.exp(0.125)),
    ({"dist": "uniform", "low": 1, "high": 3}, 2.0),
    ({"dist": "beta", "a": 2, "b": 6}, 0.25),
    ({"dist": "beta", "a": 2, "b": 2, "low": 10, "high": 20}, 15.0),
    ({"dist": "triangular", "low": 0, "mode": 1, "high": 5}, 2.0),
    ({"dist": "constant", "value": 4}, 4.0),
    (4.5, 4.5),
])
def test_distribution_samples_have_the_analytic_mean(spec, mean):
    quantity = Holder(quantity=spec).quantity
    assert quantity.mean() == pytest.approx(mean)
    draws = np.asarray(quantity.sample(np.random.default_rng(5), 200_000))
    standard_error = draws.std() / np.sqrt(draws.size)
    assert abs(draws.mean() - mean) <= 4 * standard_error + 1e-12
    assert isinstance(quantity.sample(np.random.default_rng(5)), float)


@pytest.mark.parametrize("spec", [
    {"dist": "beta", "a": 0, "b": 1},
    {"dist": "uniform", "low": 3, "high": 1},
    {"dist": "normal", "mean": 0, "sd": -1},
    {"dist": "triangular", "low": 0, "mode": 7, "high": 5},
    {"dist": "lognormal", "median": -1, "sigma": 1},
    {"dist": "poisson", "lam": 3},
    {"dist": "normal", "mean": 0, "sd": 1, "shape": 2},
    "many",
])
def test_invalid_distributions_are_rejected(spec):
    with pytest.raises(ValidationError):
        Holder(quantity=spec)


def test_normal_can_be_clipped_to_a_range():
    quantity = Holder(quantity={"dist": "normal", "mean": 0.5, "sd": 2, "low": 0, "high": 1})
    draws = quantity.quantity.sample(np.random.default_rng(1), 10_000)
    assert draws.min() >= 0 and draws.max() <= 1
