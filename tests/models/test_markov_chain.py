"""The Markov model against closed forms of customer lifetime value and retention."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from analysis.stats import standard_error
from sim.models.markov import MarkovConfig, analytic_value, finished_states, simulate, summarize
from sim.scenario import Scenario, ScenarioError


def chain(transition, reward, discount_rate, periods=None, customers=5_000, start="s0"):
    states = [f"s{i}" for i in range(len(reward))]
    return Scenario(name="chain", model="markov", markov=MarkovConfig(
        states=states, start=start, transition=transition, reward=reward,
        discount_rate=discount_rate, customers=customers, periods=periods))


def one_replication(scenario, seed=4):
    return simulate(scenario, np.random.SeedSequence(seed))


@pytest.mark.parametrize(("retention", "rate"), [(0.5, 0.0), (0.8, 0.1), (0.95, 0.2),
                                                  (0.0, 0.3)])
def test_retention_value_is_the_geometric_series_of_margins(retention, rate):
    # sum_t m (r / (1 + d))^t = m (1 + d) / (1 + d - r), also without discounting
    scenario = chain([[retention, 1 - retention], [0.0, 1.0]], [40, 0], rate)
    expected = 40 * (1 + rate) / (1 + rate - retention)
    assert analytic_value(scenario.markov) == pytest.approx({"s0": expected, "s1": 0.0})


def test_a_two_state_chain_without_absorption_solves_the_two_linear_equations():
    # V_a = 5 + (0.6 V_a + 0.4 V_b) / 1.1 and V_b = -1 + (0.3 V_a + 0.7 V_b) / 1.1, by hand
    p, q, rate = 0.4, 0.3, 0.1
    scenario = chain([[1 - p, p], [q, 1 - q]], [5, -1], rate)
    system = np.array([[1 - (1 - p) / 1.1, -p / 1.1], [-q / 1.1, 1 - (1 - q) / 1.1]])
    v_a, v_b = np.linalg.solve(system, [5, -1])
    assert analytic_value(scenario.markov) == pytest.approx({"s0": v_a, "s1": v_b})
    assert v_a > v_b


def test_an_absorbing_state_that_still_earns_is_a_perpetuity():
    # a customer kept for good at margin m is worth m (1 + d) / d, reached after one period
    scenario = chain([[0.0, 1.0], [0.0, 1.0]], [3, 2], 0.25)
    assert not finished_states(np.array([[0.0, 1.0], [0.0, 1.0]]), np.array([3.0, 2.0])).any()
    values = analytic_value(scenario.markov)
    assert values["s1"] == pytest.approx(2 * 1.25 / 0.25)
    assert values["s0"] == pytest.approx(3 + values["s1"] / 1.25)


def test_a_long_finite_horizon_approaches_the_infinite_value():
    transition, reward = [[0.7, 0.2, 0.1], [0.3, 0.5, 0.2], [0.0, 0.0, 1.0]], [10, 4, 0]
    infinite = analytic_value(chain(transition, reward, 0.05).markov)["s0"]
    finite = [analytic_value(chain(transition, reward, 0.05, periods=t).markov)["s0"]
              for t in (1, 5, 50, 500)]
    assert finite[0] == 10  # one period: the first margin only
    assert finite == sorted(finite) and finite[-1] == pytest.approx(infinite, rel=1e-9)


def test_a_deterministic_cycle_books_exactly_its_rewards_for_every_customer():
    scenario = chain([[0.0, 1.0], [1.0, 0.0]], [1, 2], 0.0, periods=5, customers=50)
    tables = one_replication(scenario)
    assert np.allclose(tables["pairs"]["value"], 1 + 2 + 1 + 2 + 1)
    assert tables["pairs"]["periods_to_absorption"].isna().all()
    assert tables["timeseries"]["n_s0"].tolist() == [50, 0, 50, 0, 50]
    assert analytic_value(scenario.markov)["s0"] == 7
    discounted = chain([[0.0, 1.0], [1.0, 0.0]], [1, 2], 0.25, periods=3, customers=50)
    values = one_replication(discounted)["pairs"]["value"]
    assert np.allclose(values, 1 + 2 / 1.25 + 1 / 1.25**2)  # each period one factor more
    assert analytic_value(discounted.markov)["s0"] == pytest.approx(3.24)


def test_periods_to_absorption_are_geometric_with_mean_one_over_churn():
    retention = 0.75
    scenario = chain([[retention, 1 - retention], [0.0, 1.0]], [1, 0], 0.0, customers=20_000)
    lifetimes = one_replication(scenario)["pairs"]["periods_to_absorption"]
    assert lifetimes.notna().all() and lifetimes.min() == 1
    assert abs(lifetimes.mean() - 1 / (1 - retention)) <= 4 * standard_error(lifetimes)
    # undiscounted, a customer earns one margin per period before absorption
    values = one_replication(scenario)["pairs"]["value"]
    assert np.array_equal(values, lifetimes)


def test_the_share_still_active_after_t_periods_is_retention_to_the_t():
    retention, customers = 0.8, 40_000
    scenario = chain([[retention, 1 - retention], [0.0, 1.0]], [1, 0], 0.0, periods=8,
                     customers=customers)
    counts = one_replication(scenario, seed=12)["timeseries"]
    expected = retention ** counts["period"].to_numpy()
    observed = counts["n_s0"].to_numpy() / customers
    error = np.sqrt(expected * (1 - expected) / customers)
    assert np.all(np.abs(observed - expected) <= 4 * error + 1e-12)


def test_a_customer_can_start_in_any_state():
    transition, reward = [[0.6, 0.4, 0.0], [0.2, 0.5, 0.3], [0.0, 0.0, 1.0]], [12, 3, 0]
    scenario = chain(transition, reward, 0.1, customers=20_000, start="s1")
    values = one_replication(scenario)["pairs"]["value"]
    expected = analytic_value(scenario.markov)["s1"]
    assert abs(values.mean() - expected) <= 4 * standard_error(values)
    assert summarize(one_replication(scenario), scenario)["analytic_value"] == expected


def test_the_same_seed_gives_the_same_customers_and_another_seed_others():
    scenario = chain([[0.8, 0.2], [0.0, 1.0]], [10, 0], 0.1, customers=500)
    first, again, other = (one_replication(scenario, seed) for seed in (3, 3, 4))
    assert first["pairs"].equals(again["pairs"])
    assert first["timeseries"].equals(again["timeseries"])
    assert not first["pairs"]["value"].equals(other["pairs"]["value"])


def test_the_summary_names_the_horizon_and_counts_the_customers():
    open_ended = chain([[0.8, 0.2], [0.0, 1.0]], [10, 0], 0.1, customers=30)
    finite = chain([[0.8, 0.2], [0.0, 1.0]], [10, 0], 0.1, periods=6, customers=30)
    assert summarize(one_replication(open_ended), open_ended) == {
        "customers": 30, "analytic_value": pytest.approx(10 * 1.1 / 0.3),
        "horizon": "infinite"}
    assert summarize(one_replication(finite), finite)["horizon"] == "6 periods"


def test_a_run_through_the_runner_reports_simulated_and_closed_form_customer_value():
    from analysis.metrics import key_figures

    scenario = chain([[0.8, 0.2], [0.0, 1.0]], [100, 0], 0.1, customers=4_000)
    results = sim.run(scenario, replications=4, seed=2, workers=1)
    figures = key_figures(results).set_index("metric")
    by_replication = results.pairs.groupby("replication")["value"].mean()
    assert figures.loc["customer_value", "value"] == pytest.approx(by_replication.mean())
    assert figures.loc["analytic_value", "value"] == pytest.approx(100 * 1.1 / 0.3)
    values = results.pairs["value"]
    assert abs(values.mean() - 100 * 1.1 / 0.3) <= 4 * standard_error(values)


BAD_SECTIONS = [
    ("states: [a, b, a]", "markov.states: state names must be unique, repeated: a"),
    ("start: c", "markov.start: unknown state 'c'; states are a, b"),
    ("transition: [[0.5, 0.6], [0.0, 1.0]]",
     "markov.transition[0]: transition row must sum to 1, sums to 1.1"),
    ("transition: [[1.0, 0.0]]", "markov.transition: needs 2 rows (one per state), got 1"),
    ("transition: [[1.0], [0.0, 1.0]]", "markov.transition: row 0 needs 2 columns, got 1"),
    ("reward: [1, 0, 2]", "markov.reward: needs 2 values (one per state), got 3"),
    ("discount_rate: -0.1", "markov.discount_rate: "),
    ("customers: 20000000", "markov.customers: "),
    ("transition: [[1.2, -0.2], [0.0, 1.0]]", "markov.transition[0][0]: "),
]


@pytest.mark.parametrize(("change", "message"), BAD_SECTIONS, ids=[c for c, _ in BAD_SECTIONS])
def test_a_bad_markov_section_is_refused_at_its_field_and_line(write_yaml, change, message):
    section = {"states": "[a, b]", "start": "a", "transition": "[[0.8, 0.2], [0.0, 1.0]]",
               "reward": "[1, 0]", "discount_rate": "0.1"}
    key, value = change.split(": ", 1)
    section[key] = value
    lines = "".join(f"  {k}: {v}\n" for k, v in section.items())
    file = write_yaml("chain.yaml", f"name: chain\nmodel: markov\nmarkov:\n{lines}")
    with pytest.raises(ScenarioError) as refused:
        sim.load_scenario(file)
    line = 4 + list(section).index(key)
    assert any(str(p).startswith(f"{file}:{line}: {message}") for p in refused.value.problems), (
        [str(p) for p in refused.value.problems])
