"""What a run writes down when it stops early, so that resume can always finish it."""

from __future__ import annotations

import errno
import json

import pandas as pd
import pytest

import sim
from sim.results import Bundle, BundleError
from sim.runner import RunInterrupted


@pytest.fixture
def scenario(small_markov):
    """Two replications of a small retention chain."""
    return sim.load_scenario(small_markov, ["markov.customers=200", "replications=2"])


def manifest_of(folder) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("step", ["write_tables", "write_summary"])
def test_a_full_disk_while_combining_leaves_a_bundle_that_resume_finishes(
        scenario, tmp_path, monkeypatch, step):
    folder = tmp_path / "b"
    monkeypatch.setattr(Bundle, step, no_space)
    with pytest.raises(BundleError) as caught:
        sim.run(scenario, workers=1, out=folder)
    assert str(caught.value) == (f"cannot write to {folder}: No space left on device; kept 2 of "
                                 f"2 replications; make room, then finish with: dyadsim run "
                                 f"--resume {folder}")
    manifest = manifest_of(folder)
    assert (manifest["status"], manifest["done"], manifest["missing"]) == ("partial", 2, [])
    monkeypatch.undo()
    resumed = sim.resume(folder, workers=1)
    assert resumed.manifest["status"] == "complete"
    assert resumed.summary()["replications"] == 2
    assert not (folder / "shards").exists()
    pd.testing.assert_frame_equal(resumed.pairs, sim.run(scenario, workers=1).pairs)


def test_ctrl_c_in_the_first_replication_keeps_a_resumable_bundle_with_nothing_done(
        scenario, tmp_path, break_replication):
    folder = tmp_path / "b"
    break_replication(0, KeyboardInterrupt())
    with pytest.raises(RunInterrupted) as caught:
        sim.run(scenario, workers=1, out=folder)
    kept = caught.value.results
    assert (kept.manifest["status"], kept.manifest["done"], kept.manifest["missing"]) == (
        "partial", 0, [0, 1])
    assert kept.pairs.empty and kept.path == folder
    assert manifest_of(folder)["status"] == "partial"
    break_replication.restore()
    assert sim.resume(folder, workers=1).manifest["done"] == 2


def test_an_interrupted_run_in_memory_returns_what_finished(scenario, break_replication):
    break_replication(1, KeyboardInterrupt())
    with pytest.raises(RunInterrupted) as caught:
        sim.run(scenario, workers=1)
    kept = caught.value.results
    assert kept.path is None and kept.manifest["status"] == "partial"
    assert kept.pairs["replication"].unique().tolist() == [0]


def test_resume_reruns_a_shard_of_another_run_and_lists_it_as_rejected(scenario, tmp_path,
                                                                      break_replication):
    folder = tmp_path / "b"
    break_replication(1, RuntimeError("first try"))
    sim.run(scenario, workers=1, out=folder)
    record = folder / "shards" / "00000" / "record.json"
    record.write_text(json.dumps({**json.loads(record.read_text()), "run": "0" * 16}))
    break_replication.restore()
    resumed = sim.resume(folder, workers=1)
    assert resumed.manifest["rejected"] == [
        {"replication": 0, "problem": "written by another run (other scenario, seed or events)"}]
    assert resumed.manifest["status"] == "complete"
    pd.testing.assert_frame_equal(resumed.pairs, sim.run(scenario, workers=1).pairs)
