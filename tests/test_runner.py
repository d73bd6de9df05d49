"""Replications, seeds, executors, shards, resuming and failures."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import sim
from sim.engine import Streams, replication_seed
from sim.runner import RunInterrupted


def assert_same_tables(a: sim.Results, b: sim.Results) -> None:
    pd.testing.assert_frame_equal(a.pairs, b.pairs)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    assert a.summary() == b.summary()


def test_replication_seed_is_the_spawned_child_whatever_the_count():
    children = np.random.SeedSequence(42).spawn(6)
    for index, child in enumerate(children):
        ours = replication_seed(42, index)
        assert ours.generate_state(4).tolist() == child.generate_state(4).tolist()


def test_streams_are_independent_per_purpose_and_reproducible():
    seed = replication_seed(5, 2)
    first = Streams(seed)
    orders = first["orders"].random(3)
    assert not np.allclose(orders, first["marketing"].random(3))
    again = Streams(replication_seed(5, 2))
    again["marketing"].random(10)  # using another purpose first changes nothing
    assert np.allclose(again["orders"].random(3), orders)


def test_same_seed_same_tables_and_another_seed_differs(small_markov):
    scenario = sim.load_scenario(small_markov)
    a = sim.run(scenario, replications=3, seed=1, workers=1)
    b = sim.run(scenario, replications=3, seed=1, workers=1)
    c = sim.run(scenario, replications=3, seed=2, workers=1)
    assert_same_tables(a, b)
    assert not a.pairs["value"].equals(c.pairs["value"])
    assert list(a.pairs["replication"].unique()) == [0, 1, 2]


def test_one_and_two_workers_give_identical_bundles(small_markov, tmp_path):
    scenario = sim.load_scenario(small_markov)
    one = sim.run(scenario, replications=4, seed=9, workers=1, out=tmp_path / "one")
    two = sim.run(scenario, replications=4, seed=9, workers=2, out=tmp_path / "two")
    assert_same_tables(one, two)


def test_dask_local_cluster_gives_the_same_results_as_local(small_markov, tmp_path):
    pytest.importorskip("distributed")
    scenario = sim.load_scenario(small_markov)
    local = sim.run(scenario, replications=3, seed=4, workers=1)
    dask = sim.run(scenario, replications=3, seed=4, workers=2, executor="dask",
                   out=tmp_path / "dask")
    assert_same_tables(local, dask)
    assert dask.manifest["status"] == "complete"


def test_bundle_has_every_file_and_loads_back_equal(small_markov, tmp_path):
    scenario = sim.load_scenario(small_markov)
    results = sim.run(scenario, replications=2, seed=3, workers=1, out=tmp_path / "b", csv=True)
    folder = tmp_path / "b"
    names = {p.name for p in folder.iterdir()}
    assert {"manifest.json", "pairs.parquet", "timeseries.parquet", "summary.json",
            "pairs.csv", "timeseries.csv"} <= names
    assert "shards" not in names
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["replications"] == 2 and manifest["done"] == 2
    assert manifest["seed"] == 3
    assert manifest["scenario"]["markov"]["customers"] == 2000
    assert manifest["dyadsim_version"] == sim.__version__
    assert {"started", "finished"} <= set(manifest)
    loaded = sim.load_results(folder)
    assert loaded.equals(results)
    assert_same_tables(loaded, results)
    assert len(pd.read_csv(folder / "pairs.csv")) == len(results.pairs)


def test_existing_bundle_is_never_overwritten_without_force(small_markov, tmp_path):
    scenario = sim.load_scenario(small_markov)
    sim.run(scenario, replications=1, seed=3, workers=1, out=tmp_path / "b")
    with pytest.raises(sim.results.BundleError, match="not empty"):
        sim.run(scenario, replications=1, seed=3, workers=1, out=tmp_path / "b")
    sim.run(scenario, replications=2, seed=3, workers=1, out=tmp_path / "b", force=True)
    assert sim.load_results(tmp_path / "b").manifest["replications"] == 2
    other = tmp_path / "notes"
    other.mkdir()
    (other / "thesis.txt").write_text("precious")
    with pytest.raises(sim.results.BundleError, match="not a results bundle"):
        sim.run(scenario, replications=1, workers=1, out=other, force=True)
    assert (other / "thesis.txt").exists()


class StopAfter:
    """A progress callback that interrupts the run like Ctrl-C after ``n`` replications."""

    def __init__(self, n: int):
        self.n = n

    def __call__(self, done: int, total: int) -> None:
        if done >= self.n:
            raise KeyboardInterrupt


@pytest.mark.parametrize("workers", [1, 2])
def test_interrupted_then_resumed_run_equals_an_uninterrupted_one(small_markov, tmp_path,
                                                                   workers):
    scenario = sim.load_scenario(small_markov)
    whole = sim.run(scenario, replications=6, seed=5, workers=1, out=tmp_path / "whole")
    with pytest.raises(RunInterrupted) as stopped:
        sim.run(scenario, replications=6, seed=5, workers=workers, out=tmp_path / "cut",
                progress=StopAfter(2))
    partial = stopped.value.results
    assert partial.manifest["status"] == "partial"
    assert 2 <= partial.manifest["done"] < 6
    kept = sorted(partial.pairs["replication"].unique())
    assert len(kept) == partial.manifest["done"]
    assert sim.load_results(tmp_path / "cut").manifest["status"] == "partial"
    resumed = sim.resume(tmp_path / "cut", workers=workers)
    assert resumed.manifest["status"] == "complete"
    assert_same_tables(resumed, whole)


def test_a_failing_replication_is_recorded_and_the_others_complete(small_markov, tmp_path,
                                                                   break_replication):
    break_replication(2, RuntimeError("the model fell over"))
    scenario = sim.load_scenario(small_markov)
    results = sim.run(scenario, replications=4, seed=1, workers=1, out=tmp_path / "b")
    manifest = results.manifest
    assert manifest["status"] == "failed"
    assert manifest["done"] == 3 and manifest["missing"] == [2]
    [failure] = manifest["failures"]
    assert failure["replication"] == 2
    assert "RuntimeError: the model fell over" in failure["traceback"]
    assert sorted(results.pairs["replication"].unique()) == [0, 1, 3]

    break_replication.restore()
    repaired = sim.resume(tmp_path / "b", workers=1)
    assert repaired.manifest["status"] == "complete" and repaired.manifest["failures"] == []
    assert_same_tables(repaired, sim.run(scenario, replications=4, seed=1, workers=1))


def test_results_in_memory_when_no_folder_is_given(small_markov):
    results = sim.run(sim.load_scenario(small_markov), replications=2, seed=1, workers=1)
    assert results.path is None
    assert results.summary()["replications"] == 2


def test_run_accepts_a_bundled_name():
    results = sim.run("markov_retention", replications=1, seed=2, workers=1)
    assert results.manifest["scenario"]["name"] == "markov_retention"


def test_dask_executor_uses_a_given_scheduler_address(small_markov):
    distributed = pytest.importorskip("distributed")
    scenario = sim.load_scenario(small_markov)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        remote = sim.run(scenario, replications=2, seed=6, executor="dask",
                         scheduler=cluster.scheduler_address)
    assert_same_tables(remote, sim.run(scenario, replications=2, seed=6, workers=1))
