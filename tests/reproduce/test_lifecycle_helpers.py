"""The lifecycle reproductions' shared measures at their edges: horizons, hazards, snapshots."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from stub_runs import manifest, pair_rows

from reproduce.lifecycle import (
    began,
    dissolution_exposure,
    horizon_of,
    snapshot,
    stage_hazards,
)
from sim.results import Results


@pytest.mark.parametrize("horizon, weeks", [("10 years", 520.0), ("26 weeks", 26.0),
                                            (104, 104.0)])
def test_the_horizon_is_read_in_weeks_from_the_resolved_scenario(horizon, weeks):
    results = Results({"scenario": {"horizon": horizon}}, pd.DataFrame(), pd.DataFrame())
    assert horizon_of(results) == weeks


def test_the_bundled_baseline_runs_ten_years():
    assert horizon_of(Results(manifest("baseline"), pd.DataFrame(), pd.DataFrame())) == 520.0


def test_began_leaves_the_pairs_table_as_it_was():
    pairs = pair_rows(0, [{"t_early": 5.0, "end": 15.0}, {"t_early": np.nan, "end": 3.0}])
    before = pairs.copy()
    assert began(pairs)["age"].tolist() == [10.0]
    pd.testing.assert_frame_equal(pairs, before)


def test_a_replication_without_begun_relationships_has_no_endings_and_no_exposure():
    pairs = pd.concat([pair_rows(0, [{"t_early": 0.0, "end": 10.0}]),
                       pair_rows(1, [{"t_early": np.nan, "end": 4.0}])], ignore_index=True)
    table = dissolution_exposure(pairs)
    assert table.index.tolist() == [0, 1]
    assert table.loc[0].tolist() == [1.0, 10.0]
    assert table.loc[1].tolist() == [0.0, 0.0]


FINAL = pair_rows(0, [
    {"t_early": 0.0, "t_development": 10.0, "t_long_term": 30.0, "t_final": 60.0,
     "end": 100.0, "end_stage": "final"},
    {"t_early": 0.0, "t_development": 10.0, "t_long_term": 30.0, "t_final": 80.0,
     "end": 520.0, "censored": True, "end_stage": "final"},
])


def test_the_final_stage_lasts_until_the_relationship_ends():
    table = stage_hazards(FINAL, ("long_term", "final")).set_index("stage")
    # long-term: 30 to 60 and 30 to 80, no ending; final: 60 to 100 (ended), 80 to 520
    assert table.loc["long_term", ["endings", "exposure"]].tolist() == [0, 80.0]
    assert table.loc["final", ["endings", "exposure"]].tolist() == [1, 480.0]
    assert table.loc["final", "hazard"] == pytest.approx(1 / 480)


def test_stage_hazards_have_a_row_per_replication_and_stage_even_where_nobody_was():
    pairs = pd.concat([FINAL, pair_rows(1, [{"t_early": 0.0, "end": 5.0,
                                             "end_stage": "early"}])], ignore_index=True)
    table = stage_hazards(pairs)
    assert list(zip(table["replication"], table["stage"], strict=True)) == [
        (0, "early"), (0, "development"), (0, "long_term"),
        (1, "early"), (1, "development"), (1, "long_term")]
    one = table[table["replication"] == 1].set_index("stage")
    assert one.loc["early", "hazard"] == pytest.approx(1 / 5)
    assert one.loc["development", "exposure"] == 0.0
    assert np.isnan(one.loc["development", "hazard"])


def events(rows):
    columns = {"replication": 0, "supplier": "S0", "new_stage": None, "stage": "early",
               "trust_after": 0.5, "commitment_after": 0.2}
    return pd.DataFrame([{**columns, **row} for row in rows])


SNAPSHOT_PAIRS = pair_rows(0, [
    {"buyer": "B0", "supplier": "S0", "t_early": 0.0, "end": 100.0},
    {"buyer": "B1", "supplier": "S0", "t_early": 0.0, "end": 50.0},      # ends at the snapshot
    {"buyer": "B2", "supplier": "S0", "t_early": 60.0, "end": 200.0},    # begins after it
    {"buyer": "B3", "supplier": "S0", "t_early": 0.0, "end": 500.0, "censored": True},
    {"buyer": "B4", "supplier": "S0", "t_early": 0.0, "end": 300.0},     # never marked
])


def test_a_snapshot_holds_relationships_begun_before_and_ending_after_it():
    marks = events([{"buyer": b, "time": 5.0, "kind": "stage_change", "new_stage": "early",
                     "stage": "pre"} for b in ("B0", "B1", "B2", "B3")])
    at = snapshot(Results({}, SNAPSHOT_PAIRS, pd.DataFrame(), marks), 50.0)
    assert sorted(at["buyer"]) == ["B0", "B3"]  # B4 has no state to read
    assert at.set_index("buyer")["left_within"].to_dict() == {"B0": True, "B3": False}


def test_a_snapshot_ignores_marks_after_it_and_marks_without_commitment():
    marks = events([
        {"buyer": "B0", "time": 5.0, "kind": "stage_change", "new_stage": "early",
         "commitment_after": 0.1},
        {"buyer": "B0", "time": 30.0, "kind": "episode", "commitment_after": np.nan,
         "stage": "development"},
        {"buyer": "B0", "time": 60.0, "kind": "stage_change", "new_stage": "development",
         "commitment_after": 0.9},
    ])
    state = snapshot(Results({}, SNAPSHOT_PAIRS, pd.DataFrame(), marks), 50.0).iloc[0]
    assert (state["buyer"], state["stage"], state["commitment_after"]) == ("B0", "early", 0.1)


def test_left_within_a_year_counts_an_ending_exactly_a_year_later():
    pairs = pair_rows(0, [{"buyer": "B0", "supplier": "S0", "t_early": 0.0, "end": 102.0},
                          {"buyer": "B1", "supplier": "S0", "t_early": 0.0, "end": 102.5}])
    marks = events([{"buyer": b, "time": 1.0, "kind": "adaptation"} for b in ("B0", "B1")])
    at = snapshot(Results({}, pairs, pd.DataFrame(), marks), 50.0).set_index("buyer")
    assert at["left_within"].to_dict() == {"B0": True, "B1": False}
    assert at["stage"].tolist() == ["early", "early"]  # an adaptation keeps its own stage
