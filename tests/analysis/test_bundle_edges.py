"""Reading bundles at their edges: damaged or missing files, odd columns, censoring by NaN."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synthetic_bundles import lifecycle_results

from analysis.bundle import (
    as_results,
    claims_cited,
    durations,
    has_columns,
    horizon,
    model_of,
    scenario_name,
    stage_label,
)
from sim.results import BundleError, Results

STAGES = ["pre", "early", "development"]


def results(pairs=None, manifest=None, timeseries=None) -> Results:
    return Results(manifest if manifest is not None else {},
                   pairs if pairs is not None else pd.DataFrame(),
                   timeseries if timeseries is not None else pd.DataFrame())


@pytest.fixture(scope="module")
def bundle_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("edges") / "bundle"
    lifecycle_results(2, seed=4, path=folder)
    return folder


def copy_of(bundle_folder: Path, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "copy"
    shutil.copytree(bundle_folder, target)
    return target


# ---------------------------------------------------------------- damaged bundles


def test_a_bundle_is_read_from_its_folder_as_a_string_or_a_path(bundle_folder):
    from_path, from_text = as_results(bundle_folder), as_results(str(bundle_folder))
    assert from_path.path == bundle_folder and from_text.path == bundle_folder
    assert from_path.pairs.equals(from_text.pairs)
    assert set(from_path.pairs["replication"]) == {0, 1}


def test_results_in_memory_are_used_as_they_are():
    held = results(pd.DataFrame({"a": [1]}))
    assert as_results(held) is held


def test_a_folder_without_a_manifest_is_not_a_bundle(tmp_path):
    with pytest.raises(BundleError, match="is not a results bundle"):
        as_results(tmp_path)
    with pytest.raises(BundleError, match="is not a results bundle"):
        as_results(tmp_path / "missing")


@pytest.mark.parametrize("text, message", [("{not json", "unreadable"),
                                           ('["a list"]', "not the manifest of a run"),
                                           ('{"scenario": 3}', "not the manifest of a run")])
def test_a_damaged_manifest_is_named_in_the_error(bundle_folder, tmp_path, text, message):
    folder = copy_of(bundle_folder, tmp_path)
    (folder / "manifest.json").write_text(text, encoding="utf-8")
    with pytest.raises(BundleError, match=message) as error:
        as_results(folder)
    assert "manifest.json" in str(error.value)


def test_a_damaged_table_is_named_in_the_error(bundle_folder, tmp_path):
    folder = copy_of(bundle_folder, tmp_path)
    (folder / "pairs.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(BundleError, match=r"pairs\.parquet: unreadable"):
        as_results(folder)


def test_a_bundle_whose_tables_were_never_combined_says_to_resume(bundle_folder, tmp_path):
    folder = copy_of(bundle_folder, tmp_path)
    (folder / "timeseries.parquet").unlink()
    with pytest.raises(BundleError, match="has no combined tables yet; resume the run"):
        as_results(folder)


def test_a_bundle_without_a_summary_reads_with_an_empty_one(bundle_folder, tmp_path):
    folder = copy_of(bundle_folder, tmp_path)
    (folder / "summary.json").unlink()
    assert as_results(folder).summary() == {}


def test_a_damaged_summary_is_named_in_the_error(bundle_folder, tmp_path):
    folder = copy_of(bundle_folder, tmp_path)
    (folder / "summary.json").write_text("{", encoding="utf-8")
    with pytest.raises(BundleError, match=r"summary\.json"):
        as_results(folder)


# ---------------------------------------------------------------- what a bundle says of itself


@pytest.mark.parametrize("table, columns, expected", [
    (None, ("a",), False),
    (pd.DataFrame({"a": []}), ("a",), False),          # no rows
    (pd.DataFrame({"a": [1], "b": [2]}), ("a", "b"), True),
    (pd.DataFrame({"a": [1]}), ("a", "b"), False),
    (pd.DataFrame({"a": [1]}), (), True),
])
def test_has_columns_needs_a_table_with_rows_and_every_column(table, columns, expected):
    assert has_columns(table, *columns) is expected


def test_the_model_comes_from_the_manifest_before_the_scenario():
    assert model_of(results(manifest={"model": "markov", "scenario": {"model": "x"}})) == "markov"
    assert model_of(results(manifest={"scenario": {"model": "loyalty"}})) == "loyalty"
    assert model_of(Results(None, pd.DataFrame(), pd.DataFrame())) == ""


def test_a_run_without_name_or_folder_is_called_scenario():
    assert scenario_name(results(manifest={"scenario": {"name": ""}})) == "scenario"


def test_a_horizon_in_the_scenario_wins_over_the_samples():
    series = pd.DataFrame({"time": [0.0, 50.0]})
    assert horizon(results(manifest={"scenario": {"horizon": "104"}}, timeseries=series)) == 104.0
    assert np.isnan(horizon(results(timeseries=pd.DataFrame({"day": [0, 9]}))))  # not weeks


@pytest.mark.parametrize("stage, label", [("pre", "pre-relationship"), ("long_term", "long-term"),
                                          ("final", "final"), ("a_new_stage", "a new stage")])
def test_stage_labels_are_written_as_people_write_them(stage, label):
    assert stage_label(stage) == label


def test_claims_are_cited_once_each_in_the_order_of_the_text_and_unknown_ones_left_out():
    manifest = {"vocabulary": {"claims": ["C3 distance ends early", "C11 neglect loses"]}}
    text = "neglect (C11) and distance (C3), again C11; C99 is no claim; XC3 is no code"
    assert claims_cited(results(manifest=manifest), text) == [
        "C11: neglect loses", "C3: distance ends early"]
    assert claims_cited(results(), text) == []


# ---------------------------------------------------------------- durations


LIFECYCLE = {"scenario": {"horizon": 100}, "vocabulary": {"stages": STAGES}}


def test_a_pair_without_an_end_is_censored_at_the_horizon_even_without_a_censored_column():
    pairs = pd.DataFrame({"start": [10.0, 20.0], "end": [30.0, np.nan],
                          "furthest_stage": ["early", "development"]})
    table = durations(results(pairs, LIFECYCLE))
    assert table["duration"].tolist() == [20.0, 80.0]
    assert table["censored"].tolist() == [False, True]


def test_a_missing_censored_flag_is_read_from_the_missing_end():
    pairs = pd.DataFrame({"start": [0.0, 0.0], "end": [40.0, np.nan],
                          "censored": [None, None], "furthest_stage": ["early", "early"]})
    table = durations(results(pairs, LIFECYCLE))
    assert table["censored"].tolist() == [False, True]
    assert table["duration"].tolist() == [40.0, 100.0]


def test_a_censored_pair_is_observed_to_the_horizon_whatever_its_end_says():
    pairs = pd.DataFrame({"start": [30.0], "end": [55.0], "censored": [True],
                          "furthest_stage": ["early"]})
    assert durations(results(pairs, LIFECYCLE))["duration"].tolist() == [70.0]


def test_only_relationships_that_began_have_a_duration_unless_asked_for_all():
    pairs = pd.DataFrame({"replication": [0, 0, 1], "start": [0.0, 0.0, 0.0],
                          "end": [5.0, 50.0, 60.0], "censored": False,
                          "furthest_stage": ["pre", "early", "unknown"]})
    began = durations(results(pairs, LIFECYCLE))
    assert began["duration"].tolist() == [50.0]
    assert began["furthest_stage"].tolist() == ["early"]
    everyone = durations(results(pairs, LIFECYCLE), began_only=False)
    assert everyone["replication"].tolist() == [0, 0, 1]


def test_without_stages_every_pair_has_a_duration():
    pairs = pd.DataFrame({"start": [0.0, 0.0], "end": [5.0, 50.0], "censored": False,
                          "furthest_stage": ["pre", "early"]})
    table = durations(results(pairs, {"scenario": {"horizon": 100}}))
    assert table["duration"].tolist() == [5.0, 50.0]
    assert table["replication"].tolist() == [0, 0]  # one replication when none is named


def test_unreadable_times_are_left_out_not_guessed():
    pairs = pd.DataFrame({"start": ["0", "oops", "10"], "end": ["5", "9", "x"],
                          "censored": [False, False, False]})
    table = durations(results(pairs, {"scenario": {"horizon": 100}}), began_only=False)
    assert table["duration"].tolist() == [5.0]


def test_markov_customers_are_followed_for_nan_periods_without_a_period_column():
    pairs = pd.DataFrame({"replication": [0, 0], "periods_to_absorption": [3.0, np.nan]})
    table = durations(results(pairs, {"model": "markov"}))
    assert table["duration"].tolist() == [3.0]  # the active customer has no follow-up to count
