"""The Markov reference model agrees with Pfeifer & Carraway's closed form."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from analysis.stats import standard_error
from sim.models.markov import MarkovConfig, analytic_value, simulate
from sim.scenario import Scenario


def markov_scenario(transition, reward, discount_rate, periods=None, customers=20_000):
    states = [f"s{i}" for i in range(len(reward))]
    return Scenario(name="case", model="markov", markov=MarkovConfig(
        states=states, start="s0", transition=transition, reward=reward,
        discount_rate=discount_rate, customers=customers, periods=periods))


def test_retention_closed_form_matches_the_textbook_formula():
    # V = m (1 + d) / (1 + d - r) for constant retention r and margin m
    scenario = markov_scenario([[0.8, 0.2], [0, 1]], [100, 0], 0.1)
    assert analytic_value(scenario.markov)["s0"] == pytest.approx(100 * 1.1 / 0.3)


def test_finite_horizon_closed_form_is_the_finite_sum():
    scenario = markov_scenario([[0.5, 0.5], [0, 1]], [10, 0], 0.0, periods=3)
    # 10 * (1 + 0.5 + 0.25): rewards at t = 0, 1, 2
    assert analytic_value(scenario.markov)["s0"] == pytest.approx(17.5)


CASES = {
    "retention": ([[0.8, 0.2], [0.0, 1.0]], [100, 0], 0.1, None),
    "migration": ([[0.30, 0.70, 0.00, 0.00, 0.00],
                   [0.20, 0.00, 0.80, 0.00, 0.00],
                   [0.15, 0.00, 0.00, 0.85, 0.00],
                   [0.05, 0.00, 0.00, 0.00, 0.95],
                   [0.00, 0.00, 0.00, 0.00, 1.00]], [36, -4, -4, -4, 0], 0.2, None),
    "no_absorbing_state": ([[0.6, 0.4], [0.3, 0.7]], [5, -1], 0.15, None),
    "finite_horizon": ([[0.9, 0.1, 0.0], [0.2, 0.5, 0.3], [0.0, 0.0, 1.0]],
                       [20, 2, 0], 0.05, 12),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_simulated_mean_value_is_within_three_standard_errors_of_the_closed_form(case):
    transition, reward, rate, periods = CASES[case]
    scenario = markov_scenario(transition, reward, rate, periods, customers=20_000)
    results = sim.run(scenario, replications=5, seed=11, workers=1)
    summary = results.summary()
    assert summary["customers"] == 100_000
    assert summary["analytic_value"] == pytest.approx(analytic_value(scenario.markov)["s0"])
    values = results.pairs["value"]
    assert abs(values.mean() - summary["analytic_value"]) <= 3 * standard_error(values)


def test_state_counts_follow_the_chain_and_absorption_is_recorded():
    scenario = markov_scenario([[0.5, 0.5], [0, 1]], [1, 0], 0.0, periods=4, customers=40_000)
    tables = simulate(scenario, np.random.SeedSequence(3))
    counts = tables["timeseries"]
    assert list(counts.columns) == ["period", "n_s0", "n_s1"]
    assert (counts[["n_s0", "n_s1"]].sum(axis=1) == 40_000).all()
    expected = 40_000 * 0.5 ** counts["period"]
    assert np.all(np.abs(counts["n_s0"] - expected) <= 4 * np.sqrt(expected * 0.5 + 1))
    pairs = tables["pairs"]
    still_here = pairs["periods_to_absorption"].isna()
    assert np.allclose(pairs.loc[still_here, "value"], 4.0)  # in s0 throughout: 4 rewards
    assert set(pairs["periods_to_absorption"].dropna().unique()) <= {1.0, 2.0, 3.0, 4.0}


def test_an_open_ended_run_stops_when_every_customer_is_absorbed():
    scenario = markov_scenario([[0.0, 1.0], [0.0, 1.0]], [3, 0], 0.1, customers=10)
    tables = simulate(scenario, np.random.SeedSequence(1))
    assert len(tables["timeseries"]) == 2
    assert np.allclose(tables["pairs"]["value"], 3.0)


@st.composite
def chains(draw):
    """A random absorbing chain: k transient states and one absorbing, zero-reward state."""
    k = draw(st.integers(min_value=1, max_value=4))
    rows = []
    for _ in range(k):
        weights = draw(st.lists(st.floats(0.0, 1.0), min_size=k + 1, max_size=k + 1))
        weights[-1] += 0.2  # every transient state can leave for good
        total = sum(weights)
        row = [w / total for w in weights]
        row[-1] = 1.0 - sum(row[:-1])
        rows.append(row)
    rows.append([0.0] * k + [1.0])
    reward = [*draw(st.lists(st.floats(-10, 50), min_size=k, max_size=k)), 0.0]
    rate = draw(st.floats(0.0, 0.5))
    periods = draw(st.one_of(st.none(), st.integers(1, 30)))
    return rows, reward, rate, periods


@settings(max_examples=25, deadline=None, derandomize=True)
@given(chains())
def test_any_absorbing_chain_matches_its_closed_form(chain):
    transition, reward, rate, periods = chain
    scenario = markov_scenario(transition, reward, rate, periods, customers=4_000)
    results = sim.run(scenario, replications=2, seed=1, workers=1)
    values, expected = results.pairs["value"], results.summary()["analytic_value"]
    tolerance = 4.5 * standard_error(values) + 1e-9 * (1 + abs(expected))
    assert abs(values.mean() - expected) <= tolerance


def test_an_open_ended_chain_that_never_ends_needs_a_discount_or_a_horizon():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="this chain never ends"):
        markov_scenario([[0.5, 0.5], [0.5, 0.5]], [1, 1], 0.0)
    assert markov_scenario([[0.5, 0.5], [0.5, 0.5]], [1, 1], 0.0, periods=10).markov.periods == 10
    # an absorbing, zero-reward state ends the run even without discounting
    scenario = markov_scenario([[0.5, 0.5], [0.0, 1.0]], [1, 0], 0.0)
    assert analytic_value(scenario.markov)["s0"] == pytest.approx(2.0)
