"""Nothing lost, nothing mixed: shards are checked, folders are owned, files are readable."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat

import pandas as pd
import pytest

import sim
from sim.results import Bundle, BundleError
from sim.runner import RunFailed, RunInterrupted


def assert_same_tables(a, b) -> None:
    pd.testing.assert_frame_equal(a.pairs, b.pairs)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)


class StopAfter:
    def __init__(self, n: int):
        self.n = n

    def __call__(self, done: int, total: int) -> None:
        if done >= self.n:
            raise KeyboardInterrupt


@pytest.fixture
def cut_run(small_markov, tmp_path):
    """A bundle interrupted after 3 of 4 replications (shards 0, 1, 2 on disk)."""
    scenario = sim.load_scenario(small_markov)
    with pytest.raises(RunInterrupted):
        sim.run(scenario, replications=4, seed=5, workers=1, out=tmp_path / "cut",
                progress=StopAfter(3))
    return tmp_path / "cut"


def _shard(folder, replication):
    return folder / "shards" / f"{replication:05d}"


def _missing_parquet(folder):
    (_shard(folder, 0) / "pairs.parquet").unlink()


def _wrong_columns(folder):
    file = _shard(folder, 0) / "timeseries.parquet"
    pd.read_parquet(file).rename(columns={"period": "junk"}).to_parquet(file, index=False)


def _garbage(folder):
    (_shard(folder, 0) / "pairs.parquet").write_bytes(b"PAR1 not really parquet")


def _truncated(folder):
    file = _shard(folder, 0) / "pairs.parquet"
    file.write_bytes(file.read_bytes()[:100])


def _no_record(folder):
    (_shard(folder, 0) / "record.json").unlink()


def _fewer_rows(folder):
    file = _shard(folder, 0) / "pairs.parquet"
    pd.read_parquet(file).head(10).to_parquet(file, index=False)


DAMAGE = {
    "missing parquet": (_missing_parquet, "tables do not match its record"),
    "wrong columns": (_wrong_columns, "columns differ from its record"),
    "garbage": (_garbage, "unreadable"),
    "truncated": (_truncated, "unreadable"),
    "partial (no record)": (_no_record, "incomplete (no record)"),
    "rows missing": (_fewer_rows, "has 10 rows, its record says 2000"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_resume_reruns_a_damaged_shard_and_reports_it(cut_run, small_markov, damage):
    harm, problem = DAMAGE[damage]
    harm(cut_run)
    resumed = sim.resume(cut_run, workers=1)
    assert resumed.manifest["status"] == "complete"
    [rejected] = resumed.manifest["rejected"]
    assert rejected["replication"] == 0 and problem in rejected["problem"]
    whole = sim.run(sim.load_scenario(small_markov), replications=4, seed=5, workers=1)
    assert_same_tables(resumed, whole)


def test_a_shard_of_another_run_is_never_merged(cut_run, small_markov, tmp_path):
    scenario = sim.load_scenario(small_markov)
    with pytest.raises(RunInterrupted):
        sim.run(scenario, replications=4, seed=8, workers=1, out=tmp_path / "other",
                progress=StopAfter(3))
    shutil.rmtree(_shard(cut_run, 1))
    shutil.copytree(tmp_path / "other" / "shards" / "00001", _shard(cut_run, 1))
    resumed = sim.resume(cut_run, workers=1)
    [rejected] = resumed.manifest["rejected"]
    assert rejected == {"replication": 1,
                        "problem": "written by another run (other scenario, seed or events)"}
    assert_same_tables(resumed, sim.run(scenario, replications=4, seed=5, workers=1))


def test_a_shard_that_breaks_while_combining_is_set_aside_not_merged(small_markov, tmp_path,
                                                                     monkeypatch):
    original = Bundle.write_shard

    def corrupt_second(self, replication, tables, identity=""):
        original(self, replication, tables, identity)
        if replication == 1:
            (self.shard(1) / "pairs.parquet").write_bytes(b"garbage")

    monkeypatch.setattr(Bundle, "write_shard", corrupt_second)
    scenario = sim.load_scenario(small_markov)
    results = sim.run(scenario, replications=3, seed=2, workers=1, out=tmp_path / "b")
    assert results.manifest["status"] == "partial"
    assert results.manifest["missing"] == [1]
    assert sorted(results.pairs["replication"].unique()) == [0, 2]
    monkeypatch.undo()
    repaired = sim.resume(tmp_path / "b", workers=1)
    assert repaired.manifest["status"] == "complete"
    assert_same_tables(repaired, sim.run(scenario, replications=3, seed=2, workers=1))


def test_a_second_run_on_a_folder_in_use_is_refused(small_markov, tmp_path):
    folder = tmp_path / "busy"
    owner = Bundle(folder)
    with owner.claim():
        with pytest.raises(BundleError, match="is in use by another run"):
            sim.run(small_markov, replications=1, workers=1, out=folder)
        with pytest.raises(BundleError, match="is in use by another run"), Bundle(folder).claim():
            pass
    results = sim.run(small_markov, replications=1, workers=1, out=folder)  # free again
    assert results.manifest["status"] == "complete"


def test_a_full_disk_keeps_what_was_written_and_resumes_to_the_same_tables(
        small_markov, tmp_path, monkeypatch):
    original = Bundle.write_shard

    def fill_up(self, replication, tables, identity=""):
        if replication == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(self.shard(2)))
        original(self, replication, tables, identity)

    monkeypatch.setattr(Bundle, "write_shard", fill_up)
    scenario = sim.load_scenario(small_markov)
    with pytest.raises(BundleError) as caught:
        sim.run(scenario, replications=4, seed=3, workers=1, out=tmp_path / "b")
    message = str(caught.value)
    assert "No space left on device" in message and "kept 2 of 4 replications" in message
    assert f"dyadsim run --resume {tmp_path / 'b'}" in message
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["status"] == "partial" and manifest["missing"] == [2, 3]
    monkeypatch.undo()
    resumed = sim.resume(tmp_path / "b", workers=1)
    assert_same_tables(resumed, sim.run(scenario, replications=4, seed=3, workers=1))


def test_when_every_replication_fails_the_first_error_is_given(small_markov, tmp_path,
                                                                monkeypatch):
    from sim.models import markov

    def broken(scenario, seed, *, events=False):
        raise ValueError(f"no customers in stream {seed.spawn_key[0]}")

    monkeypatch.setattr(markov, "simulate", broken)
    with pytest.raises(RunFailed) as caught:
        sim.run(small_markov, replications=3, workers=1, out=tmp_path / "b")
    assert str(caught.value) == ("every replication failed; the first, replication 0: "
                                 "ValueError: no customers in stream 0")
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["status"] == "failed" and len(manifest["failures"]) == 3


@pytest.mark.parametrize(("umask", "file_mode", "folder_mode"),
                         [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)])
def test_bundle_files_honour_the_umask(small_markov, tmp_path, umask, file_mode, folder_mode):
    previous = os.umask(umask)
    try:
        with pytest.raises(RunInterrupted):  # keeps shards on disk, to check them too
            sim.run(small_markov, replications=3, seed=1, workers=1, out=tmp_path / "cut",
                    progress=StopAfter(2))
        sim.run(small_markov, replications=2, seed=1, workers=1, out=tmp_path / "b", csv=True)
    finally:
        os.umask(previous)
    files = [p for p in (tmp_path / "b").rglob("*") if p.is_file()]
    files += [p for p in (tmp_path / "cut").rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"manifest.json", "pairs.parquet", "summary.json", "pairs.csv", "record.json"} <= names
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {oct(file_mode)}
    folders = [p for p in (tmp_path / "cut").rglob("*") if p.is_dir()]
    assert folders and {oct(stat.S_IMODE(p.stat().st_mode)) for p in folders} == \
        {oct(folder_mode)}
