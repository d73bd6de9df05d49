"""The engine: independent reproducible random streams, and the event log."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine import EventLog, Streams, replication_seed


def _draws(seed: np.random.SeedSequence, purpose: str, n: int = 5) -> np.ndarray:
    return Streams(seed)[purpose].random(n)


def test_a_stream_gives_the_same_numbers_for_the_same_seed_and_purpose():
    seed = replication_seed(7, 3)
    np.testing.assert_array_equal(_draws(seed, "orders"), _draws(replication_seed(7, 3), "orders"))


def test_streams_of_different_purposes_or_replications_differ():
    seed = replication_seed(7, 3)
    orders = _draws(seed, "orders")
    assert not np.array_equal(orders, _draws(seed, "marketing"))
    assert not np.array_equal(orders, _draws(replication_seed(7, 4), "orders"))
    assert not np.array_equal(orders, _draws(replication_seed(8, 3), "orders"))


def test_drawing_from_one_purpose_never_shifts_another():
    quiet, busy = Streams(replication_seed(1, 0)), Streams(replication_seed(1, 0))
    busy["marketing"].random(10_000)
    busy["new_purpose"].normal(size=100)
    np.testing.assert_array_equal(quiet["orders"].random(5), busy["orders"].random(5))


def test_a_purpose_keeps_one_generator_that_continues_where_it_stopped():
    streams = Streams(replication_seed(2, 0))
    first = streams["orders"].random(3)
    rest = streams["orders"].random(3)
    np.testing.assert_array_equal(np.concatenate([first, rest]),
                                  Streams(replication_seed(2, 0))["orders"].random(6))


def test_streams_are_uncorrelated():
    streams = Streams(replication_seed(3, 0))
    a, b = streams["a"].random(20_000), streams["b"].random(20_000)
    # the sample correlation of independent uniforms has standard error 1/sqrt(n)
    assert abs(np.corrcoef(a, b)[0, 1]) < 4 / np.sqrt(20_000)


def test_the_replication_seed_equals_spawning_from_the_master_seed():
    spawned = np.random.SeedSequence(11).spawn(5)[4]
    direct = replication_seed(11, 4)
    assert direct.entropy == spawned.entropy
    assert direct.spawn_key == spawned.spawn_key
    assert direct.generate_state(4).tolist() == spawned.generate_state(4).tolist()


def test_a_disabled_log_records_nothing():
    log = EventLog(False, ("time", "kind"))
    log.record(time=1.0, kind="x")
    assert len(log) == 0
    frame = log.frame()
    assert list(frame.columns) == ["time", "kind"]
    assert frame.empty


def test_the_log_keeps_rows_in_order_with_columns_in_first_seen_order():
    log = EventLog(True, ("time",))
    log.record(time=1.0, kind="order")
    log.record(kind="review", time=2.0, detail="late")
    assert len(log) == 2
    expected = pd.DataFrame({"time": [1.0, 2.0], "kind": ["order", "review"],
                             "detail": [np.nan, "late"]})
    pd.testing.assert_frame_equal(log.frame(), expected)
