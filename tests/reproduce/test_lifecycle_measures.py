"""The measures the lifecycle reproductions take on pairs, computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reproduce.lifecycle import began, snapshot, stage_hazards
from sim.results import Results

PAIRS = pd.DataFrame({
    "replication": [0, 0, 0],
    "buyer": ["B0", "B1", "B2"], "supplier": ["S0", "S0", "S1"],
    "t_early": [0.0, 10.0, np.nan],
    "t_development": [20.0, np.nan, np.nan],
    "t_long_term": [np.nan, np.nan, np.nan],
    "t_final": [np.nan, np.nan, np.nan],
    "end": [50.0, 30.0, 4.0],
    "censored": [False, True, False],
    "end_stage": ["development", "early", "pre"],
})


def test_a_relationship_begins_at_its_first_trial_order_and_ages_from_there():
    started = began(PAIRS)
    assert started["buyer"].tolist() == ["B0", "B1"]  # B2 never left pre
    assert started["age"].tolist() == [50.0, 20.0]


def test_stage_hazards_are_endings_per_week_spent_in_the_stage():
    table = stage_hazards(PAIRS).set_index("stage")
    # early: B0 20 weeks (0 to 20), B1 20 weeks (10 to 30, censored): no ending there
    assert table.loc["early", "exposure"] == 40.0 and table.loc["early", "endings"] == 0
    # development: B0 from 20 to its end at 50, where it ended
    assert table.loc["development", "exposure"] == 30.0
    assert table.loc["development", "hazard"] == pytest.approx(1 / 30)
    assert np.isnan(table.loc["long_term", "hazard"])  # nobody got there


def test_a_snapshot_takes_each_relationships_state_after_its_last_marked_event():
    events = pd.DataFrame({
        "replication": [0, 0, 0, 0], "buyer": ["B0", "B0", "B0", "B1"],
        "supplier": ["S0", "S0", "S0", "S0"], "time": [0.0, 20.0, 40.0, 10.0],
        "kind": ["stage_change", "stage_change", "adaptation", "stage_change"],
        "new_stage": ["early", "development", None, "early"],
        "stage": ["pre", "early", "development", "pre"],
        "trust_after": [0.3, 0.6, 0.7, 0.2], "commitment_after": [0.1, 0.4, 0.5, 0.1],
    })
    results = Results({}, PAIRS, pd.DataFrame(), events)
    at = snapshot(results, 25.0).set_index("buyer")
    assert at.loc["B0", "stage"] == "development" and at.loc["B0", "commitment_after"] == 0.4
    assert at.loc["B1", "stage"] == "early"
    assert at["left_within"].to_dict() == {"B0": True, "B1": False}  # B0 ends at 50, B1 lives on
