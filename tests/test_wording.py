"""Counts are told with their noun in the singular for one: ``1 replication``, ``1 year``."""

from __future__ import annotations

import errno
from types import SimpleNamespace

import numpy as np
import pytest

import sim
from sim.units import counted, in_words


@pytest.mark.parametrize(("args", "text"), [
    ((1, "replication"), "1 replication"), ((0, "replication"), "0 replications"),
    ((2, "replication"), "2 replications"), ((np.int64(1), "point"), "1 point"),
    ((1.0, "year"), "1 year"), ((2.5, "year"), "2.5 years"), ((1, "box", "boxes"), "1 box"),
    ((3, "box", "boxes"), "3 boxes"), ((12_000, "pair", "", ","), "12,000 pairs"),
    ((1_000_000, "replication"), "1000000 replications"),
])
def test_a_count_takes_the_singular_for_one_and_the_plural_otherwise(args, text):
    assert counted(*args) == text


@pytest.mark.parametrize(("weeks", "text"), [
    (52.0, "1 year"), (104, "2 years"), (1.0, "1 week"), (30.0, "30 weeks"), (0.5, "0.5 weeks"),
])
def test_a_duration_is_told_in_whole_years_or_else_in_weeks(weeks, text):
    assert in_words(weeks) == text


def test_the_run_header_of_one_replication_of_one_year_is_singular():
    from sim.cli_run import run_header

    manifest = {"scenario": {"name": "x", "horizon": 52.0, "model": "markov",
                             "markov": {"customers": 1}}, "done": 1, "replications": 1,
                "seed": 9}
    assert run_header(manifest) == "x: 1 of 1 replication, seed 9; horizon 1 year, 1 customer"


@pytest.mark.parametrize(("setting", "size"), [
    ({"model": "lifecycle", "lifecycle": {"market": {"buyers": {"count": 1},
                                                     "suppliers": {"count": 1}}}},
     "1 buyer, 1 supplier"),
    ({"model": "loyalty", "loyalty": {"buyers": 1, "profits": [1.0]}}, "1 buyer, 1 seller"),
])
def test_a_market_of_one_is_told_in_the_singular(setting, size):
    from sim.cli_comparable import market_size

    assert market_size(setting) == size


def test_a_horizon_of_one_week_is_warned_about_in_the_singular():
    from sim.cli_comparable import comparability_warnings

    runs = [SimpleNamespace(manifest={"scenario": {"model": "markov", "horizon": h,
                                                   "markov": {"customers": 5}}})
            for h in (1.0, 3.0)]
    assert comparability_warnings(["a", "b"], runs)[0].startswith(
        "warning: the horizons differ (a 1 week, b 3 weeks)")


@pytest.mark.parametrize(("manifest", "text"), [
    ({"done": 1, "replications": 1}, "1 of 1 replication"),
    ({"done": 3, "replications": 4}, "3 of 4 replications"), ({}, "- of - replications"),
])
def test_the_report_counts_the_replications_a_run_finished(manifest, text):
    from analysis.report import replications_done

    assert replications_done(manifest) == text


def test_a_full_disk_in_a_run_of_one_replication_is_singular(tmp_path):
    from sim.runner import _disk_trouble

    bundle = SimpleNamespace(path=tmp_path, write_manifest=lambda manifest: None)
    error = _disk_trouble(bundle, {"replications": 1}, [0], OSError(errno.ENOSPC, "full"))
    assert "kept 1 of 1 replication; make room" in str(error)


def test_a_markov_chain_of_one_period_says_so(small_markov):
    from sim.models.markov import simulate, summarize
    from sim.runner import replication_seed

    scenario = sim.load_scenario(small_markov, ["markov.periods=1", "markov.customers=20"])
    tables = simulate(scenario, replication_seed(scenario.seed, 0), events=False)
    assert summarize(tables, scenario)["horizon"] == "1 period"


def test_the_classroom_writes_one_year_in_the_singular():
    from classroom.controls import entry_overrides, overrides

    baseline = sim.load_scenario("baseline")
    assert entry_overrides(True, 1, baseline) == ["lifecycle.entry.times=[1 year]"]
    assert "horizon=1 year" in overrides(baseline, {"horizon": 1}, shared=True)
    assert sim.load_scenario("baseline", ["horizon=1 year"]).horizon == 52.0

