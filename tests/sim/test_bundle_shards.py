"""The results folder: targets, the lock, shard records and what makes a shard unusable."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.results import (
    Bundle,
    BundleError,
    Results,
    RunFailed,
    default_folder,
    describe_error,
    fresh_folder,
    run_identity,
)
from sim.shards import RECORD, describe_parquet, shard_problem

MANIFEST = {"scenario": {"name": "tiny", "model": "markov"}, "seed": 4, "events": False,
            "replications": 3, "status": "complete"}
IDENTITY = run_identity(MANIFEST)


def tables(replication: int, rows: int = 2) -> dict[str, pd.DataFrame]:
    return {
        "pairs": pd.DataFrame({"replication": np.full(rows, replication, dtype=np.int64),
                               "value": np.arange(rows, dtype=float)}),
        "timeseries": pd.DataFrame({"replication": [replication], "time": [0.0]}),
    }


@pytest.fixture
def bundle(tmp_path) -> Bundle:
    bundle = Bundle(tmp_path / "b")
    bundle.prepare()
    return bundle


def shard_of(bundle: Bundle, replication: int = 0) -> Path:
    bundle.write_shard(replication, tables(replication), IDENTITY)
    return bundle.shard(replication)


# ---------------------------------------------------------------- shard records


def test_a_shard_record_names_its_run_and_describes_each_table(bundle):
    folder = shard_of(bundle, 1)
    record = json.loads((folder / RECORD).read_text())
    assert record["replication"] == 1 and record["run"] == IDENTITY
    assert record["tables"]["pairs"] == {"rows": 2, "columns": [["replication", "int64"],
                                                                ["value", "double"]]}
    assert record["tables"]["pairs"] == describe_parquet(folder / "pairs.parquet")
    assert shard_problem(folder, 1, IDENTITY) is None
    assert shard_problem(folder, 1, "") is None  # no identity: any run's shard


def _rewrite_record(folder: Path, change) -> None:
    record = json.loads((folder / RECORD).read_text())
    change(record)
    (folder / RECORD).write_text(json.dumps(record))


@pytest.mark.parametrize(("damage", "problem"), [
    (lambda f: (f / RECORD).unlink(), "incomplete (no record)"),
    (lambda f: (f / RECORD).write_text("{half"), "unreadable record"),
    (lambda f: (f / RECORD).write_text("[1, 2]"), "record of another replication"),
    (lambda f: _rewrite_record(f, lambda r: r.update(replication=2)),
     "record of another replication"),
    (lambda f: _rewrite_record(f, lambda r: r.update(run="0" * 16)),
     "written by another run (other scenario, seed or events)"),
    (lambda f: _rewrite_record(f, lambda r: r["tables"].pop("timeseries")),
     "record lists no tables"),
    (lambda f: (f / "timeseries.parquet").unlink(),
     "tables do not match its record (timeseries)"),
    (lambda f: tables(0)["pairs"].to_parquet(f / "events.parquet"),
     "tables do not match its record (events)"),
    (lambda f: tables(0, rows=5)["pairs"].to_parquet(f / "pairs.parquet"),
     "pairs.parquet has 5 rows, its record says 2"),
    (lambda f: tables(0)["pairs"].astype({"value": "float32"}).to_parquet(f / "pairs.parquet"),
     "pairs.parquet columns differ from its record"),
    (lambda f: (f / "pairs.parquet").write_bytes(b"PAR1 not really"),
     "pairs.parquet unreadable (ArrowInvalid)"),
])
def test_each_way_a_shard_can_be_damaged_has_its_reason(bundle, damage, problem):
    folder = shard_of(bundle)
    damage(folder)
    assert shard_problem(folder, 0, IDENTITY) == problem
    good, problems = bundle.verified(3, IDENTITY)
    assert good == set() and problems == {0: problem}


def test_rewriting_a_shard_replaces_it_whole(bundle):
    bundle.write_shard(0, {**tables(0), "events": tables(0)["pairs"]}, IDENTITY)
    bundle.write_shard(0, tables(0, rows=4), IDENTITY)
    folder = bundle.shard(0)
    assert sorted(p.name for p in folder.iterdir()) == ["pairs.parquet", RECORD,
                                                        "timeseries.parquet"]
    assert shard_problem(folder, 0, IDENTITY) is None


def test_a_shard_that_cannot_be_written_leaves_nothing_behind(bundle):
    broken = {**tables(0), "events": pd.DataFrame({"x": [1, "a"]})}  # mixed types
    with pytest.raises(Exception, match=r"Conversion failed|object"):
        bundle.write_shard(0, broken, IDENTITY)
    assert bundle.finished() == set()
    assert list(bundle.shards.iterdir()) == []


def test_shards_that_cannot_be_read_are_left_out_of_the_combined_tables(bundle):
    for replication in range(3):
        shard_of(bundle, replication)
    (bundle.shard(1) / "pairs.parquet").write_bytes(b"garbage")
    combined, unreadable = bundle.read_shards({0, 1, 2})
    assert unreadable == {1: "unreadable data (ArrowInvalid)"}
    assert combined["pairs"]["replication"].tolist() == [0, 0, 2, 2]
    assert combined["timeseries"]["replication"].tolist() == [0, 2]


def test_only_numbered_folders_count_as_shards(bundle):
    shard_of(bundle, 0)
    (bundle.shards / "notes").mkdir()
    (bundle.shards / "00004").write_text("a file, not a shard")
    assert bundle.finished() == {0}


# ---------------------------------------------------------------- the target folder


def test_a_target_must_be_missing_empty_or_with_force_an_earlier_bundle(tmp_path):
    Bundle(tmp_path / "new").check_target()
    (tmp_path / "empty").mkdir()
    Bundle(tmp_path / "empty").check_target()
    (tmp_path / "file").write_text("x")
    with pytest.raises(BundleError, match="exists and is not a folder"):
        Bundle(tmp_path / "file").check_target(force=True)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("x")
    with pytest.raises(BundleError, match="is not empty; use --resume to complete it or --force"):
        Bundle(tmp_path / "mine").check_target()
    with pytest.raises(BundleError, match="is not a results bundle; refusing to replace it"):
        Bundle(tmp_path / "mine").check_target(force=True)


def test_a_folder_holding_only_a_lock_counts_as_empty(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / ".lock").write_text("")
    Bundle(tmp_path / "b").check_target()


def test_forcing_replaces_an_earlier_bundle_but_never_follows_a_link_out_of_it(tmp_path, bundle):
    bundle.write_manifest(MANIFEST)
    shard_of(bundle)
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "data.csv").write_text("precious")
    (bundle.path / "link").symlink_to(keep, target_is_directory=True)
    bundle.prepare(force=True)
    assert sorted(p.name for p in bundle.path.iterdir()) == ["shards"]
    assert (keep / "data.csv").read_text() == "precious"


def test_a_claimed_folder_is_refused_to_a_second_claim_until_released(tmp_path):
    first, second = Bundle(tmp_path / "b"), Bundle(tmp_path / "b")
    with first.claim(), pytest.raises(BundleError, match="is in use by another run"), \
            second.claim():
        pass
    with second.claim():
        assert (tmp_path / "b" / ".lock").exists()


def test_claiming_removes_what_a_dead_run_left_half_written(bundle):
    (bundle.path / ".manifest.json.123.abcd.tmp").write_text("{")
    (bundle.shards / ".00001.123.abcd.tmp").mkdir()
    shard_of(bundle, 0)
    with bundle.claim():
        pass
    assert sorted(p.name for p in bundle.path.iterdir()) == [".lock", "shards"]
    assert [p.name for p in bundle.shards.iterdir()] == ["00000"]


def test_a_manifest_must_be_a_mapping_with_its_scenario(bundle):
    for text in ("[1, 2]", '{"seed": 1}', '{"scenario": "baseline"}'):
        bundle.manifest_path.write_text(text)
        with pytest.raises(BundleError, match="not the manifest of a run"):
            bundle.read_manifest()


def test_loading_names_a_damaged_table_and_a_missing_summary_is_empty(bundle):
    bundle.write_manifest(MANIFEST)
    bundle.write_tables(tables(0))
    assert bundle.load().summary() == {}
    (bundle.path / "timeseries.parquet").write_bytes(b"nonsense")
    with pytest.raises(BundleError, match=r"timeseries\.parquet: unreadable \(ArrowInvalid\)"):
        bundle.load()


@pytest.mark.parametrize(("damage", "error"), [
    (lambda file: file.write_text("{half"), "JSONDecodeError"),
    (lambda file: file.write_bytes(b"\xff\xfe{}"), "UnicodeDecodeError"),
    (lambda file: file.mkdir(), "IsADirectoryError"),
])
def test_a_damaged_summary_is_one_line_naming_it(bundle, damage, error):
    bundle.write_manifest(MANIFEST)
    bundle.write_tables(tables(0))
    damage(bundle.path / "summary.json")
    with pytest.raises(BundleError) as caught:
        bundle.load()
    assert str(caught.value) == f"{bundle.path / 'summary.json'}: unreadable ({error})"


# ---------------------------------------------------------------- names and messages


@pytest.mark.parametrize(("name", "prefix", "folder"), [
    ("baseline", "", "baseline"),
    ("../../etc/x", "", "etc-x"),
    ("a/b c", "", "a-b-c"),
    (".hidden", "", "hidden"),
    ("...", "", "scenario"),
    ("", "", "scenario"),
    ("café", "", "caf"),
    ("x" * 150, "", "x" * 100),
    ("a-b", "compare-", "compare-a-b"),
])
def test_a_default_folder_is_one_safe_name_inside_results(name, prefix, folder):
    assert default_folder(name, prefix) == Path("results") / folder


def test_a_fresh_folder_moves_past_a_file_of_that_name(tmp_path):
    (tmp_path / "run").write_text("not a folder")
    assert fresh_folder(tmp_path / "run") == tmp_path / "run-2"


def test_an_os_error_is_told_without_its_number():
    error = PermissionError(13, "Permission denied", "/x/manifest.json")
    assert describe_error(error) == "Permission denied: /x/manifest.json"
    assert describe_error(OSError("disk gone")) == "disk gone"


def test_a_failed_run_says_which_replication_failed_first_and_why():
    manifest = {"failures": [{"replication": 3, "traceback": "Traceback ...\n  line\n"
                                                             "ValueError: bad draw\n"}]}
    failed = RunFailed(manifest, Path("out"))
    assert str(failed) == "every replication failed; the first, replication 3: ValueError: " \
                          "bad draw"
    assert failed.path == Path("out") and failed.manifest is manifest
    assert str(RunFailed({"failures": []}, None)) == "every replication failed"


def test_results_with_and_without_events_are_not_equal():
    parts = tables(0)
    plain = Results(MANIFEST, parts["pairs"], parts["timeseries"])
    with_events = Results(MANIFEST, parts["pairs"], parts["timeseries"], parts["pairs"])
    assert not plain.equals(with_events) and with_events.equals(with_events)
    changed = parts["pairs"].assign(value=[0.0, 9.0])
    assert not plain.equals(Results(MANIFEST, changed, parts["timeseries"]))


def test_files_are_written_whole_or_not_at_all(bundle, monkeypatch):
    bundle.write_summary({"x": 1})

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        bundle.write_summary({"x": 2})
    monkeypatch.undo()
    assert json.loads((bundle.path / "summary.json").read_text()) == {"x": 1}
    assert not [p for p in bundle.path.iterdir() if p.name.endswith(".tmp")]
