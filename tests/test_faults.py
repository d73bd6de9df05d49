"""Runs that lose a worker, hang, are interrupted or lose their main process.

Each test uses two worker processes and small Markov replications; waits are
bounded so that a regression fails instead of hanging the suite, and every
test checks that no worker process is left behind.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import fault_hooks
import pandas as pd
import pytest

import sim
import sim.runner
from sim.runner import RunInterrupted

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


_wait_for = fault_hooks.wait_for


def assert_same_tables(a, b) -> None:
    pd.testing.assert_frame_equal(a.pairs, b.pairs)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)


@pytest.fixture
def markers(tmp_path, monkeypatch):
    return fault_hooks.marker_folder(tmp_path, monkeypatch)


def test_a_killed_worker_loses_only_its_replication_and_the_run_resumes(
        small_markov, tmp_path, monkeypatch):
    monkeypatch.setattr(sim.runner, "run_replication", fault_hooks.killed_in_replication_1)
    scenario = sim.load_scenario(small_markov)
    results = sim.run(scenario, replications=4, seed=2, workers=2, out=tmp_path / "b")
    manifest = results.manifest
    assert manifest["status"] == "failed"
    assert manifest["done"] == 3 and manifest["missing"] == [1]
    [failure] = manifest["failures"]
    assert failure["traceback"].startswith("WorkerDied: the worker process running it was "
                                           "killed by SIGKILL")
    assert multiprocessing.active_children() == []
    monkeypatch.undo()
    resumed = sim.resume(tmp_path / "b", workers=2)
    assert resumed.manifest["status"] == "complete"
    assert_same_tables(resumed, sim.run(scenario, replications=4, seed=2, workers=1))


def test_a_replication_over_its_time_limit_is_failed_and_the_others_finish(
        small_markov, tmp_path, monkeypatch, markers):
    monkeypatch.setattr(sim.runner, "run_replication", fault_hooks.hangs_in_replication_1)
    results = sim.run(small_markov, replications=3, seed=2, workers=2, timeout=1.0,
                      out=tmp_path / "b")
    manifest = results.manifest
    assert manifest["timeout"] == 1.0
    assert manifest["done"] == 2 and manifest["missing"] == [1]
    [failure] = manifest["failures"]
    assert failure["traceback"] == ("TimeoutError: ran longer than 1 s (the time limit of a "
                                    "replication)")
    assert multiprocessing.active_children() == []


def test_the_scenario_gives_the_default_time_limit(write_yaml, small_markov):
    text = small_markov.read_text().replace("seed: 7", "seed: 7\ntimeout: 90")
    scenario = sim.load_scenario(write_yaml("limited.yaml", text))
    assert scenario.timeout == 90.0
    with pytest.raises(sim.scenario.ScenarioError, match="timeout"):
        sim.load_scenario(small_markov, ["timeout=-1"])


def test_second_ctrl_c_cancels_a_hanging_replication(small_markov, tmp_path, monkeypatch,
                                                     markers, caplog):
    monkeypatch.setattr(sim.runner, "run_replication", fault_hooks.hangs_in_replication_1)

    def press_ctrl_c_twice():
        _wait_for(lambda: any(markers.iterdir()))
        os.kill(os.getpid(), signal.SIGINT)  # first: no new replication, running ones go on
        # The second press comes once the run has said what the first did (on a loaded
        # machine a fixed pause can let both arrive before the run looks); pressing it
        # anyway after the wait keeps the hanging replication from hanging the test.
        deadline = time.monotonic() + 30.0
        while "press Ctrl-C again" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)  # second: cancel the hanging one

    presser = threading.Thread(target=press_ctrl_c_twice, daemon=True)
    presser.start()
    with pytest.raises(RunInterrupted) as stopped:
        sim.run(small_markov, replications=3, seed=2, workers=2, out=tmp_path / "b")
    presser.join(5)
    manifest = stopped.value.results.manifest
    assert manifest["status"] == "partial"
    assert 1 in manifest["missing"] and manifest["failures"] == []
    assert "finish and are kept; press Ctrl-C again to cancel them" in caplog.text
    assert multiprocessing.active_children() == []


SCRIPT = """
import sys
import sim
import sim.runner
import fault_hooks

if __name__ == "__main__":
    sim.runner.run_replication = getattr(fault_hooks, sys.argv[3])
    print("started", flush=True)
    try:
        sim.run(sys.argv[1], replications=4, seed=1, workers=2, out=sys.argv[2])
    except sim.runner.RunInterrupted as stop:
        print("interrupted", stop.results.manifest["status"], flush=True)
"""


def _start_script(tmp_path, small_markov, hook: str) -> subprocess.Popen:
    script = tmp_path / "run_it.py"
    script.write_text(textwrap.dedent(SCRIPT))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)])}
    return subprocess.Popen(
        [sys.executable, str(script), str(small_markov), str(tmp_path / "b"), hook],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True,  # its own process group, as a terminal would give it
    )


def test_ctrl_c_while_workers_start_stops_cleanly(small_markov, tmp_path, markers):
    process = _start_script(tmp_path, small_markov, "hangs_in_replication_1")
    try:
        assert process.stdout.readline().strip() == "started"
        time.sleep(0.3)  # the workers are being spawned and import dyadsim
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert "Traceback" not in err, err
    assert out.strip() == "interrupted partial"
    assert process.returncode == 0


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_the_main_process(small_markov, tmp_path, monkeypatch, markers):
    process = _start_script(tmp_path, small_markov, "hangs_in_replication_1")
    try:
        _wait_for(lambda: any(markers.iterdir()))
        workers = _children(process.pid)
        assert len(workers) >= 2
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        _wait_for(lambda: all(_gone(pid) for pid in workers), seconds=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()


def test_workers_that_die_as_they_start_stop_the_run_with_one_message(small_markov, tmp_path,
                                                                       monkeypatch):
    import sim.pool
    from sim.executors import ExecutorError

    monkeypatch.setattr(sim.pool, "_serve", fault_hooks.exits_on_start)
    with pytest.raises(ExecutorError, match=r"worker processes stop as they start \(exit code 3\)"):
        sim.run(small_markov, replications=4, workers=2, out=tmp_path / "b")
    assert multiprocessing.active_children() == []
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["status"] == "partial" and manifest["missing"] == [0, 1, 2, 3]
    monkeypatch.undo()
    resumed = sim.resume(tmp_path / "b", workers=1)
    assert resumed.manifest["status"] == "complete"
