"""The results bundle on its own: tables, summary and shards written and read back."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.results import Bundle, BundleError, Results, fresh_folder, load_results, run_identity

MANIFEST = {"scenario": {"name": "tiny", "model": "markov"}, "seed": 4, "events": False,
            "replications": 3, "status": "complete", "started": "2024-05-01T10:00:00+00:00"}


def _tables(replication: int) -> dict[str, pd.DataFrame]:
    pairs = pd.DataFrame({
        "replication": np.int64(replication), "buyer": ["B0", "B1"],
        "end": [12.5, np.nan], "censored": [False, True],
        "end_reason": pd.Series(["distance", None], dtype="string"),
    })
    timeseries = pd.DataFrame({"replication": np.int64(replication), "time": [0.0, 4.0],
                               "n_early": np.array([1, 2], dtype=np.int64)})
    return {"pairs": pairs, "timeseries": timeseries}


def _combined(replications) -> dict[str, pd.DataFrame]:
    parts = [_tables(r) for r in replications]
    return {name: pd.concat([p[name] for p in parts], ignore_index=True)
            for name in ("pairs", "timeseries")}


@pytest.fixture
def bundle(tmp_path) -> Bundle:
    bundle = Bundle(tmp_path / "b")
    bundle.prepare()
    return bundle


def test_tables_summary_and_manifest_load_back_as_written(bundle):
    tables = _combined(range(3))
    events = pd.DataFrame({"replication": [0], "time": [1.0], "kind": ["order"]})
    bundle.write_tables({**tables, "events": events}, csv=True)
    bundle.write_summary({"analytic_value": 12.5, "note": "NaN survives", "gap": float("nan")})
    bundle.write_manifest(MANIFEST)
    loaded = load_results(bundle.path)
    pd.testing.assert_frame_equal(loaded.pairs, tables["pairs"])
    pd.testing.assert_frame_equal(loaded.timeseries, tables["timeseries"])
    pd.testing.assert_frame_equal(loaded.events, events)
    assert loaded.manifest == MANIFEST and loaded.path == bundle.path
    assert loaded.summary()["analytic_value"] == 12.5 and np.isnan(loaded.summary()["gap"])
    assert len(pd.read_csv(bundle.path / "pairs.csv")) == 6
    assert set(loaded.tables) == {"pairs", "timeseries", "events"}


def test_shards_written_in_any_order_are_read_in_replication_order(bundle):
    identity = run_identity(MANIFEST)
    for replication in (2, 0, 1):
        bundle.write_shard(replication, _tables(replication), identity)
    assert bundle.finished() == {0, 1, 2}
    good, problems = bundle.verified(3, identity)
    assert good == {0, 1, 2} and problems == {}
    tables, unreadable = bundle.read_shards([2, 0, 1])
    assert unreadable == {}
    for name, table in _combined(range(3)).items():
        pd.testing.assert_frame_equal(tables[name], table)


def test_a_run_resumed_shard_by_shard_combines_to_the_tables_of_one_go(bundle):
    identity = run_identity(MANIFEST)
    bundle.write_shard(0, _tables(0), identity)
    bundle.write_shard(2, _tables(2), identity)
    bundle.write_manifest({**MANIFEST, "status": "partial", "done": 2, "missing": [1]})
    assert bundle.read_manifest()["status"] == "partial"
    assert set(range(3)) - bundle.finished() == {1}  # what a resume still has to run
    with pytest.raises(BundleError, match="resume the run first"):
        bundle.load()  # a partial bundle has shards but no combined tables yet
    bundle.write_shard(1, _tables(1), identity)
    tables, _ = bundle.read_shards(bundle.finished())
    bundle.write_tables(tables)
    bundle.write_manifest({**MANIFEST, "done": 3, "missing": []})
    bundle.remove_shards()
    loaded = bundle.load()
    pd.testing.assert_frame_equal(loaded.pairs, _combined(range(3))["pairs"])
    assert not bundle.shards.exists() and loaded.manifest["status"] == "complete"


def test_shards_of_another_run_or_beyond_the_replications_are_refused(bundle):
    identity = run_identity(MANIFEST)
    bundle.write_shard(0, _tables(0), identity)
    bundle.write_shard(1, _tables(1), run_identity({**MANIFEST, "seed": 5}))
    bundle.write_shard(7, _tables(7), identity)
    good, problems = bundle.verified(3, identity)
    assert good == {0}
    assert set(problems) == {1, 7} and problems[7] == "not a replication of this run"
    bundle.set_aside(1)
    assert bundle.finished() == {0, 7}


def test_a_folder_that_is_not_a_bundle_or_has_a_broken_manifest_is_bad_input(tmp_path, bundle):
    with pytest.raises(BundleError, match=r"no manifest\.json"):
        Bundle(tmp_path / "elsewhere").read_manifest()
    bundle.manifest_path.write_text("{not json", encoding="utf-8")
    with pytest.raises(BundleError, match="unreadable"):
        bundle.read_manifest()


def test_results_are_equal_whatever_the_times_but_not_with_another_summary():
    tables = _combined(range(2))
    first = Results(MANIFEST, tables["pairs"], tables["timeseries"], None, {"x": 1.0})
    later = Results({**MANIFEST, "started": "2030-01-01"}, tables["pairs"].copy(),
                    tables["timeseries"].copy(), None, {"x": 1.0})
    assert first.equals(later)
    assert not first.equals(Results(MANIFEST, tables["pairs"], tables["timeseries"], None,
                                    {"x": 2.0}))
    assert set(first.tables) == {"pairs", "timeseries"}


def test_the_run_identity_changes_with_what_is_simulated_only():
    assert run_identity(MANIFEST) == run_identity({**MANIFEST, "status": "partial"})
    assert run_identity(MANIFEST) != run_identity({**MANIFEST, "seed": 5})
    assert run_identity(MANIFEST) != run_identity({**MANIFEST, "events": True})


def test_a_fresh_folder_skips_the_ones_in_use(tmp_path):
    base = tmp_path / "run"
    assert fresh_folder(base) == base
    for name in ("run", "run-2"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.json").write_text(json.dumps({}), encoding="utf-8")
    (tmp_path / "run-3").mkdir()  # empty: free to use
    assert fresh_folder(base) == tmp_path / "run-3"
