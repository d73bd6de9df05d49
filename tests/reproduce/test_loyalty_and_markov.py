"""The loyalty and Markov reproductions: mean-field theory, and verdicts on runs of known shape."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from stub_runs import StubContext, results

from reproduce import loyalty_hysteresis, loyalty_transition, markov_clv
from reproduce.loyalty_hysteresis import mean_field_threshold, switched_share, threshold
from reproduce.loyalty_transition import THEORY_GRID, crossing, mean_field_curve
from sim.models.loyalty import critical_beta
from sim.scenario import load_scenario


@pytest.fixture(autouse=True)
def no_drawing(monkeypatch):
    for module in (loyalty_hysteresis, loyalty_transition, markov_clv):
        monkeypatch.setattr(module, "_figure", lambda *args: args[-1])


def setting(overrides, key: str) -> float:
    """The value of override ``key=value`` among ``overrides``."""
    return float(next(text.split("=", 1)[1] for text in overrides if text.startswith(key + "=")))


# ---------------------------------------------------------------- loyalty-transition: theory


@pytest.mark.parametrize("name, sellers", [("loyalty_two_sellers", 2),
                                           ("loyalty_three_sellers", 3)])
def test_the_mean_field_curve_is_spread_below_beta_c_and_loyal_above(name, sellers):
    curve = mean_field_curve(load_scenario(name).loyalty, [0.5, 0.9, 2.0, 3.0])
    assert curve[:2] == pytest.approx([1 / sellers] * 2, abs=1e-3)
    assert curve[2] > 0.9 and curve[3] > curve[2]


def test_the_two_seller_mean_field_curve_crosses_its_middle_at_a_quarter_above_beta_c():
    curve = mean_field_curve(load_scenario("loyalty_two_sellers").loyalty, THEORY_GRID)
    assert crossing(THEORY_GRID, curve, 0.75) == pytest.approx(1.25, abs=0.03)
    assert np.all(np.diff(curve) >= -1e-9)  # y never falls as beta rises


def test_the_three_seller_mean_field_curve_jumps_just_above_beta_c():
    curve = mean_field_curve(load_scenario("loyalty_three_sellers").loyalty, THEORY_GRID)
    middle = (1 + 1 / 3) / 2
    where = crossing(THEORY_GRID, curve, middle)
    assert 1.0 < where < 1.1
    jump = np.argmax(np.diff(curve))
    assert curve[jump + 1] - curve[jump] > 0.3  # a jump, not a gradual rise


def test_crossing_takes_the_first_time_the_level_is_reached():
    assert crossing([1, 2, 3, 4], [0.1, 0.6, 0.2, 0.9], 0.5) == pytest.approx(1.8)
    assert crossing([1, 2], [0.5, 0.9], 0.5) != crossing([1, 2], [0.4, 0.9], 0.5)
    assert np.isnan(crossing([1, 2], [0.5, 0.9], 0.5))  # already there: never crosses


def test_settled_y_averages_each_replications_samples_after_the_fraction():
    series = pd.DataFrame({"replication": [0] * 5 + [1] * 5, "day": list(range(0, 50, 10)) * 2,
                           "y": [0.5, 0.5, 0.5, 0.8, 1.0, 0.5, 0.5, 0.5, 0.6, 0.6]})
    # after 0.75 of the last day (40): days 30 and 40
    assert loyalty_transition._settled_y(series, 0.75) == pytest.approx([0.9, 0.6])


# ---------------------------------------------------------------- loyalty-transition: verdicts


def transition_runs(y_of_ratio, seeds=5, noise=0.01):
    """Loyalty runs whose settled y is ``y_of_ratio(beta / beta_c, n)`` plus seed noise."""
    def make(name, overrides, events):
        config = load_scenario(name).loyalty
        beta_c = critical_beta(config.sellers, config.gamma, float(np.mean(config.profits)))
        ratio = setting(overrides, "loyalty.beta") / beta_c
        rng = np.random.default_rng(round(ratio * 100))
        rows = [{"replication": r, "day": day,
                 "y": y_of_ratio(ratio, config.sellers) + noise * rng.standard_normal()}
                for r in range(seeds) for day in (0, 500, 1000)]
        return results(pd.DataFrame(), pd.DataFrame(rows), manifest_data={})
    return make


def sharp(ratio, sellers):
    spread = 1 / sellers
    return spread + (1 - spread) / (1 + np.exp(-12 * (ratio - 1.1)))


def test_a_transition_near_beta_c_passes_for_two_and_three_sellers(tmp_path):
    context = StubContext(transition_runs(sharp), tmp_path)
    check = loyalty_transition.reproduce(context)
    assert check.passed and len(check.verdicts) == 6
    assert [v.label for v in check.verdicts[:3]] == [
        "2 sellers, beta = beta_c/2: disorder", "2 sellers, beta = 2 beta_c: order",
        "2 sellers: y crosses 0.750 near beta_c"]
    assert check.verdicts[2].expected == "beta/beta_c in [0.67, 1.50]"
    # quick run: 4 sensitivities x 2 markets, 5 seeds of 300 buyers each
    assert len(context.calls) == 8 and {call[2] for call in context.calls} == {5}
    assert all("loyalty.buyers=300" in call[1] for call in context.calls)


def test_a_transition_far_above_beta_c_fails_the_crossing(tmp_path):
    def late(ratio, sellers):
        return sharp(ratio / 1.7, sellers)
    check = loyalty_transition.reproduce(StubContext(transition_runs(late), tmp_path))
    crossing_verdicts = [v for v in check.verdicts if "crosses" in v.label]
    assert not any(v.passed for v in crossing_verdicts) and not check.passed


def test_buyers_who_never_become_loyal_fail_the_order_verdicts(tmp_path):
    check = loyalty_transition.reproduce(
        StubContext(transition_runs(lambda ratio, sellers: 1 / sellers), tmp_path))
    passed = {v.label: v.passed for v in check.verdicts}
    assert passed["2 sellers, beta = beta_c/2: disorder"]
    assert not passed["2 sellers, beta = 2 beta_c: order"]
    assert not passed["3 sellers, beta = 2 beta_c: order"]


# ---------------------------------------------------------------- loyalty-hysteresis


def test_switched_share_is_of_buyers_loyal_to_an_incumbent_before_entry():
    pairs = pd.DataFrame({
        "replication": [0, 0, 0, 0, 1, 1],
        "favourite_before_entry": pd.Series(["seller_1", "seller_2", "", pd.NA,
                                             "seller_1", ""], dtype="string"),
        "favourite": pd.Series(["entrant", "seller_2", "entrant", "entrant", "seller_1",
                                "entrant"], dtype="string"),
    })
    # replication 0: two loyal, one moved; replication 1: one loyal, none moved
    assert switched_share(pairs) == pytest.approx([0.5, 0.0])


def test_a_replication_without_loyal_buyers_has_no_switched_share():
    pairs = pd.DataFrame({"replication": [0, 0],
                          "favourite_before_entry": pd.Series(["", ""], dtype="string"),
                          "favourite": pd.Series(["entrant", "seller_1"], dtype="string")})
    assert np.isnan(switched_share(pairs)).all()


@pytest.mark.parametrize("shares, expected", [
    ([0.1, 0.5, 0.9], 2.0),              # reached exactly at the second point
    ([0.0, 0.0, 1.0], np.sqrt(3 * 5) - 1),  # halfway between log 3 and log 5
    ([0.6, 0.9, 1.0], 0.2),              # already past half at the first point
    ([0.1, 0.2, 0.3], np.nan),           # never
])
def test_the_threshold_is_where_half_switch_in_log_one_plus_advantage(shares, expected):
    found = threshold([0.2, 2.0, 4.0], shares)
    if np.isnan(expected):
        assert np.isnan(found)
    else:
        assert found == pytest.approx(expected)


def test_the_mean_field_threshold_rises_with_beta():
    scenario = load_scenario("loyalty_entrant")
    config = scenario.loyalty
    beta_c = critical_beta(config.sellers, config.gamma, float(np.mean(config.profits)))
    low, high = (mean_field_threshold(scenario, ratio * beta_c) for ratio in (2.0, 3.0))
    moderate = config.entrant.profit / np.mean(config.profits) - 1
    assert moderate < low < high < np.inf


def hysteresis_runs(threshold_of_ratio, seeds=4, buyers=40):
    """Entrant runs where buyers switch when the advantage beats ``threshold_of_ratio``."""
    def make(name, overrides, events):
        config = load_scenario(name).loyalty
        incumbent = float(np.mean(config.profits))
        beta_c = critical_beta(config.sellers, config.gamma, incumbent)
        ratio = setting(overrides, "loyalty.beta") / beta_c
        advantage = setting(overrides, "loyalty.entrant.profit") / incumbent - 1
        share = 1 / (1 + (threshold_of_ratio(ratio) / advantage) ** 3)
        rows = []
        for r in range(seeds):
            moved = round(share * buyers) + (r % 2 if 0 < share < 1 else 0)
            moved = min(moved, buyers)
            rows += [{"replication": r, "favourite_before_entry": "seller_1",
                      "favourite": "entrant" if b < moved else "seller_1"}
                     for b in range(buyers)]
        return results(pd.DataFrame(rows).astype({"favourite_before_entry": "string",
                                                  "favourite": "string"}),
                       manifest_data={})
    return make


def test_loyal_buyers_who_stay_and_a_threshold_rising_with_beta_pass(tmp_path):
    context = StubContext(hysteresis_runs(lambda ratio: 2.0 * ratio), tmp_path)
    check = loyalty_hysteresis.reproduce(context)
    assert [v.passed for v in check.verdicts] == [True] * 5
    assert check.verdicts[-1].label == "threshold rises with beta"
    assert check.expected == "stay at +25%; threshold rises with beta"
    # quick run: 2 sensitivities x 5 advantages
    assert len(context.calls) == 10


def test_a_threshold_that_does_not_rise_with_beta_fails(tmp_path):
    check = loyalty_hysteresis.reproduce(
        StubContext(hysteresis_runs(lambda ratio: 3.0), tmp_path))
    assert not check.verdicts[-1].passed
    assert all(v.passed for v in check.verdicts[:-1])


def test_buyers_who_leave_for_a_moderate_advantage_fail_the_stay_verdicts(tmp_path):
    check = loyalty_hysteresis.reproduce(
        StubContext(hysteresis_runs(lambda ratio: 0.01 * ratio), tmp_path))
    stay = [v for v in check.verdicts if v.label.endswith("loyal buyers stay")]
    assert len(stay) == 2 and not any(v.passed for v in stay)


# ---------------------------------------------------------------- markov-clv


def markov_runs(bias_in_errors: float, expected: float = 250.0, seeds: int = 6):
    """Markov runs whose per-seed mean values lie ``bias_in_errors`` standard errors off."""
    offsets = np.array([-1.0, 1.0, -0.5, 0.5, 0.0, 0.0])[:seeds]
    standard_error = offsets.std(ddof=1) / np.sqrt(seeds)

    def make(name, overrides, events):
        means = expected + offsets + bias_in_errors * standard_error
        pairs = pd.DataFrame({"replication": np.repeat(np.arange(seeds), 2),
                              "value": np.repeat(means, 2) + np.tile([-3.0, 3.0], seeds)})
        return results(pairs, summary={"analytic_value": expected}, manifest_data={})
    return make


def test_simulated_means_within_three_standard_errors_pass(tmp_path):
    context = StubContext(markov_runs(2.9), tmp_path)
    check = markov_clv.reproduce(context)
    assert check.passed and len(check.verdicts) == len(markov_clv.CASES)
    assert check.measured == "largest deviation 2.90 standard errors"
    assert check.verdicts[0].expected == "250.000" and "(z = +2.90)" in check.verdicts[0].measured
    assert check.notes == ["6 seeds of 4,000 customers per case."]
    assert all(call[1][-1] == "markov.customers=4000" for call in context.calls)
    assert context.calls[2][1] == ("markov.discount_rate=0", "markov.periods=8",
                                   "markov.customers=4000")


def test_a_simulated_mean_beyond_three_standard_errors_fails(tmp_path):
    check = markov_clv.reproduce(StubContext(markov_runs(-3.1), tmp_path))
    assert not any(v.passed for v in check.verdicts)
    assert check.measured == "largest deviation 3.10 standard errors"
