"""Dask runs that time out or are interrupted: the replication stops, nothing is lost.

The clusters run in this process (``processes=False``) or in the test's own
script, so a replication that is not stopped keeps a worker thread busy and
the next replication times out behind it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import sim
import sim.runner
from sim.runner import RunInterrupted

distributed = pytest.importorskip("distributed")
fault_hooks = pytest.importorskip("fault_hooks")

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


_wait_for = fault_hooks.wait_for


@pytest.fixture
def markers(tmp_path, monkeypatch):
    return fault_hooks.marker_folder(tmp_path, monkeypatch)


QUIET_CLUSTER = dict(n_workers=1, threads_per_worker=1, processes=False,
                     dashboard_address=None,
                     scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"})
"""One worker thread in this process, no web server on a port another test may hold."""


@pytest.fixture
def one_thread_cluster():
    with distributed.LocalCluster(**QUIET_CLUSTER) as cluster:
        yield cluster.scheduler_address


def _stopped(markers: Path) -> bool:
    return any(p.name.startswith("stopped-") for p in markers.iterdir())


def test_a_dask_replication_over_its_time_limit_stops_and_frees_its_worker(
        small_markov, tmp_path, monkeypatch, markers, one_thread_cluster):
    monkeypatch.setattr(sim.runner, "run_replication", fault_hooks.hangs_in_replication_1)
    results = sim.run(small_markov, replications=4, seed=2, workers=1, executor="dask",
                      scheduler=one_thread_cluster, timeout=1.0, out=tmp_path / "b")
    manifest = results.manifest
    # One worker thread: had replication 1 kept it, 2 and 3 would have timed out behind it.
    assert manifest["done"] == 3 and manifest["missing"] == [1]
    [failure] = manifest["failures"]
    assert failure["traceback"] == ("TimeoutError: ran longer than 1 s (the time limit of a "
                                    "replication)")
    _wait_for(lambda: _stopped(markers), seconds=10)


def test_a_dask_replication_stops_at_its_own_time_limit_when_no_cancel_reaches_it(
        small_markov, markers, monkeypatch):
    from sim.executors import _on_dask_worker

    started = time.monotonic()
    outcome = _on_dask_worker(
        lambda r: fault_hooks.hangs_in_replication_1(None, 0, r, False),
        sim.runner._lost, 0.5, 1)
    assert 0.5 <= time.monotonic() - started < 5
    assert outcome.error.startswith("TimeoutError: ran longer than 0.5 s")
    assert _stopped(markers)


def test_second_ctrl_c_stops_a_hanging_dask_replication(small_markov, tmp_path, monkeypatch,
                                                        markers, caplog, one_thread_cluster):
    monkeypatch.setattr(sim.runner, "run_replication", fault_hooks.hangs_in_replication_1)

    def press_ctrl_c_twice():
        _wait_for(lambda: any(markers.iterdir()))
        os.kill(os.getpid(), signal.SIGINT)
        deadline = time.monotonic() + 30.0
        while "press Ctrl-C again" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)

    presser = threading.Thread(target=press_ctrl_c_twice, daemon=True)
    presser.start()
    with pytest.raises(RunInterrupted) as stopped:
        sim.run(small_markov, replications=3, seed=2, workers=1, executor="dask",
                scheduler=one_thread_cluster, out=tmp_path / "b")
    presser.join(5)
    manifest = stopped.value.results.manifest
    assert manifest["status"] == "partial"
    assert manifest["done"] == 1 and manifest["missing"] == [1, 2]
    assert manifest["failures"] == []
    _wait_for(lambda: _stopped(markers), seconds=10)


SCRIPT = f"""
import sys
import distributed
import fault_hooks
import sim.cli
import sim.runner

QUIET_CLUSTER = {QUIET_CLUSTER!r}

if __name__ == "__main__":
    hook, *args = sys.argv[1:]
    sim.runner.run_replication = getattr(fault_hooks, hook)
    with distributed.LocalCluster(**QUIET_CLUSTER) as cluster:
        print("started", flush=True)
        try:
            sim.cli.main([*args, "--scheduler", cluster.scheduler_address])
        except SystemExit as leaving:
            code = leaving.code
    sys.exit(code)
"""


def _dyadsim_on_dask(tmp_path: Path, hook: str, *args) -> subprocess.Popen:
    script = tmp_path / "dask_run.py"
    script.write_text(textwrap.dedent(SCRIPT))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)])}
    return subprocess.Popen([sys.executable, str(script), hook, *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=tmp_path)


def test_ctrl_c_during_a_dask_run_keeps_what_finished_and_resume_completes_it(
        small_markov, tmp_path, markers, one_thread_cluster):
    bundle = tmp_path / "b"
    process = _dyadsim_on_dask(tmp_path, "slow_in_replication_1", "run", small_markov,
                               "-n", "4", "--seed", "3", "--workers", "1", "--out", bundle, "-q")
    try:
        assert process.stdout.readline().strip() == "started"
        _wait_for(lambda: any(markers.iterdir()))  # replication 0 is done, 1 runs a second
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert lines[-1] == (f"interrupted: kept 2 of 4 replications in {bundle}; finish with: "
                         f"dyadsim run --resume {bundle}")
    assert all("stopping: 1 running replications finish" in line for line in lines[:-1]), err

    # What ``dyadsim run --resume`` runs, here without writing the report's plots.
    sim.resume(bundle, workers=1, executor="dask", scheduler=one_thread_cluster)
    resumed = sim.load_results(bundle)
    assert resumed.manifest["status"] == "complete"
    whole = sim.run(small_markov, replications=4, seed=3, workers=1)
    pd.testing.assert_frame_equal(resumed.pairs, whole.pairs)
    pd.testing.assert_frame_equal(resumed.timeseries, whole.timeseries)
