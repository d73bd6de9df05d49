"""What the analysis reads from a bundle: model, name, horizon, stages, durations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.bundle import (
    durations,
    end_reasons_of,
    horizon,
    model_of,
    scenario_name,
    stage_rank,
    stages_of,
)
from sim.results import Results


def _results(manifest: dict, pairs=None, timeseries=None, path=None) -> Results:
    return Results(manifest, pairs if pairs is not None else pd.DataFrame(),
                   timeseries if timeseries is not None else pd.DataFrame(), None, {}, path)


def test_model_name_and_horizon_come_from_the_resolved_scenario():
    results = _results({"scenario": {"name": "neglect", "model": "lifecycle", "horizon": 260}})
    assert model_of(results) == "lifecycle"
    assert scenario_name(results) == "neglect"
    assert horizon(results) == 260.0


def test_without_a_scenario_the_folder_names_the_run_and_the_samples_give_the_horizon():
    timeseries = pd.DataFrame({"time": [0.0, 4.0, 8.0]})
    results = _results({}, timeseries=timeseries, path=Path("results/trial-3"))
    assert scenario_name(results) == "trial-3" and model_of(results) == ""
    assert horizon(results) == 8.0
    assert np.isnan(horizon(_results({})))


def test_stages_and_reasons_are_the_manifest_vocabulary_in_its_order():
    manifest = {"vocabulary": {"stages": ["b", "a"], "end_reasons": ["left", "lost"]}}
    results = _results(manifest)
    assert stages_of(results) == ("b", "a")
    assert end_reasons_of(results) == ("left", "lost")
    ranks = stage_rank(pd.Series(["a", "b", None, "zz"]), stages_of(results))
    assert ranks.tolist() == [1, 0, -1, -1]


def test_markov_customers_still_active_are_censored_at_the_periods_followed():
    pairs = pd.DataFrame({"replication": [0, 0, 1], "periods_to_absorption": [2.0, np.nan, 5.0]})
    timeseries = pd.DataFrame({"replication": [0, 0, 0, 1], "period": [0, 1, 2, 0]})
    table = durations(_results({"model": "markov"}, pairs, timeseries))
    assert table["duration"].tolist() == [2.0, 3.0, 5.0]  # replication 0 followed 3 periods
    assert table["censored"].tolist() == [False, True, False]


def test_a_table_without_timing_columns_has_no_durations():
    assert durations(_results({}, pd.DataFrame({"buyer": ["B0"]}))) is None


@pytest.mark.parametrize(("start", "end", "expected"), [(10.0, 4.0, 0.0), (2.0, 9.5, 7.5)])
def test_a_duration_is_never_negative(start, end, expected):
    pairs = pd.DataFrame({"start": [start], "end": [end], "censored": [False]})
    table = durations(_results({"scenario": {"horizon": 20}}, pairs), began_only=False)
    assert table["duration"].tolist() == [expected]
