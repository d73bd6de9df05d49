"""Key metrics on tiny hand-made bundles whose answers are worked out in the comments."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import tables
from analysis.metrics import (
    METRICS,
    key_figures,
    key_figures_json,
    labelled,
    metric_info,
    money_label,
    replication_metrics,
)
from sim.models.lifecycle.vocabulary import VOCABULARY
from sim.results import Results

STAGES = tuple(VOCABULARY["stages"])


def lifecycle(pairs, timeseries=None, horizon=100.0, **scenario) -> Results:
    manifest = {"model": "lifecycle", "vocabulary": VOCABULARY,
                "scenario": {"name": "tiny", "horizon": horizon, **scenario}}
    return Results(manifest, pairs, timeseries if timeseries is not None else pd.DataFrame())


# ---------------------------------------------------------------- durations and survival


# replication 0: endings at 20 and 60, one censored at the horizon (100)
# replication 1: one ending at 30, one censored; and a contact that never began
SURVIVAL = pd.DataFrame({
    "replication": [0, 0, 0, 1, 1, 1],
    "start": [0.0, 0.0, 0.0, 10.0, 40.0, 0.0],
    "end": [20.0, 60.0, np.nan, 40.0, np.nan, 5.0],
    "censored": [False, False, True, False, True, False],
    "furthest_stage": ["early", "development", "long_term", "early", "early", "pre"],
})


def test_mean_duration_is_the_area_under_each_replications_survival_curve():
    table = replication_metrics(lifecycle(SURVIVAL))
    # replication 1 followed its relationships for 60 weeks at most (30 ended, 60 censored):
    # its curve is unknown beyond 60, so both are integrated up to 60, not to the horizon
    # replication 0: 1 until 20, 2/3 until 60: 20 + 40 * 2/3
    assert table.loc[0, "mean_duration"] == pytest.approx(20 + 40 * 2 / 3)
    # replication 1: 1 until 30, then 1/2 until 60: 30 + 30 / 2
    assert table.loc[1, "mean_duration"] == pytest.approx(45.0)


# replication 0: ended at 10 and 40, censored after 25 and 70 weeks (started at 75 and 30);
# replication 1: ended at 15 and 50, so its curve reaches 0 and is known beyond 50
FOLLOWED = pd.DataFrame({
    "replication": [0, 0, 0, 0, 1, 1],
    "start": [0.0, 75.0, 0.0, 30.0, 0.0, 20.0],
    "end": [10.0, np.nan, 40.0, np.nan, 15.0, 70.0],
    "censored": [False, True, False, True, False, False],
    "furthest_stage": "early",
})


def test_mean_duration_is_a_kaplan_meier_restricted_mean_up_to_the_longest_follow_up():
    results = lifecycle(FOLLOWED)
    table = replication_metrics(results)
    # replication 0, Kaplan-Meier: 4 at risk, one ends at 10 (S = 3/4); one leaves at 25;
    # 2 at risk at 40, one ends (S = 3/8); the last is followed to 70 and no further.
    # Area up to 70: 10 * 1 + 30 * 3/4 + 30 * 3/8 = 43.75 (up to the horizon, holding 3/8
    # flat over 30 unobserved weeks, it would be 55)
    assert table.loc[0, "mean_duration"] == pytest.approx(43.75)
    # replication 1: S = 1/2 from 15, 0 from 50: 15 + 35 / 2 = 32.5 up to 70 or any later time
    assert table.loc[1, "mean_duration"] == pytest.approx(32.5)
    figure = key_figures(results).set_index("metric").loc["mean_duration"]
    assert figure["value"] == pytest.approx((43.75 + 32.5) / 2)
    assert figure["label"] == "mean relationship duration (restricted mean)"


def test_runs_followed_up_to_the_horizon_integrate_up_to_the_horizon():
    # a pair of replication 1 censored at the horizon: nothing restricts the limit below 100
    table = replication_metrics(lifecycle(FOLLOWED.assign(
        start=FOLLOWED["start"].where(FOLLOWED.index != 3, 0.0)), horizon=100.0))
    # replication 0 now: S = 3/4 from 10, 3/8 from 40 up to 100: 10 + 22.5 + 60 * 3/8
    assert table.loc[0, "mean_duration"] == pytest.approx(55.0)
    longer = replication_metrics(lifecycle(FOLLOWED.assign(censored=False, end=FOLLOWED[
        "end"].fillna(100.0))))  # every pair ended: each curve reaches 0, so the limit is moot
    assert longer.loc[1, "mean_duration"] == pytest.approx(32.5)


def test_survival_at_one_year_reads_the_curve_at_52_weeks():
    table = replication_metrics(lifecycle(SURVIVAL))
    assert table.loc[0, "survival_one_year"] == pytest.approx(200 / 3)
    assert table.loc[1, "survival_one_year"] == pytest.approx(50.0)


def test_survival_at_a_year_leaves_out_a_replication_that_followed_nobody_that_long():
    pairs = pd.DataFrame({
        "replication": [0, 0, 0, 1, 1], "start": [0.0, 0.0, 0.0, 60.0, 60.0],
        "end": [20.0, np.nan, np.nan, 90.0, np.nan], "censored": [False, True, True, False, True],
        "furthest_stage": "early"})
    results = lifecycle(pairs)
    table = replication_metrics(results)
    # replication 1 began its pairs at week 60: one ended after 30 weeks, the other was
    # followed for 40; its survival at 52 weeks is unknown (not its 1/2 at 40)
    assert table.loc[0, "survival_one_year"] == pytest.approx(200 / 3)
    assert math.isnan(table.loc[1, "survival_one_year"])
    figures = key_figures(results).set_index("metric")
    assert figures.loc["survival_one_year", "value"] == pytest.approx(200 / 3)
    # both durations up to 40 weeks: 20 + 20 * 2/3, and 30 + 10 / 2
    assert table["mean_duration"].tolist() == pytest.approx([20 + 40 / 3, 35.0])


def test_a_run_shorter_than_a_year_has_no_one_year_survival():
    table = replication_metrics(lifecycle(SURVIVAL.assign(end=SURVIVAL["end"].clip(upper=40)),
                                          horizon=40.0))
    assert "survival_one_year" not in table.columns and "mean_duration" in table.columns


def test_a_replication_of_contacts_only_has_no_duration_figures():
    pairs = SURVIVAL[SURVIVAL["furthest_stage"] == "pre"]
    table = replication_metrics(lifecycle(pairs))
    assert "mean_duration" not in table.columns and table.loc[1, "pairs"] == 1


# ---------------------------------------------------------------- stages and losses


LOSSES = pd.DataFrame({
    "replication": [0, 0, 0, 0, 1, 1],
    "start": 0.0, "end": [10.0, 20.0, 30.0, np.nan, 40.0, np.nan],
    "censored": [False, False, False, True, False, True],
    "furthest_stage": ["long_term", "final", "early", "long_term", "long_term", "early"],
    "end_reason": ["competitor", "dissatisfaction", "competitor", "competitor", "competitor",
                   ""],
})


def test_losses_to_competitors_are_shares_of_the_ended_relationships():
    table = replication_metrics(lifecycle(LOSSES))
    # replication 0: 3 ended, 2 of them to competitors; the censored one does not count
    assert table.loc[0, "lost_to_competitors"] == pytest.approx(200 / 3)
    assert table.loc[1, "lost_to_competitors"] == pytest.approx(100.0)


def test_long_term_losses_are_shares_of_those_that_reached_long_term():
    table = replication_metrics(lifecycle(LOSSES))
    # replication 0: three reached long-term or final; two of them say competitor
    assert table.loc[0, "long_term_lost_to_competitors"] == pytest.approx(200 / 3)
    assert table.loc[1, "long_term_lost_to_competitors"] == pytest.approx(100.0)


def test_a_replication_where_nothing_ended_has_no_loss_share():
    pairs = LOSSES.assign(censored=True, end=np.nan)
    table = replication_metrics(lifecycle(pairs))
    assert table["lost_to_competitors"].isna().all()


def test_reaching_a_stage_counts_pairs_whose_furthest_stage_is_it_or_later():
    table = replication_metrics(lifecycle(LOSSES))
    assert table.loc[0, "reached_long_term"] == pytest.approx(75.0)
    assert table.loc[0, "reached_final"] == pytest.approx(25.0)
    assert table.loc[1, "reached_development"] == pytest.approx(50.0)


def test_stage_figures_follow_the_bundles_vocabulary():
    manifest = {"vocabulary": {"stages": ["met", "wed"]}, "scenario": {"horizon": 10}}
    pairs = pd.DataFrame({"replication": [0, 0], "furthest_stage": ["met", "wed"]})
    table = replication_metrics(Results(manifest, pairs, pd.DataFrame()))
    assert "reached_development" not in table.columns  # not a stage of this model


# ---------------------------------------------------------------- time series figures


SERIES = pd.DataFrame({
    "replication": [0, 0, 0, 1, 1, 1],
    "time": [8.0, 0.0, 4.0, 0.0, 4.0, 8.0],
    "share_entrants": [0.3, 0.0, 0.1, 0.0, 0.2, 0.5],
    "share_incumbents": [0.5, 0.8, 0.7, 0.8, 0.6, 0.3],
    "satisfaction_long_term": [0.6, 0.4, 0.5, 0.9, 0.9, 0.6],
})
ENTRY = pd.DataFrame({"replication": [0, 1], "start": 0.0, "end": 5.0, "censored": False,
                      "furthest_stage": "early", "entrant": [True, False],
                      "supplier": ["E", "S"]})


def test_the_share_at_the_horizon_is_the_last_sample_by_time_not_by_row():
    table = replication_metrics(lifecycle(ENTRY, SERIES, horizon=8.0))
    assert table["entrant_share"].tolist() == pytest.approx([30.0, 50.0])


def test_satisfaction_in_long_term_is_the_mean_over_the_run():
    table = replication_metrics(lifecycle(ENTRY, SERIES, horizon=8.0))
    assert table["satisfaction_long_term"].tolist() == pytest.approx([0.5, 0.8])


def test_the_entrants_share_shows_only_where_there_are_entrants():
    with_entrant = key_figures(lifecycle(ENTRY, SERIES, horizon=8.0))["metric"].tolist()
    without = key_figures(lifecycle(ENTRY.assign(entrant=False), SERIES,
                                    horizon=8.0))["metric"].tolist()
    assert "entrant_share" in with_entrant and "entrant_share" not in without
    assert "satisfaction_long_term" in without


# ---------------------------------------------------------------- labels, units, json


def test_money_units_take_the_scenarios_money_unit():
    results = lifecycle(ENTRY, money_unit="EUR thousand")
    assert money_label(results, "money per pair") == "EUR thousand per pair"
    assert money_label(results, "%") == "%"
    assert money_label(lifecycle(ENTRY), "money per pair") == "money per pair"


def test_a_focal_metric_names_the_focal_suppliers_in_label_and_unit():
    named = lifecycle(ENTRY, focal=["S1", "S3"])
    label, unit = labelled(metric_info("focal_portfolio_npv"), named)
    assert label == "S1, S3's portfolio NPV" and unit == "money per focal supplier"
    label, unit = labelled(metric_info("focal_portfolio_npv"), lifecycle(ENTRY))
    assert label == "incumbents' portfolio NPV" and unit == "money per incumbent"
    share, _ = labelled(metric_info("focal_share"), named)
    assert share == "S1, S3's share of suppliers' revenue over the run"


def test_a_stage_of_any_name_has_a_focal_metric():
    metric = metric_info("focal_at_wed")
    assert metric.label == "incumbents' pairs reaching wed" and metric.focal
    with pytest.raises(KeyError):
        metric_info("no_such_metric")


def test_every_metric_has_a_unique_name_and_a_unit():
    names = [metric.name for metric in METRICS]
    assert len(names) == len(set(names)) and all(metric.unit for metric in METRICS)


def test_key_figures_json_holds_the_same_numbers_as_the_table():
    results = lifecycle(LOSSES)
    table = key_figures(results).set_index("metric")
    data = key_figures_json(results)
    assert list(data) == list(table.index)
    for name, figure in data.items():
        assert figure["label"] == table.loc[name, "label"]
        value = table.loc[name, "value"]
        assert (math.isnan(figure["value"]) and math.isnan(value)) or figure["value"] == value


def test_a_key_figure_with_every_replication_missing_is_nan_not_an_error():
    results = lifecycle(LOSSES.assign(censored=True, end=np.nan))
    row = key_figures(results).set_index("metric").loc["lost_to_competitors"]
    assert math.isnan(row["value"]) and math.isnan(row["low"])


# ---------------------------------------------------------------- tables by hand


def test_the_funnel_without_a_replication_column_is_one_replication():
    pairs = pd.DataFrame({"furthest_stage": ["pre", "early", "early", "development"]})
    table = tables.funnel(pairs, ("pre", "early", "development")).set_index("stage")
    assert table["share"].tolist() == [1.0, 0.75, 0.25]
    assert table["pairs"].tolist() == [4, 3, 1]
    assert table["low"].isna().all()  # one replication: no interval


def test_end_reasons_put_stages_outside_the_vocabulary_last_and_reasons_by_frequency():
    pairs = pd.DataFrame({"end_stage": ["mystery", "early", "early", "pre", "early"],
                          "end_reason": ["distance", "competitor", "competitor", "distance",
                                         "distance"]})
    table = tables.end_reasons(pairs, STAGES)
    assert table.index.tolist() == ["pre", "early", "mystery"]
    assert table.columns.tolist() == ["distance", "competitor"]
    assert table.loc["early"].tolist() == [1, 2]


def test_occupancy_without_stage_columns_falls_back_to_every_count_by_period():
    series = pd.DataFrame({"period": [0, 0, 1, 1], "n_customer": [10, 12, 8, 9],
                           "n_lost": [0, 0, 2, 3]})
    table = tables.occupancy(series, STAGES)
    assert sorted(set(table["series"])) == ["customer", "lost"]
    row = table[(table["series"] == "lost") & (table["time"] == 1)].iloc[0]
    assert row["median"] == 2.5


def test_calibration_needs_three_pairs_and_says_nothing_of_a_constant_forecast():
    few = pd.DataFrame({"npv": [1.0, 2.0], "npv_forecast": [1.0, 2.0]})
    assert tables.calibration(few) is None
    flat = pd.DataFrame({"npv": [1.0, 2.0, 3.0, 4.0], "npv_forecast": [5.0] * 4})
    _, summary = tables.calibration(flat, bins=2)
    assert summary["bias"] == pytest.approx(2.5)
    assert math.isnan(summary["slope"]) and math.isnan(summary["correlation"])


def test_calibration_uses_every_pair_when_too_few_have_ended():
    pairs = pd.DataFrame({"npv": [10.0, 20.0, 30.0, 40.0], "npv_forecast": [11.0, 21.0, 31.0,
                                                                           41.0],
                          "censored": [False, True, True, True]})
    _, summary = tables.calibration(pairs, bins=2)
    assert summary["pairs"] == 4 and summary["bias"] == pytest.approx(1.0)


def test_a_figure_shown_only_with_entrants_shows_when_the_bundle_cannot_tell():
    entrant_share = metric_info("entrant_share")
    assert entrant_share.applies(lifecycle(LOSSES))  # no entrant column: nothing to go by
    assert not entrant_share.applies(lifecycle(ENTRY.assign(entrant=False)))
    assert entrant_share.applies(lifecycle(ENTRY.assign(entrant=[True, None])))  # a gap is False
    focal = metric_info("focal_portfolio_npv")
    assert focal.applies(lifecycle(ENTRY.assign(entrant=False), focal=["S"]))


def test_the_metrics_table_is_indexed_by_replication_in_order():
    shuffled = LOSSES.iloc[::-1].assign(replication=lambda p: p["replication"] + 3)
    table = replication_metrics(lifecycle(shuffled))
    assert table.index.name == "replication" and table.index.tolist() == [3, 4]


def test_a_lower_confidence_gives_a_narrower_interval_around_the_same_mean():
    rng = np.random.default_rng(4)
    pairs = pd.DataFrame({"replication": np.repeat(np.arange(12), 5),
                          "npv": rng.normal(100.0, 20.0, 60)})
    wide = key_figures(lifecycle(pairs)).set_index("metric").loc["pair_npv"]
    narrow = key_figures(lifecycle(pairs), confidence=0.5).set_index("metric").loc["pair_npv"]
    assert narrow["value"] == wide["value"]
    assert wide["low"] < narrow["low"] < narrow["value"] < narrow["high"] < wide["high"]
