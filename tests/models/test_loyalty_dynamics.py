"""The loyalty model's order parameter against the mean field and a linear-noise law.

For two sellers of equal profit pi the share difference m = (J_1 - J_2) / (J_1 + J_2)
follows m' = (1 - gamma) m + gamma s, where s = +-1 has mean tanh(r m) and r = beta /
beta_c. The mean field is Curie-Weiss: above beta_c, m = tanh(r m) has a root m* > 0 and
y = (1 + m*^2) / 2. Below it, linearising gives a stationary variance of m of
gamma^2 / (1 - a^2), a = 1 - gamma (1 - r), so the mean order parameter is 1/2 plus half
of it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from analysis.stats import standard_error
from sim.models.loyalty import (
    critical_beta,
    in_days,
    mean_field,
    order_parameter,
    seller_names,
    simulate,
    summarize,
)
from sim.models.loyalty_config import LoyaltyConfig
from sim.scenario import Scenario

GAMMA = 0.1
BETA_C = critical_beta(2, GAMMA, 1.0)


def market(days=400, every=50, **section) -> Scenario:
    section = {"buyers": 400, "gamma": GAMMA, **section}
    return Scenario.model_validate({
        "name": "loyalty", "model": "loyalty", "horizon": f"{days} days",
        "sample_every": f"{every} days", "loyalty": section})


def one_replication(scenario, seed=1, events=False):
    return simulate(scenario, np.random.SeedSequence(seed), events=events)


def curie_weiss_y(ratio: float) -> float:
    m = brentq(lambda m: m - math.tanh(ratio * m), 1e-9, 1.0)
    return (1 + m * m) / 2


@pytest.mark.parametrize("ratio", [0.25, 0.5])
def test_below_the_threshold_y_sits_at_the_linear_noise_value(ratio):
    y = one_replication(market(beta=ratio * BETA_C))["pairs"]["y"]
    a = 1 - GAMMA * (1 - ratio)
    expected = 0.5 + GAMMA**2 / (1 - a * a) / 2
    assert abs(y.mean() - expected) <= 4 * standard_error(y), (y.mean(), expected)


@pytest.mark.parametrize("ratio", [2.0, 4.0])
def test_above_the_threshold_y_is_the_mean_field_root(ratio):
    y = one_replication(market(beta=ratio * BETA_C), seed=2)["pairs"]["y"]
    expected = curie_weiss_y(ratio)
    assert abs(y.mean() - expected) <= 4 * standard_error(y) + 1e-4, (y.mean(), expected)


def test_the_mean_field_dynamics_reaches_the_curie_weiss_state_from_a_small_asymmetry():
    for ratio in (1.5, 3.0):
        J = mean_field([1.0, 1.0], beta=ratio * BETA_C, gamma=GAMMA, start=[[5.1, 4.9]],
                       days=3000)
        assert order_parameter(J)[0] == pytest.approx(curie_weiss_y(ratio), abs=1e-6)
        assert J.sum() == pytest.approx(1.0 / GAMMA)
    below = mean_field([1.0, 1.0], beta=0.8 * BETA_C, gamma=GAMMA, start=[[9.0, 1.0]],
                       days=3000)
    assert below[0] == pytest.approx([5.0, 5.0], abs=1e-6)


def test_mean_field_takes_one_sensitivity_per_row():
    J = mean_field([1.0, 1.0], beta=[0.5 * BETA_C, 3.0 * BETA_C], gamma=GAMMA,
                   start=[[5.1, 4.9], [5.1, 4.9]], days=3000)
    assert order_parameter(J) == pytest.approx([0.5, curie_weiss_y(3.0)], abs=1e-6)


def test_loyal_buyers_are_split_evenly_between_two_equal_sellers():
    pairs = one_replication(market(beta=4 * BETA_C), seed=3)["pairs"]
    first = (pairs["favourite"] == "seller_1").to_numpy(dtype=float)
    assert abs(first.mean() - 0.5) <= 4 * math.sqrt(0.25 / first.size)
    summary = summarize({"pairs": pairs}, market(beta=4 * BETA_C))
    assert summary["loyal_share"] > 0.9 and summary["y_disordered"] == 0.5


def test_a_more_profitable_seller_draws_more_visits_even_without_loyalty():
    pairs = one_replication(market(beta=0.5 * BETA_C, profits=[1.0, 2.0]), seed=4)["pairs"]
    share = pairs["visits_seller_2"] / (pairs["visits_seller_1"] + pairs["visits_seller_2"])
    assert share.mean() - 4 * standard_error(share) > 0.5


def test_below_the_threshold_loyal_buyers_leave_for_a_better_entrant_and_above_they_stay():
    def switched(beta):
        scenario = market(days=600, profits=[1.0], beta=beta,
                          entrant={"at": "300 days", "profit": 1.25})
        return summarize(one_replication(scenario, seed=5), scenario)["switched_to_entrant"]

    beta_c = critical_beta(1, GAMMA, 1.0)
    low, high = switched(0.5 * beta_c), switched(5 * beta_c)
    margin = 4 * math.sqrt((low * (1 - low) + high * (1 - high)) / 400 + 1e-12)
    assert low - high > margin, (low, high)
    assert high == 0.0  # hysteresis: J = 10 for the incumbent against 0 for the entrant


def test_an_entrant_that_opens_with_a_stronger_preference_wins_the_loyal_buyers():
    # incumbent J = profit / gamma = 10; an entrant known better than that from the start
    # takes the loyal buyers at once, the reverse of the hysteresis above
    scenario = market(days=400, profits=[1.0], beta=5 * critical_beta(1, GAMMA, 1.0),
                      entrant={"at": "200 days", "profit": 1.0, "initial_preference": 20.0})
    summary = summarize(one_replication(scenario, seed=6), scenario)
    assert summary["switched_to_entrant"] == 1.0
    assert summary["visit_share"]["entrant"] > 0.45


def test_with_full_forgetting_and_a_future_entrant_buyers_still_choose_among_incumbents():
    # gamma = 1 turned the closed entrant's -inf preference into nan after the first day,
    # and from then on every buyer visited seller_1 alone until the entrant opened
    scenario = market(days=20, every=10, beta=0.1, gamma=1.0,
                      entrant={"at": "10 days", "profit": 1.0})
    series = one_replication(scenario)["timeseries"]
    before = series[series["day"] == 10].iloc[0]
    visits = before["visits_seller_2"] / (before["visits_seller_1"] + before["visits_seller_2"])
    assert abs(visits - 0.5) <= 4 * math.sqrt(0.25 / (400 * 10))
    assert before["visits_entrant"] == 0
    assert np.isfinite(one_replication(scenario)["pairs"]["preference_entrant"]).all()


def test_an_entrant_that_never_opens_leaves_finite_preferences_and_y():
    scenario = market(days=30, every=10, gamma=1.0, entrant={"at": "100 days", "profit": 2.0})
    pairs = one_replication(scenario)["pairs"]
    assert (pairs["preference_entrant"] == 0).all() and (pairs["visits_entrant"] == 0).all()
    assert pairs["y"].between(0.5, 1.0).all()


def test_events_are_the_days_a_favourite_changes():
    tables = one_replication(market(days=60, every=10, beta=0.5 * BETA_C), events=True)
    events, pairs = tables["events"], tables["pairs"]
    last = events.sort_values("day").groupby("buyer")["to_seller"].last()
    assert (pairs.set_index("buyer").loc[last.index, "favourite"] == last).all()
    assert list(events.columns) == ["day", "buyer", "kind", "from_seller", "to_seller"]
    assert events["kind"].eq("favourite_change").all()


def test_seller_names_days_and_the_size_limit():
    assert seller_names(LoyaltyConfig(profits=[1.0, 2.0, 3.0])) == [
        "seller_1", "seller_2", "seller_3"]
    with_entrant = LoyaltyConfig(profits=[1.0], entrant={"at": "2 weeks", "profit": 2.0})
    assert seller_names(with_entrant) == ["seller_1", "entrant"]
    assert in_days(with_entrant.entrant.at) == 14 and in_days(0.5 / 7) == 0
    with pytest.raises(ValueError, match="buyers x sellers is 12,000,000"):
        LoyaltyConfig(buyers=4_000_000, profits=[1.0, 1.0], entrant={"at": 1, "profit": 1.0})
