"""The engine: independent reproducible random streams, the event loop and the event log."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import simpy

from sim.engine import EventLog, Streams, replication_seed, run_until


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


def _busy_world(env: simpy.Environment, seen: list) -> None:
    """Processes, callbacks, same-time events and zero delays: what a model's queue holds."""
    rng = np.random.default_rng(5)

    def ticker(name: str, waits: list[float]):
        for wait in waits:
            yield env.timeout(wait)
            seen.append((env.now, name))
            if wait < 0.3:
                signal = env.event()
                signal.callbacks.append(lambda _e, name=name: seen.append((env.now, f"{name}!")))
                signal.succeed()

    for index in range(20):
        env.process(ticker(f"p{index}", rng.exponential(1.0, 30).round(1).tolist()))
    for week in (0.0, 2.0, 5.0, 10.0):
        env.timeout(week).callbacks.append(lambda _e, week=week: seen.append((week, "cb")))


def test_run_until_processes_the_same_events_in_the_same_order_as_simpy():
    for until in (0.5, 5.0, 10.0, 200.0):
        ours, theirs = [], []
        env = simpy.Environment()
        _busy_world(env, ours)
        run_until(env, until)
        assert env.now == until
        reference = simpy.Environment()
        _busy_world(reference, theirs)
        reference.run(until=until)
        assert ours == theirs and ours
        assert all(time < until for time, _ in ours)


def test_run_until_raises_a_failed_event_and_refuses_the_past():
    env = simpy.Environment()

    def failing():
        yield env.timeout(1.0)
        raise KeyError("lost")

    env.process(failing())
    with pytest.raises(KeyError, match="lost"):
        run_until(env, 5.0)
    with pytest.raises(ValueError, match="greater"):
        run_until(env, env.now)
