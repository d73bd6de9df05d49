"""A study of a tiny retention market: checks before running, failures, resume, the report."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from explore.study import load_study, resume_study, sensitivity
from sim.results import BundleError
from sim.yamlsource import ScenarioError

SPACE = """
parameters:
  markov.reward[0]: {bounds: [50, 150], name: margin per period}
  markov.discount_rate: {bounds: [0.05, 0.3], name: discount rate}
"""
TINY = ("markov.customers=200",)


@pytest.fixture
def space(write_yaml):
    return write_yaml("space.yaml", SPACE)


def tiny_study(space, out, **options):
    options = {"replications": 2, "workers": 1, "overrides": TINY, **options}
    return sensitivity("markov_retention", space, "morris", 3, out=out, **options)


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    folder = tmp_path_factory.mktemp("study")
    (folder / "space.yaml").write_text(SPACE)
    return tiny_study(folder / "space.yaml", folder / "s")


def test_a_finished_study_records_what_was_asked_and_what_it_found(finished):
    manifest = json.loads((finished.path / "manifest.json").read_text())
    assert manifest["kind"] == "sensitivity" and manifest["status"] == "complete"
    assert (manifest["method"], manifest["samples"], manifest["points"]) == ("morris", 3, 9)
    assert manifest["seed"] == manifest["scenario"]["seed"]  # the scenario's own seed
    assert manifest["scenario"]["markov"]["customers"] == 200
    assert (manifest["done"], manifest["missing"], manifest["failures"]) == (18, 0, [])
    assert manifest["analysed"] == ["customer_value"]  # the default the model reports
    assert {"sampling", "evaluation", "analysis", "figures_and_report"} <= set(
        manifest["timings"])
    assert [p["label"] for p in manifest["space"]["parameters"]] == ["margin per period",
                                                                     "discount rate"]


def test_a_study_reads_back_as_it_was_written(finished):
    again = load_study(finished.path)
    pd.testing.assert_frame_equal(again.runs, finished.runs)
    pd.testing.assert_frame_equal(again.indices, finished.indices)
    assert again.space.paths == ["markov.reward[0]", "markov.discount_rate"]
    points = pd.read_parquet(finished.path / "points.parquet")
    assert points["point"].tolist() == list(range(9))
    by_point = finished.runs.groupby("point")[["markov.reward[0]", "markov.discount_rate"]]
    assert by_point.nunique().eq(1).all().all()  # both replications at the same values


def test_a_higher_margin_raises_the_customer_value_in_every_trajectory(finished):
    mu = finished.indices[(finished.indices["index"] == "mu")].set_index("parameter")
    assert mu.loc["markov.reward[0]", "value"] > 0 > mu.loc["markov.discount_rate", "value"]


def test_resuming_a_complete_study_runs_nothing_again(finished):
    journal = (finished.path / "runs.jsonl").read_text()
    again = resume_study(finished.path, workers=1)
    assert again.status == "complete"
    assert (finished.path / "runs.jsonl").read_text() == journal
    pd.testing.assert_frame_equal(again.indices, finished.indices)


def test_failed_replications_are_recorded_and_resuming_reruns_only_them(
        space, tmp_path, break_replication, finished):
    break_replication(1, RuntimeError("replication one lost its market"))
    broken = tiny_study(space, tmp_path / "s")
    assert broken.status == "failed" and broken.indices.empty
    failures = broken.manifest["failures"]
    assert sorted(f["point"] for f in failures) == list(range(9))
    assert {f["replication"] for f in failures} == {1}
    assert all("replication one lost its market" in f["traceback"] for f in failures)
    assert broken.runs["replication"].eq(0).all() and len(broken.runs) == 9
    assert not (tmp_path / "s" / "report.html").exists()
    break_replication.restore()
    resumed = resume_study(tmp_path / "s", workers=1)
    assert resumed.status == "complete" and resumed.manifest["failures"] == []
    pd.testing.assert_frame_equal(resumed.runs, finished.runs)
    pd.testing.assert_frame_equal(resumed.indices, finished.indices)
    lines = (tmp_path / "s" / "runs.jsonl").read_text().splitlines()
    assert len(lines) == 18 + 9  # the failed ones once more, nothing else


@pytest.mark.parametrize(("options", "error", "message"), [
    ({"replications": 0}, ValueError, "--replications must be at least 1, got 0"),
    ({"metrics": ["reached_finale"]}, ValueError, "--metric reached_finale: no such metric"),
    ({"levels": 3}, ValueError, "--levels: Morris needs an even number of levels, got 3"),
    ({"overrides": ("markov.customers=0",)}, ScenarioError, "markov.customers"),
])
def test_a_study_that_cannot_run_is_refused_before_its_folder_is_made(
        space, tmp_path, options, error, message):
    with pytest.raises(error, match=message.replace("[", r"\[")):
        tiny_study(space, tmp_path / "never", **options)
    assert not (tmp_path / "never").exists()


def test_a_space_path_the_scenario_lacks_is_refused_at_its_line(write_yaml, tmp_path):
    space = write_yaml("space.yaml", """
        parameters:
          markov.discount_rate: {bounds: [0.05, 0.3]}
          markov.discount: {bounds: [0.05, 0.3]}
        """)
    with pytest.raises(ScenarioError) as refused:
        tiny_study(space, tmp_path / "never")
    (problem,) = refused.value.problems
    assert str(problem).startswith(f"{space}:3: markov.discount: no such field")
    assert not (tmp_path / "never").exists()


def test_an_existing_folder_is_kept_unless_forced(space, tmp_path, finished):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "manifest.json").write_text(json.dumps({"status": "complete"}))
    with pytest.raises(BundleError, match="is not empty; use --resume"):
        tiny_study(space, tmp_path / "s")
    forced = tiny_study(space, tmp_path / "s", force=True)
    assert forced.status == "complete"
    pd.testing.assert_frame_equal(forced.runs, finished.runs)


def test_only_a_study_folder_can_be_resumed_or_loaded(tmp_path):
    import sim

    scenario = sim.load_scenario("markov_retention", ["markov.customers=50"])
    sim.run(scenario, replications=1, workers=1, out=tmp_path / "run")
    before = sorted(path.name for path in (tmp_path / "run").iterdir())
    for call in (resume_study, load_study):
        with pytest.raises(BundleError, match="run is not a sensitivity study"):
            call(tmp_path / "run")
    assert sorted(path.name for path in (tmp_path / "run").iterdir()) == before


def test_a_report_that_cannot_be_drawn_is_a_note_not_a_failure(space, tmp_path, monkeypatch):
    def broken(study):
        raise RuntimeError("no fonts")

    monkeypatch.setattr("explore.report.write_study_report", broken)
    study = tiny_study(space, tmp_path / "s", replications=1)
    assert study.status == "complete" and not study.indices.empty
    assert study.notes == ["report not written: no fonts"]
    assert load_study(tmp_path / "s").notes == ["report not written: no fonts"]
