"""The logit choice rule and the preference update, at their limits and with closed sellers."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from sim.models.choice import choice_probabilities, update_preference


@pytest.mark.parametrize("beta", [0.0, 0.3, 5.0, 400.0])
def test_each_row_of_an_array_sums_to_one(beta):
    preferences = np.random.default_rng(2).normal(0, 20, size=(50, 6))
    chances = choice_probabilities(preferences, beta)
    assert chances.shape == preferences.shape
    assert np.allclose(chances.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert ((chances >= 0) & (chances <= 1)).all()


def test_zero_sensitivity_is_uniform_over_the_open_sellers_only():
    chances = choice_probabilities(np.array([[9.0, -np.inf, -4.0, 0.0]]), beta=0.0)
    assert chances.tolist() == [[1 / 3, 0.0, 1 / 3, 1 / 3]]


def test_a_large_sensitivity_chooses_the_argmax():
    values = [0.2, 0.9, 0.85, -3.0]
    chances = choice_probabilities(values, beta=2_000.0)
    assert chances[1] == pytest.approx(1.0, abs=1e-12)
    assert sum(chances) == pytest.approx(1.0)
    rows = choice_probabilities(np.array([values, values[::-1]]), beta=2_000.0)
    assert rows.argmax(axis=1).tolist() == [1, 2]


def test_a_tie_at_the_top_is_shared_however_large_the_sensitivity():
    assert choice_probabilities([5.0, 5.0, 1.0], beta=1e6) == [0.5, 0.5, 0.0]


def test_probabilities_depend_only_on_the_gaps_between_preferences():
    # the top is subtracted first, so gaps of 2e300 neither overflow nor give nan
    assert choice_probabilities([1e300, -1e300], beta=1.0) == [1.0, 0.0]
    base = choice_probabilities(np.array([[1.0, 2.0, 4.0]]), beta=0.8)
    far = choice_probabilities(np.array([[1e9 + 1.0, 1e9 + 2.0, 1e9 + 4.0]]), beta=0.8)
    assert far == pytest.approx(base, rel=1e-6)


def test_extreme_sensitivities_and_values_give_no_warning_and_no_nan():
    preferences = np.array([[1e6, -1e6, 0.0], [-np.inf, 1e6, 1e6], [0.0, 0.0, -np.inf]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for beta in (0.0, 1e-12, 1.0, 1000.0):
            chances = choice_probabilities(preferences, beta)
            assert np.isfinite(chances).all()
            assert np.allclose(chances.sum(axis=1), 1.0)


def test_two_seller_probability_is_the_logistic_of_the_gap():
    for gap, beta in ((0.5, 1.0), (3.0, 0.2), (-2.0, 1.5)):
        first, _ = choice_probabilities([gap, 0.0], beta)
        assert first == pytest.approx(1 / (1 + math.exp(-beta * gap)))


def test_an_empty_list_of_sellers_has_no_probabilities():
    assert choice_probabilities([], beta=1.0) == []


def test_the_update_decays_the_memory_and_adds_the_payoff_element_by_element():
    preference = np.array([[10.0, 4.0], [0.0, 2.0]])
    payoff = np.array([[1.0, 0.0], [0.0, 3.0]])
    assert update_preference(preference, payoff, gamma=0.25).tolist() == [[8.5, 3.0],
                                                                           [0.0, 4.5]]


def test_full_forgetting_keeps_only_the_last_payoff():
    assert update_preference(np.array([7.0, 3.0]), np.array([0.0, 2.0]), 1.0).tolist() == [
        0.0, 2.0]
    assert update_preference(7.0, 2.0, gamma=1.0) == 2.0


@pytest.mark.parametrize("gamma", [0.1, 0.5, 1.0])
def test_a_closed_seller_stays_closed_after_an_update_whatever_the_memory(gamma):
    # gamma = 1 once made (1 - gamma) * -inf = 0 * -inf: nan, a warning, and a buyer
    # whose every later choice was nan
    preference = np.array([[2.0, -np.inf], [1.0, -np.inf]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        updated = update_preference(preference, np.array([[1.0, 0.0], [0.0, 0.0]]), gamma)
    assert np.isneginf(updated[:, 1]).all()
    assert updated[:, 0] == pytest.approx([(1 - gamma) * 2.0 + 1.0, (1 - gamma) * 1.0])
    assert update_preference(-math.inf, 0.0, gamma) == -math.inf


@pytest.mark.parametrize("gamma", [0.0, -0.1, 1.5, math.nan])
def test_a_memory_decay_outside_zero_to_one_is_refused(gamma):
    with pytest.raises(ValueError, match="gamma must be in"):
        update_preference(np.zeros(2), np.zeros(2), gamma)
