"""Reproducibility: a replication is a function of its scenario and seed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.models.lifecycle import simulate


def test_same_seed_gives_identical_tables(small):
    first = simulate(small, np.random.SeedSequence(11), events=True)
    second = simulate(small, np.random.SeedSequence(11), events=True)
    assert set(first) == {"pairs", "timeseries", "events"}
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name])


def test_different_seed_gives_different_tables(small):
    first = simulate(small, np.random.SeedSequence(11))
    second = simulate(small, np.random.SeedSequence(12))
    assert not first["pairs"].equals(second["pairs"])
    assert not first["timeseries"].equals(second["timeseries"])


def test_events_do_not_change_the_outcome(small):
    quiet = simulate(small, np.random.SeedSequence(5))
    loud = simulate(small, np.random.SeedSequence(5), events=True)
    pd.testing.assert_frame_equal(quiet["pairs"], loud["pairs"])
    pd.testing.assert_frame_equal(quiet["timeseries"], loud["timeseries"])


def test_tables_have_the_same_columns_even_when_nothing_happens(small):
    empty = small.model_copy(update={"horizon": 0.5})
    tables = simulate(empty, np.random.SeedSequence(1), events=True)
    full = simulate(small, np.random.SeedSequence(1), events=True)
    for name in tables:
        assert list(tables[name].columns) == list(full[name].columns)
        assert dict(tables[name].dtypes) == dict(full[name].dtypes) or tables[name].empty


@pytest.mark.parametrize("table", ["pairs", "timeseries", "events"])
def test_tables_are_stored_by_parquet(small, tmp_path, table):
    frame = simulate(small, np.random.SeedSequence(2), events=True)[table]
    path = tmp_path / f"{table}.parquet"
    frame.to_parquet(path)
    pd.testing.assert_frame_equal(pd.read_parquet(path), frame, check_dtype=False)
    assert "replication" not in frame.columns
