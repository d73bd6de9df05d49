"""The shared buyer choice rule (Weisbuch, Kirman & Herreiner 2000)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.models.choice import choice_probabilities, update_preference

preferences = st.lists(st.floats(-50, 50), min_size=1, max_size=8)


@given(preferences, st.floats(0, 20))
def test_probabilities_are_in_unit_interval_and_sum_to_one(values, beta):
    chances = choice_probabilities(values, beta)
    assert len(chances) == len(values)
    assert all(0.0 <= p <= 1.0 for p in chances)
    assert math.isclose(sum(chances), 1.0, rel_tol=1e-12)


@given(preferences, st.floats(0.01, 20))
def test_higher_preference_gets_higher_probability(values, beta):
    chances = choice_probabilities(values, beta)
    for i, j in zip(range(len(values)), range(1, len(values)), strict=False):
        if values[i] > values[j]:
            assert chances[i] >= chances[j]


def test_higher_value_strictly_preferred():
    low, high = choice_probabilities([1.0, 2.0], beta=1.0)
    assert high > low
    assert math.isclose(high / low, math.e)


def test_zero_sensitivity_chooses_uniformly():
    assert choice_probabilities([5.0, -3.0, 0.0, 100.0], beta=0.0) == [0.25] * 4


def test_large_preferences_do_not_overflow():
    assert choice_probabilities([1e6, 0.0], beta=10.0) == [1.0, 0.0]


def test_sensitivity_must_not_be_negative():
    with pytest.raises(ValueError, match="beta"):
        choice_probabilities([1.0], beta=-1.0)


def test_memory_decays_without_payoff():
    preference = 10.0
    for _ in range(3):
        preference = update_preference(preference, 0.0, gamma=0.5)
    assert preference == pytest.approx(1.25)


def test_constant_payoff_converges_to_payoff_over_gamma():
    preference = 0.0
    for _ in range(500):
        preference = update_preference(preference, 2.0, gamma=0.1)
    assert preference == pytest.approx(20.0)


def test_decay_must_be_in_unit_interval():
    with pytest.raises(ValueError, match="gamma"):
        update_preference(1.0, 1.0, gamma=0.0)
