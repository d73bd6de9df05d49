"""A sensitivity study's bundle: tidy tables, common random numbers, Ctrl-C, failures, resume."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from explore import functions
from explore.functions import FUNCTIONS, KnownFunction, ishigami
from explore.study import StudyInterrupted, load_study, resume_study, sensitivity


def small_study(space, out, function="ishigami", **options):
    options = {"replications": 2, "workers": 1, "seed": 5, **options}
    return sensitivity(f"function:{function}", space, "morris", 4, out=out, **options)


def test_runs_hold_one_row_per_point_per_replication_with_values_and_metrics(
        ishigami_space, tmp_path):
    study = small_study(ishigami_space, tmp_path / "s")
    runs = pd.read_parquet(tmp_path / "s" / "runs.parquet")
    assert list(runs.columns) == ["point", "replication", "x1", "x2", "x3", "y"]
    assert len(runs) == 4 * 4 * 2
    assert runs.groupby("point").size().eq(2).all()
    first = runs.iloc[0]
    assert first["y"] == pytest.approx(ishigami(first[["x1", "x2", "x3"]], None)["y"])
    indices = pd.read_parquet(tmp_path / "s" / "indices.parquet")
    assert set(indices["index"]) == {"mu_star", "sigma", "mu"}
    assert len(indices) == 3 * 3
    assert study.manifest["status"] == "complete"


def test_each_replication_draws_the_same_numbers_at_every_point(ishigami_space, tmp_path):
    study = small_study(ishigami_space, tmp_path / "s", "noisy_ishigami", replications=3)
    runs = study.runs
    noise = runs["y"] - [ishigami(row, None)["y"] for row in
                         runs[["x1", "x2", "x3"]].to_dict("records")]
    by_replication = noise.groupby(runs["replication"])
    assert (by_replication.max() - by_replication.min()).max() < 1e-9
    assert by_replication.first().nunique() == 3


def test_the_same_seed_gives_the_same_design_and_another_seed_another(ishigami_space, tmp_path):
    first = small_study(ishigami_space, tmp_path / "a").runs
    again = small_study(ishigami_space, tmp_path / "b").runs
    other = small_study(ishigami_space, tmp_path / "c", seed=6).runs
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["x1"], other["x1"])


def stop_at_point(point: int):
    calls = {"n": 0}

    def compute(values, rng):
        calls["n"] += 1
        if calls["n"] == point:
            raise KeyboardInterrupt
        return ishigami(values, rng)
    return compute


def test_an_interrupted_study_keeps_what_finished_and_resumes_to_the_same_tables(
        ishigami_space, tmp_path, monkeypatch):
    whole = small_study(ishigami_space, tmp_path / "whole")
    monkeypatch.setitem(FUNCTIONS, "stopping", KnownFunction(
        "stopping", functions.FUNCTIONS["ishigami"].domain, ("y",), stop_at_point(11)))
    with pytest.raises(StudyInterrupted) as stopped:
        small_study(ishigami_space, tmp_path / "cut", "stopping")
    partial = stopped.value.study
    assert partial.status == "partial"
    assert partial.manifest["done"] == 10
    assert not (tmp_path / "cut" / "indices.parquet").exists()
    monkeypatch.setitem(FUNCTIONS, "stopping", FUNCTIONS["ishigami"])
    resumed = resume_study(tmp_path / "cut", workers=1)
    assert resumed.status == "complete"
    pd.testing.assert_frame_equal(resumed.runs, whole.runs)
    pd.testing.assert_frame_equal(resumed.indices, whole.indices)


def failing_above(limit: float):
    def compute(values, rng):
        if values["x1"] > limit:
            raise ValueError(f"x1 = {values['x1']:.2f} is too large")
        return ishigami(values, rng)
    return compute


def test_a_failing_point_is_recorded_and_the_others_finish(ishigami_space, tmp_path,
                                                           monkeypatch):
    monkeypatch.setitem(FUNCTIONS, "fragile", KnownFunction(
        "fragile", FUNCTIONS["ishigami"].domain, ("y",), failing_above(3.0)))
    study = small_study(ishigami_space, tmp_path / "s", "fragile")
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert manifest["status"] == "failed"
    failed_points = {f["point"] for f in manifest["failures"]}
    assert failed_points and all("too large" in f["traceback"] for f in manifest["failures"])
    assert len(study.runs) == 32 - len(manifest["failures"])
    assert study.runs["x1"].max() <= 3.0
    assert study.indices.empty
    monkeypatch.setitem(FUNCTIONS, "fragile", FUNCTIONS["ishigami"])
    resumed = resume_study(tmp_path / "s", workers=1)
    assert resumed.status == "complete" and len(resumed.runs) == 32
    assert load_study(tmp_path / "s").indices.equals(resumed.indices)


def test_the_report_ranks_parameters_by_their_plain_names(markov_space, tmp_path):
    sensitivity("markov_retention", markov_space, "morris", 4, replications=1,
                metrics=["customer_value"], workers=1, out=tmp_path / "s")
    page = (tmp_path / "s" / "report.html").read_text()
    assert "customers simulated" in page and "margin per period" in page
    assert page.index("margin per period") < page.index("customers simulated")
    assert (tmp_path / "s" / "plots" / "morris_customer_value.png").exists()



def test_a_point_reports_the_same_metrics_as_a_run_of_that_scenario(tmp_path):
    # A metric means the same in a study as in every report: the replication's key metrics
    # of a point equal those of sim.run on the scenario with the point's values.
    import sim
    from analysis.metrics import replication_metrics
    from explore.models import ScenarioModel

    base = ["lifecycle.market.buyers.count=40", "horizon=3 years"]
    values = {"lifecycle.policy.adaptation_hurdle": 0.45}
    model = ScenarioModel("baseline", "baseline", tuple(base))
    point = model.evaluate(values, 7, 1)
    scenario = sim.load_scenario("baseline", [*base, "lifecycle.policy.adaptation_hurdle=0.45"])
    run = replication_metrics(sim.run(scenario, replications=2, seed=7, workers=1))
    expected = run.loc[1].dropna().to_dict()
    assert {"reached_long_term", "reached_development", "mean_duration"} <= set(expected)
    assert {k: v for k, v in point.items() if k in expected} == pytest.approx(expected)
    assert set(expected) <= set(point)
