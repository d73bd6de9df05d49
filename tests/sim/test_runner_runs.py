"""Running a tiny market: seeds, workers, the manifest, progress, failures and resuming."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import sim
from sim.executors import ExecutorError, connect, outcomes
from sim.results import BundleError, RunFailed
from sim.runner import run_replication

TINY = ["lifecycle.market.buyers.count=8", "lifecycle.market.suppliers.count=3",
        "horizon=1 year", "replications=2", "seed=11"]


@pytest.fixture(scope="module")
def tiny():
    """The baseline market shrunk to eight buyers and three suppliers for a year."""
    return sim.load_scenario("baseline", TINY)


@pytest.fixture(scope="module")
def tiny_runs(tiny, tmp_path_factory):
    """The tiny market run by one worker in this process and by two worker processes."""
    folder = tmp_path_factory.mktemp("runs")
    calls: list[tuple[int, int]] = []
    one = sim.run(tiny, workers=1, out=folder / "one", events=True,
                  progress=lambda done, total: calls.append((done, total)))
    two = sim.run(tiny, workers=2, out=folder / "two", events=True)
    return one, two, calls


def test_the_same_seed_gives_the_same_tables_whatever_the_number_of_workers(tiny_runs):
    one, two, _ = tiny_runs
    for name in ("pairs", "timeseries", "events"):
        pd.testing.assert_frame_equal(one.tables[name], two.tables[name])
    assert one.summary() == two.summary()
    assert len(one.pairs) > 0 and sorted(one.pairs["replication"].unique()) == [0, 1]


def test_each_replication_is_the_same_alone_as_in_a_run(tiny, tiny_runs):
    one, _, _ = tiny_runs
    alone = run_replication(tiny, 11, 1, events=True)
    assert alone.error is None
    ran = one.pairs[one.pairs["replication"] == 1].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone.tables["pairs"], ran, check_dtype=False)  # text types
    assert alone.tables["pairs"].columns[0] == "replication"


def test_the_manifest_records_what_was_run_and_the_models_words(tiny, tiny_runs):
    one, _, _ = tiny_runs
    manifest = json.loads((one.path / "manifest.json").read_text())
    assert manifest["scenario"] == tiny.model_dump(mode="json", by_alias=True)
    assert {key: manifest[key] for key in ("model", "seed", "replications", "events", "csv",
                                           "timeout", "status", "done", "missing",
                                           "failures")} == {
        "model": "lifecycle", "seed": 11, "replications": 2, "events": True, "csv": False,
        "timeout": None, "status": "complete", "done": 2, "missing": [], "failures": []}
    assert manifest["vocabulary"]["stages"][:2] == ["pre", "early"]
    assert manifest["started"] <= manifest["finished"]
    assert (one.path / "events.parquet").exists() and not (one.path / "shards").exists()


def test_progress_starts_at_zero_and_counts_each_finished_replication(tiny_runs):
    _, _, calls = tiny_runs
    assert calls == [(0, 2), (1, 2), (2, 2)]


def test_the_summary_names_the_scenario_and_the_replications_it_is_made_of(tiny_runs):
    one, _, _ = tiny_runs
    summary = json.loads((one.path / "summary.json").read_text())
    assert (summary["scenario"], summary["model"], summary["replications"]) == (
        "baseline", "lifecycle", 2)


@pytest.mark.parametrize(("options", "message"), [
    ({"replications": 0}, "replications must be in [1, 1000000], got 0"),
    ({"workers": 0}, "workers must be at least 1, got 0"),
    ({"timeout": 0.0}, "timeout must be a positive number of seconds, got 0.0"),
    ({"timeout": float("nan")}, "timeout must be a positive number of seconds, got nan"),
    ({"timeout": float("inf")}, "timeout must be a positive number of seconds, got inf"),
])
def test_counts_out_of_range_are_refused_before_anything_is_written(small_markov, tmp_path,
                                                                    options, message):
    with pytest.raises(ValueError) as caught:
        sim.run(small_markov, out=tmp_path / "b", **options)
    assert str(caught.value) == message
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize(("kind", "scheduler", "message"), [
    ("local", "tcp://127.0.0.1:1", "--scheduler needs --executor dask"),
    ("ray", None, "unknown executor 'ray'; use 'local' or 'dask'"),
])
def test_an_executor_that_cannot_run_is_refused_before_the_folder_is_made(
        small_markov, tmp_path, kind, scheduler, message):
    with pytest.raises(ExecutorError, match=message):
        sim.run(small_markov, 1, workers=1, executor=kind, scheduler=scheduler,
                out=tmp_path / "b")
    assert not (tmp_path / "b").exists()
    with pytest.raises(ExecutorError), connect(kind, 1, scheduler):
        pass


def test_in_this_process_replications_finish_in_order():
    assert list(outcomes(lambda r: r * 10, [3, 1, 2], None, workers=1, dask=None,
                         timeout=None)) == [30, 10, 20]
    assert list(outcomes(lambda r: r, [], None, workers=4, dask=None, timeout=None)) == []


def test_a_replication_that_raises_returns_its_traceback(small_markov, break_replication):
    break_replication(0, ZeroDivisionError("no buyers left"))
    outcome = run_replication(sim.load_scenario(small_markov), 7, 0, events=False)
    assert outcome.tables is None and outcome.replication == 0
    assert outcome.error.startswith("Traceback") and outcome.error.strip().endswith(
        "ZeroDivisionError: no buyers left")


def test_when_every_replication_fails_in_memory_the_error_has_no_folder(small_markov,
                                                                        break_replication):
    break_replication(0, RuntimeError("broken"))
    with pytest.raises(RunFailed) as caught:
        sim.run(small_markov, 1, workers=1)
    assert caught.value.path is None
    assert caught.value.manifest["status"] == "failed"
    assert str(caught.value).endswith("replication 0: RuntimeError: broken")


def test_a_failed_replication_is_run_again_by_resume_after_a_fix(small_markov, tmp_path,
                                                                 break_replication):
    small_markov = sim.load_scenario(small_markov, ["markov.customers=200"])
    break_replication(1, RuntimeError("bad day"))
    first = sim.run(small_markov, 3, 5, workers=1, out=tmp_path / "b", csv=True)
    assert (first.manifest["status"], first.manifest["missing"]) == ("failed", [1])
    assert sorted(first.pairs["replication"].unique()) == [0, 2]
    assert (tmp_path / "b" / "shards").is_dir()  # kept for the resume
    break_replication.restore()
    resumed = sim.resume(tmp_path / "b", workers=1, timeout=60)
    assert resumed.manifest["status"] == "complete" and resumed.manifest["failures"] == []
    assert resumed.manifest["timeout"] == 60 and "resumed" in resumed.manifest
    assert resumed.manifest["rejected"] == []
    whole = sim.run(small_markov, 3, 5, workers=1)
    pd.testing.assert_frame_equal(resumed.pairs, whole.pairs)
    assert len(pd.read_csv(tmp_path / "b" / "pairs.csv")) == len(whole.pairs)  # csv kept


def test_resuming_a_complete_bundle_runs_nothing_and_changes_nothing(small_markov, tmp_path):
    done = sim.run(small_markov, 2, workers=1, out=tmp_path / "b")
    before = (tmp_path / "b" / "manifest.json").read_text()
    again = sim.resume(tmp_path / "b", progress=lambda *_: pytest.fail("ran a replication"))
    assert again.equals(done)
    assert (tmp_path / "b" / "manifest.json").read_text() == before


def test_resuming_a_folder_that_is_no_bundle_leaves_it_untouched(tmp_path):
    (tmp_path / "notes").mkdir()
    with pytest.raises(BundleError, match="is not a results bundle"):
        sim.resume(tmp_path / "notes")
    assert list((tmp_path / "notes").iterdir()) == []  # not even a lock file
