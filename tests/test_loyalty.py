"""The loyalty reference model (Weisbuch, Kirman & Herreiner 2000)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import sim
from sim.models import choice
from sim.models.loyalty import (
    LoyaltyConfig,
    critical_beta,
    mean_field,
    order_parameter,
    simulate,
)
from sim.scenario import Scenario, ScenarioError, load_scenario


def loyalty_scenario(days: int = 200, every: int = 10, **section) -> Scenario:
    """A loyalty scenario of ``days`` days sampled every ``every`` days."""
    section = {"buyers": 200, **section}
    return Scenario.model_validate({
        "name": "loyalty", "model": "loyalty", "horizon": f"{days} days",
        "sample_every": f"{every} days", "loyalty": section,
    })


def one_replication(scenario: Scenario, seed: int = 5, events: bool = False) -> dict:
    return simulate(scenario, np.random.SeedSequence(seed), events=events)


# ---------------------------------------------------------------- order parameter


def test_order_parameter_of_known_preferences():
    preferences = np.array([[1.0, 1.0], [3.0, 1.0], [2.0, 0.0], [1.0, 1.0]])
    assert order_parameter(preferences) == pytest.approx([0.5, 0.625, 1.0, 0.5])


def test_order_parameter_is_one_over_n_for_even_preferences_and_one_for_a_single_seller():
    even = np.full((1, 5), 3.0)
    single = np.array([[0.0, 0.0, 7.0, 0.0, 0.0]])
    assert order_parameter(even)[0] == pytest.approx(0.2)
    assert order_parameter(single)[0] == pytest.approx(1.0)


def test_buyer_without_preference_counts_as_spread_over_the_open_sellers():
    assert order_parameter(np.zeros((2, 3)))[0] == pytest.approx(1 / 3)
    assert order_parameter(np.zeros((1, 3)), available=2)[0] == pytest.approx(0.5)


@given(arrays(float, (4, 3), elements=st.floats(0, 100)))
def test_order_parameter_lies_between_one_over_n_and_one(preferences):
    y = order_parameter(preferences)
    assert np.all(y >= 1 / 3 - 1e-12)
    assert np.all(y <= 1 + 1e-12)


def test_critical_beta_is_n_gamma_over_profit():
    assert critical_beta(3, 0.1, 2.0) == pytest.approx(0.15)


# ---------------------------------------------------------------- shared choice rule


@given(arrays(float, (5, 4), elements=st.floats(-50, 50)), st.floats(0, 20))
def test_choice_on_an_array_equals_the_rule_applied_buyer_by_buyer(preferences, beta):
    together = choice.choice_probabilities(preferences, beta)
    for row, chances in zip(preferences, together, strict=True):
        assert chances == pytest.approx(choice.choice_probabilities(row.tolist(), beta))


def test_a_seller_not_open_yet_is_never_chosen_even_without_sensitivity():
    chances = choice.choice_probabilities(np.array([[2.0, -np.inf, 1.0]]), beta=0.0)
    assert chances.tolist() == [[0.5, 0.0, 0.5]]


def test_logit_odds_equal_exp_beta_times_preference_gap():
    chances = choice.choice_probabilities(np.array([[3.0, 1.0]]), beta=0.7)
    assert chances[0, 0] / chances[0, 1] == pytest.approx(math.exp(0.7 * 2.0))


def test_the_model_calls_the_shared_choice_rule(monkeypatch):
    calls = []
    original = choice.choice_probabilities

    def spy(preferences, beta):
        calls.append(beta)
        return original(preferences, beta)

    monkeypatch.setattr("sim.models.loyalty.choice_probabilities", spy)
    one_replication(loyalty_scenario(days=5, beta=0.3))
    assert calls == [0.3] * 5


# ---------------------------------------------------------------- preference update


def test_one_day_decays_every_preference_and_adds_the_profit_of_the_visit():
    scenario = loyalty_scenario(days=1, every=1, profits=[1.0, 3.0], gamma=0.1,
                                initial_preference=2.0)
    pairs = one_replication(scenario)["pairs"]
    preferences = pairs[["preference_seller_1", "preference_seller_2"]].to_numpy()
    visited = pairs[["visits_seller_1", "visits_seller_2"]].to_numpy()
    expected = 0.9 * 2.0 + visited * np.array([1.0, 3.0])
    assert visited.sum(axis=1).tolist() == [1] * len(pairs)
    assert preferences == pytest.approx(expected)


def test_without_memory_a_buyer_prefers_only_the_seller_it_visited_last():
    pairs = one_replication(loyalty_scenario(days=30, gamma=1.0, profits=[1.0, 2.0]))["pairs"]
    preferences = pairs[["preference_seller_1", "preference_seller_2"]].to_numpy()
    assert np.all((preferences > 0).sum(axis=1) == 1)
    assert set(np.round(preferences[preferences > 0], 12)) <= {1.0, 2.0}


def test_mean_field_preference_is_profit_times_probability_over_gamma():
    # with beta = 0 each of 2 sellers gets half the visits: J = profit / (2 gamma)
    J = mean_field([1.0, 3.0], beta=0.0, gamma=0.2, start=[[0.0, 0.0]], days=400)
    assert J[0] == pytest.approx([2.5, 7.5])


# ---------------------------------------------------------------- outputs


def test_visits_and_profits_add_up_in_the_timeseries():
    days, every, buyers = 100, 10, 200
    tables = one_replication(loyalty_scenario(days=days, every=every, profits=[1.0, 2.5]))
    series, pairs = tables["timeseries"], tables["pairs"]
    visits = series[["visits_seller_1", "visits_seller_2"]].sum(axis=1)
    assert series["day"].tolist() == list(range(0, days + 1, every))
    assert visits.tolist() == [0] + [every * buyers] * (days // every)
    assert series["profit_seller_2"].to_numpy() == pytest.approx(
        2.5 * series["visits_seller_2"].to_numpy())
    assert (pairs["visits_seller_1"] + pairs["visits_seller_2"]).eq(days).all()


def test_without_sensitivity_visits_are_spread_evenly():
    buyers, days = 500, 100
    pairs = one_replication(loyalty_scenario(days=days, buyers=buyers, beta=0.0,
                                             profits=[1.0, 1.0, 1.0]))["pairs"]
    share = pairs["visits_seller_1"].sum() / (buyers * days)
    standard_error = math.sqrt((1 / 3) * (2 / 3) / (buyers * days))
    assert abs(share - 1 / 3) < 4 * standard_error


def test_timeseries_y_is_the_mean_of_the_buyers_final_y():
    tables = one_replication(loyalty_scenario(days=50, every=10))
    assert tables["timeseries"]["y"].iloc[-1] == pytest.approx(tables["pairs"]["y"].mean())


def test_buyers_spread_below_the_threshold_and_become_loyal_above_it():
    beta_c = critical_beta(2, 0.1, 1.0)
    below = one_replication(loyalty_scenario(days=400, beta=0.5 * beta_c))["pairs"]["y"]
    above = one_replication(loyalty_scenario(days=400, beta=2.0 * beta_c))["pairs"]["y"]
    # y is 1/2 for spread visits and 1 for loyal ones; mean field at 2 beta_c gives 0.958
    assert below.mean() < 0.6
    assert above.mean() > 0.9


def test_entrant_gets_no_visit_before_it_opens():
    scenario = loyalty_scenario(days=100, every=10,
                                entrant={"at": "50 days", "profit": 2.0})
    tables = one_replication(scenario)
    series = tables["timeseries"]
    assert series.loc[series["day"] <= 50, "visits_entrant"].eq(0).all()
    assert series.loc[series["day"] > 50, "visits_entrant"].sum() > 0
    assert set(tables["pairs"]["favourite_before_entry"]) <= {"seller_1", "seller_2"}


def test_events_record_changes_of_favourite():
    tables = one_replication(loyalty_scenario(days=40, beta=0.1), events=True)
    events = tables["events"]
    assert len(events) > 0
    assert (events["from_seller"] != events["to_seller"]).all()
    assert events["day"].between(1, 40).all()


def test_same_seed_gives_the_same_tables():
    scenario = loyalty_scenario(days=30)
    first, second = one_replication(scenario, seed=9), one_replication(scenario, seed=9)
    assert first["pairs"].equals(second["pairs"])
    assert first["timeseries"].equals(second["timeseries"])


def test_summary_reports_threshold_and_switching():
    scenario = loyalty_scenario(days=60, entrant={"at": "30 days", "profit": 1.5}, beta=0.4)
    results = sim.run(scenario, replications=2, seed=1, workers=1)
    summary = results.summary()
    assert summary["critical_beta"] == pytest.approx(0.2)
    assert summary["beta_over_critical"] == pytest.approx(2.0)
    assert "y_final" not in summary  # the mean order parameter is the analysis's key figure
    assert 0.0 <= summary["switched_to_entrant"] <= 1.0
    assert sum(summary["visit_share"].values()) == pytest.approx(1.0)


# ---------------------------------------------------------------- scenarios


def test_loyalty_section_rejects_unknown_keys_and_bad_decay():
    with pytest.raises(ValueError, match="extra"):
        LoyaltyConfig(profits=[1.0, 1.0], memory=3)
    with pytest.raises(ValueError, match="gamma"):
        LoyaltyConfig(gamma=0.0)


def test_a_loyalty_scenario_needs_its_section():
    with pytest.raises(ScenarioError, match="loyalty"):
        from sim.scenario import validate

        validate({"name": "x", "model": "loyalty"})


@pytest.mark.parametrize("name", ["loyalty_two_sellers", "loyalty_three_sellers",
                                  "loyalty_entrant", "loyalty_incumbent_entrant"])
def test_bundled_loyalty_scenarios_cite_their_source(name):
    scenario = load_scenario(name)
    assert scenario.model == "loyalty"
    assert "Weisbuch, Kirman & Herreiner" in scenario.description


# ---------------------------------------------------------------- one incumbent and an entrant


def _finite_numbers(summary: dict) -> list[float]:
    """Every number in a summary, nested dicts included."""
    numbers = []
    for value in summary.values():
        if isinstance(value, dict):
            numbers += _finite_numbers(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            numbers.append(float(value))
    return numbers


def test_one_incumbent_and_an_entrant_make_a_market_without_a_dummy_seller():
    scenario = load_scenario("loyalty_incumbent_entrant", ["loyalty.buyers=100"])
    assert scenario.loyalty.profits == [1.0] and scenario.loyalty.entrant.profit == 1.25
    results = sim.run(scenario, replications=2, seed=3, workers=1)
    summary = results.summary()
    assert summary["sellers"] == 1
    assert summary["critical_beta"] == pytest.approx(0.1)  # gamma / profit of the incumbent
    assert summary["beta_over_critical"] == pytest.approx(4.0)
    assert set(summary["visit_share"]) == {"seller_1", "entrant"}
    assert sum(summary["visit_share"].values()) == pytest.approx(1.0)
    # every buyer knows only the incumbent before the entry
    assert (results.pairs["favourite_before_entry"] == "seller_1").all()
    assert 0.0 < summary["visit_share"]["entrant"] < 1.0
    assert all(math.isfinite(x) for x in _finite_numbers(summary))


def test_dyadsim_run_finishes_the_incumbent_and_entrant_scenario(dyadsim, tmp_path):
    done = dyadsim("run", "loyalty_incumbent_entrant", "-n", "3", "--seed", "4", "-w", "1",
                   "--set", "loyalty.buyers=50", "--set", "horizon=300 days",
                   "--out", tmp_path / "entry", "-q")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    summary = json.loads((tmp_path / "entry" / "summary.json").read_text())
    figure = summary["key_figures"]["order_parameter"]
    assert 0.5 <= figure["value"] <= 1.0  # y of one incumbent and an entrant lies in [1/2, 1]
    assert all(math.isfinite(x) for x in _finite_numbers(summary))


def test_a_loyalty_horizon_shorter_than_a_day_is_refused():
    with pytest.raises(ScenarioError, match="at least 1"):
        from sim.scenario import validate

        validate({"name": "x", "model": "loyalty", "horizon": "0.2 days",
                  "sample_every": "0.1 days", "loyalty": {"profits": [1.0]}})


@settings(max_examples=25, deadline=None)
@given(
    profits=st.lists(st.floats(0.01, 1e6), min_size=1, max_size=3),
    entrant=st.one_of(st.none(), st.fixed_dictionaries({
        "at": st.integers(0, 40).map(lambda d: f"{d} days"),
        "profit": st.floats(0.01, 1e6),
        "initial_preference": st.floats(0.0, 1e6),
    })),
    beta=st.floats(0.0, 1000.0),
    gamma=st.floats(0.001, 1.0),
    days=st.integers(1, 30),
    buyers=st.integers(1, 20),
    initial=st.floats(0.0, 1e6),
)
def test_every_small_valid_loyalty_market_runs_to_a_finite_summary(
        profits, entrant, beta, gamma, days, buyers, initial):
    section = {"buyers": buyers, "profits": profits, "beta": beta, "gamma": gamma,
               "initial_preference": initial, "entrant": entrant}
    scenario = loyalty_scenario(days=days, every=max(1, days // 3), **section)
    results = sim.run(scenario, replications=1, seed=2, workers=1)
    summary = results.summary()
    assert all(math.isfinite(x) for x in _finite_numbers(summary)), summary
    assert sum(summary["visit_share"].values()) == pytest.approx(1.0)
    y = results.pairs["y"]
    open_sellers = len(profits) + (entrant is not None)
    assert ((y >= 1 / open_sellers - 1e-9) & (y <= 1 + 1e-9)).all()
