"""Outcome tables computed by hand: attitudes by stage, bands over time, calibration bins."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import stats, tables

STAGES = ("pre", "early", "development")


def test_attitudes_by_stage_average_the_run_then_the_replications():
    timeseries = pd.DataFrame({
        "replication": [0, 0, 1, 1, 2, 2],
        "trust_early": [0.2, 0.4, 0.5, 0.5, 0.6, 0.8],
        "trust_development": [0.7, 0.7, 0.8, 0.8, 0.9, 0.9],
    })
    table = tables.stage_attitudes(timeseries, None, STAGES).set_index(["variable", "stage"])
    assert list(table.index) == [("trust", "early"), ("trust", "development")]
    assert table.loc[("trust", "early"), "mean"] == pytest.approx((0.3 + 0.5 + 0.7) / 3)
    assert table.loc[("trust", "development"), "replications"] == 3
    assert table.loc[("trust", "early"), "low"] < 0.5 < table.loc[("trust", "early"), "high"]


def test_without_stage_columns_attitudes_come_from_the_stage_each_pair_ended_in():
    pairs = pd.DataFrame({"replication": [0, 0, 1], "end_stage": ["early", "pre", "early"],
                          "trust": [0.4, 0.1, 0.6], "satisfaction": [0.5, 0.5, 0.7]})
    table = tables.stage_attitudes(pd.DataFrame(), pairs, STAGES).set_index(
        ["variable", "stage"])
    assert table.loc[("trust", "early"), "mean"] == pytest.approx(0.5)
    assert table.loc[("satisfaction", "pre"), "mean"] == pytest.approx(0.5)
    assert ("commitment", "early") not in table.index  # no column, no row


def test_bands_keep_the_order_of_the_columns_and_drop_the_prefix():
    timeseries = pd.DataFrame({"time": [0, 0, 0, 1, 1, 1],
                               "share_b": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
                               "share_a": [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]})
    table = tables.bands(timeseries, ["share_b", "share_a", "share_missing"], prefix="share_")
    assert list(dict.fromkeys(table["series"])) == ["b", "a"]
    first = table[(table["series"] == "b") & (table["time"] == 1)].iloc[0]
    assert first["median"] == pytest.approx(0.5)
    assert first["low"] == pytest.approx(0.42) and first["high"] == pytest.approx(0.58)


def test_calibration_bins_carry_the_student_t_interval_of_their_realised_mean():
    rng = np.random.default_rng(3)
    forecast = np.arange(40, dtype=float)
    realised = forecast + rng.normal(0, 5, forecast.size)
    table, _ = tables.calibration(pd.DataFrame({"npv": realised, "npv_forecast": forecast}),
                                  bins=4)
    for index, row in table.iterrows():
        _, low, high = stats.mean_interval(realised[index * 10:(index + 1) * 10])
        assert (row["low"], row["high"]) == pytest.approx((low, high))
        assert row["pairs"] == 10


def test_calibration_leaves_out_pairs_that_never_began_when_it_knows_the_stages():
    pairs = pd.DataFrame({"npv": [0.0] * 3 + [10.0, 20.0, 30.0, 40.0],
                          "npv_forecast": [99.0] * 3 + [10.0, 20.0, 30.0, 40.0],
                          "furthest_stage": ["pre"] * 3 + ["early"] * 4, "censored": False})
    _, kept = tables.calibration(pairs, STAGES, bins=2)
    _, everyone = tables.calibration(pairs, (), bins=2)
    assert kept["pairs"] == 4 and kept["bias"] == pytest.approx(0.0)
    assert everyone["pairs"] == 7 and everyone["bias"] > 0
