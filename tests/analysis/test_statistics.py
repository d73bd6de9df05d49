"""Statistics against answers known in advance: by hand, from theory, or by construction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from analysis import stats, tables
from sim.models.lifecycle.vocabulary import VOCABULARY

STAGES = VOCABULARY["stages"]

# A censored sample small enough to do by hand: events at 2, 3, 5, 8; censored at 3 and 6.
DURATIONS = [2, 3, 3, 5, 6, 8]
CENSORED = [False, False, True, False, True, False]


def test_kaplan_meier_matches_the_product_limit_by_hand():
    curve = stats.kaplan_meier(DURATIONS, CENSORED).set_index("time")["survival"]
    # at risk 6, 5 (the pair censored at 3 still counts at 3), 3, 1
    assert curve[0] == 1
    assert curve[2] == pytest.approx(5 / 6)
    assert curve[3] == pytest.approx(5 / 6 * 4 / 5)
    assert curve[5] == pytest.approx(5 / 6 * 4 / 5 * 2 / 3)
    assert curve[6] == pytest.approx(4 / 9)  # a censoring time: no drop
    assert curve[8] == 0


def test_kaplan_meier_band_is_the_exponential_greenwood_interval():
    curve = stats.kaplan_meier(DURATIONS, CENSORED).set_index("time")
    survival = 5 / 6 * 4 / 5
    greenwood = 1 / (6 * 5) + 1 / (5 * 4)
    z = scipy_stats.norm.ppf(0.975)
    spread = z * math.sqrt(greenwood) / abs(math.log(survival))
    assert curve.loc[3, "low"] == pytest.approx(survival ** math.exp(spread))
    assert curve.loc[3, "high"] == pytest.approx(survival ** math.exp(-spread))


def test_kaplan_meier_without_endings_stays_at_one_for_the_follow_up():
    curve = stats.kaplan_meier([4.0, 9.0], [True, True])
    assert curve["survival"].tolist() == [1.0, 1.0]
    assert curve["time"].tolist() == [0.0, 9.0]


def test_restricted_mean_is_the_area_under_the_curve():
    # 2*1 + 1*(5/6) + 2*(2/3) + 3*(4/9) = 5.5, and nothing after the last event
    assert stats.restricted_mean(DURATIONS, CENSORED, 10) == pytest.approx(5.5)
    assert stats.restricted_mean(DURATIONS, CENSORED, 4) == pytest.approx(2 + 5 / 6 + 2 / 3)


def _piecewise_exponential(rng, size, rates, edges):
    """Durations whose hazard is rates[i] on [edges[i], edges[i+1]) (last one open)."""
    work = rng.exponential(1.0, size)
    durations = np.empty(size)
    spent = np.zeros(size)
    done = np.zeros(size, dtype=bool)
    bounds = [*edges[1:], np.inf]
    for rate, start, stop in zip(rates, edges, bounds, strict=True):
        capacity = rate * (stop - start)
        ends_here = ~done & (work - spent < capacity)
        durations[ends_here] = start + (work - spent)[ends_here] / rate
        spent = spent + capacity
        done |= ends_here
    return durations


def test_life_table_recovers_a_constant_hazard():
    rng = np.random.default_rng(1)
    rate = 0.02  # per week
    true = rng.exponential(1 / rate, 20_000)
    follow_up = rng.uniform(20, 200, true.size)  # administrative censoring
    observed = np.minimum(true, follow_up)
    table = stats.life_table_hazard(observed, true > follow_up, width=20, limit=200)
    for row in table.itertuples():
        standard_error = rate / math.sqrt(max(row.endings, 1))
        assert abs(row.hazard - rate) < 4 * standard_error, row
    assert (table["low"] <= rate).mean() >= 0.8 and (table["high"] >= rate).mean() >= 0.8


def test_life_table_recovers_a_hazard_that_falls_with_age():
    rng = np.random.default_rng(2)
    durations = _piecewise_exponential(rng, 30_000, rates=[0.05, 0.01], edges=[0, 10])
    table = stats.life_table_hazard(durations, np.zeros(durations.size, bool), width=10,
                                    limit=60)
    expected = np.where(table["age_from"] < 10, 0.05, 0.01)
    standard_error = expected / np.sqrt(table["endings"])
    assert np.all(np.abs(table["hazard"] - expected) < 4 * standard_error)
    assert table["hazard"].iloc[0] > 3 * table["hazard"].iloc[1:].max()


def test_life_table_counts_exposure_and_endings_by_hand():
    table = stats.life_table_hazard(DURATIONS, CENSORED, width=4)
    first, second = table.iloc[0], table.iloc[1]
    # [0, 4): exposure 2+3+3+4+4+4 = 20 weeks, endings at 2 and 3
    assert (first.at_risk, first.endings, first.exposure) == (6, 2, 20)
    # [4, 8): 5 -> 1, 6 -> 2, 8 -> 4: 7 weeks, ending at 5 (8 falls in the next bin)
    assert (second.at_risk, second.endings, second.exposure) == (3, 1, 7)
    assert second.hazard == pytest.approx(1 / 7)


def test_no_endings_give_a_zero_rate_with_the_exact_upper_limit():
    table = stats.life_table_hazard([10.0, 10.0], [True, True], width=10)
    row = table.iloc[0]
    assert row.hazard == 0 and row.low == 0
    assert row.high == pytest.approx(-math.log(0.025) / 20)


def test_paired_bootstrap_covers_a_known_difference():
    rng = np.random.default_rng(3)
    first = rng.normal(100, 20, 40)
    second = first + 5 + rng.normal(0, 2, 40)  # common random numbers: shared noise
    difference, low, high = stats.bootstrap_difference(first, second)
    assert low < 5 < high and low < difference < high
    assert high - low < 3  # pairing removes the shared noise (sd 20) from the interval
    _, low_unpaired, high_unpaired = stats.bootstrap_difference(first, second, paired=False)
    assert high_unpaired - low_unpaired > 5 * (high - low)


def test_bootstrap_interval_of_a_mean_covers_the_truth_about_95_percent_of_the_time():
    rng = np.random.default_rng(4)
    trials = 300
    covered = 0
    for _ in range(trials):
        low, high = stats.bootstrap_interval(rng.normal(3.0, 1.0, 40))
        covered += low <= 3.0 <= high
    # binomial standard error of a 95% coverage over 300 trials is 1.3 points
    assert abs(covered / trials - 0.95) < 4 * math.sqrt(0.95 * 0.05 / trials) + 0.01


def test_bootstrap_of_identical_values_is_a_point_and_of_one_value_undefined():
    assert stats.bootstrap_interval([2.0, 2.0, 2.0]) == (2.0, 2.0)
    assert all(math.isnan(x) for x in stats.bootstrap_interval([2.0]))
    assert stats.bootstrap_difference([1.0, 2.0], [1.0, 2.0]) == (0.0, 0.0, 0.0)


def test_funnel_counts_the_share_that_reaches_each_stage_by_hand():
    pairs = pd.DataFrame({
        "replication": [0, 0, 0, 0, 1, 1],
        "furthest_stage": ["pre", "early", "development", "final", "early", "pre"],
    })
    table = tables.funnel(pairs, STAGES).set_index("stage")
    # replication 0: 4/4, 3/4, 2/4, 1/4, 1/4; replication 1: 2/2, 1/2, 0, 0, 0
    assert table.loc["pre", "share"] == 1
    assert table.loc["early", "share"] == pytest.approx((3 / 4 + 1 / 2) / 2)
    assert table.loc["development", "share"] == pytest.approx(1 / 4)
    assert table.loc["final", "share"] == pytest.approx(1 / 8)
    assert table.loc["early", "pairs"] == 4


def test_end_reasons_leave_out_censored_pairs_and_keep_stage_order():
    pairs = pd.DataFrame({
        "end_stage": ["early", "pre", "early", "long_term", "development"],
        "end_reason": ["competitor", "distance", "competitor", "competitor", None],
        "censored": [False, False, False, False, True],
    })
    table = tables.end_reasons(pairs, STAGES)
    assert list(table.index) == ["pre", "early", "long_term"]
    assert table.loc["early", "competitor"] == 2 and table.loc["pre", "distance"] == 1
    assert list(table.columns) == ["competitor", "distance"]


def test_occupancy_gives_median_and_band_across_replications():
    timeseries = pd.DataFrame({
        "replication": [0, 1, 2, 0, 1, 2], "time": [0, 0, 0, 4, 4, 4],
        "n_pre": [1, 2, 3, 5, 5, 5], "n_early": [0, 0, 9, 1, 1, 1],
    })
    table = tables.occupancy(timeseries, STAGES).set_index(["series", "time"])
    assert table.loc[("pre", 0), "median"] == 2
    assert table.loc[("pre", 0), "low"] == pytest.approx(1.2)  # 10% quantile of 1, 2, 3
    assert table.loc[("early", 0), "high"] == pytest.approx(7.2)
    assert list(table.index.get_level_values("series").unique()) == ["pre", "early"]


def test_calibration_of_perfect_forecasts_has_no_bias_and_slope_one():
    rng = np.random.default_rng(5)
    value = rng.normal(1000, 300, 500)
    pairs = pd.DataFrame({"npv": value, "npv_forecast": value, "censored": False})
    table, summary = tables.calibration(pairs)
    assert summary["bias"] == pytest.approx(0)
    assert summary["slope"] == pytest.approx(1)
    assert np.allclose(table["forecast"], table["realised"])
    assert len(table) == 10 and table["pairs"].sum() == 500


def test_calibration_measures_an_optimistic_forecast():
    rng = np.random.default_rng(6)
    value = rng.normal(1000, 300, 2000)
    forecast = value + 100 + rng.normal(0, 50, value.size)
    _, summary = tables.calibration(pd.DataFrame({"npv": value, "npv_forecast": forecast}))
    assert summary["bias"] == pytest.approx(100, abs=4 * 50 / math.sqrt(value.size))


def test_statistics_need_their_columns():
    assert tables.funnel(pd.DataFrame({"x": [1]}), STAGES) is None
    assert tables.end_reasons(pd.DataFrame({"end_stage": ["pre"]})) is None
    assert tables.occupancy(pd.DataFrame({"time": [0], "x": [1]})) is None
    assert tables.calibration(pd.DataFrame({"npv": [1.0]})) is None


def test_the_funnel_follows_the_stages_it_is_given_not_a_list_of_its_own():
    pairs = pd.DataFrame({"replication": [0, 0, 0], "furthest_stage": ["met", "wed", "met"]})
    table = tables.funnel(pairs, ["met", "wed"]).set_index("stage")
    assert list(table.index) == ["met", "wed"]
    assert table.loc["wed", "share"] == pytest.approx(1 / 3)
    assert tables.funnel(pairs, ()) is None  # a model without stages has no funnel


def test_mean_interval_is_the_student_t_interval_of_the_seed_means():
    mean, low, high = stats.mean_interval([1.0, 2.0, 3.0, 4.0])
    # t(0.975, 3) = 3.1824; sd = 1.2910; half width = 3.1824 * 1.2910 / 2
    assert mean == pytest.approx(2.5)
    assert high - mean == pytest.approx(3.182446 * 1.290994 / 2, rel=1e-5)
    assert mean - low == pytest.approx(high - mean)


def test_mean_interval_ignores_missing_values_and_needs_two():
    assert stats.mean_interval([np.nan, 2.0, 4.0])[0] == pytest.approx(3.0)
    assert np.isnan(stats.mean_interval([1.0])[1])


def test_pooled_means_weigh_each_replication_by_its_count():
    sums = np.array([[1.0, 10.0], [9.0, 30.0]])
    counts = np.array([[10.0, 100.0], [30.0, 100.0]])
    mean, resampled = stats.pooled_resamples(sums, counts)
    assert mean == pytest.approx([10.0 / 40.0, 40.0 / 200.0])
    assert resampled.shape[1] == 2
    # A resample takes whole replications, the same ones for every column:
    # replication 0 twice, 1 twice, or each once.
    seen = {(round(a, 9), round(b, 9)) for a, b in resampled}
    assert seen == {(0.1, 0.1), (0.3, 0.3), (0.25, 0.2)}


def test_the_t_interval_covers_a_known_mean_about_95_times_in_100():
    rng = np.random.default_rng(8)
    trials = 400
    covered = sum(low <= 5.0 <= high for _, low, high in
                  (stats.mean_interval(rng.normal(5.0, 2.0, 8)) for _ in range(trials)))
    assert abs(covered / trials - 0.95) <= 3 * math.sqrt(0.95 * 0.05 / trials)


def test_standard_error_by_hand_and_undefined_for_one_value():
    assert stats.standard_error([2.0, 4.0, 6.0, np.nan]) == pytest.approx(2 / math.sqrt(3))
    assert math.isnan(stats.standard_error([3.0]))


def test_pooled_interval_of_identical_replications_is_the_pooled_mean_itself():
    sums, counts = np.full((5, 1), 3.0), np.full((5, 1), 12.0)
    mean, low, high = stats.pooled_interval(sums, counts)
    assert mean == pytest.approx([0.25]) and low == pytest.approx([0.25])
    assert high == pytest.approx([0.25])


def test_pooled_interval_brackets_the_pooled_not_the_average_ratio():
    sums = np.array([[1.0], [9.0], [2.0], [8.0]])
    counts = np.array([[1.0], [3.0], [1.0], [3.0]])
    mean, low, high = stats.pooled_interval(sums, counts)
    assert mean == pytest.approx([20 / 8])  # not the mean of the ratios 1, 3, 2, 2.67: 2.17
    assert low[0] < mean[0] < high[0]
    # four replications say little: the percentile-t interval reaches beyond their own ratios
    # (1 to 3), where a percentile interval of the resamples, which cannot, would cover too
    # rarely
    _, resampled = stats.pooled_resamples(sums, counts)
    assert low[0] < np.nanquantile(resampled, 0.025) and high[0] > np.nanquantile(resampled, 0.975)


def test_poisson_rate_interval_is_the_exact_garwood_interval():
    rate, low, high = stats.poisson_rate(10, 5.0, 0.95)
    # exact 95% limits of a Poisson count of 10: 4.7954 and 18.3904
    assert rate == 2.0
    assert low == pytest.approx(4.7954 / 5, abs=1e-4) and high == pytest.approx(18.3904 / 5,
                                                                                abs=1e-4)
    assert stats.poisson_rate(0, 5.0, 0.95)[1] == 0.0
    assert all(math.isnan(x) for x in stats.poisson_rate(3, 0.0, 0.95))
