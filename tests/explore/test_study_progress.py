"""A study's progress, its notes, Ctrl-C on a tiny market, and the package's names."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import explore
from explore import functions
from explore.functions import FUNCTIONS, KnownFunction, ishigami
from explore.study import StudyInterrupted, load_study, resume_study, sensitivity

MARKET = """
parameters:
  markov.reward[0]: {bounds: [50, 150]}
  markov.discount_rate: {bounds: [0.05, 0.3]}
"""


def tiny(space, out, **options):
    options = {"replications": 2, "workers": 1, "overrides": ("markov.customers=150",),
               "metrics": ["customer_value"], **options}
    return sensitivity("markov_retention", space, "morris", 2, out=out, **options)


def test_progress_counts_every_point_replication_up_to_the_total(write_yaml, tmp_path):
    seen = []
    study = tiny(write_yaml("space.yaml", MARKET), tmp_path / "s",
                 progress=lambda done, total: seen.append((done, total)))
    total = study.manifest["points"] * 2
    assert seen == [(done, total) for done in range(total + 1)]


def test_ctrl_c_on_a_market_keeps_the_finished_points_and_resume_gives_the_whole_study(
        write_yaml, tmp_path, monkeypatch):
    from sim.models import markov

    space = write_yaml("space.yaml", MARKET)
    whole = tiny(space, tmp_path / "whole")
    original, calls = markov.simulate, {"n": 0}

    def stopping(scenario, seed, *, events=False):
        calls["n"] += 1
        if calls["n"] == 8:
            raise KeyboardInterrupt
        return original(scenario, seed, events=events)

    monkeypatch.setattr(markov, "simulate", stopping)
    with pytest.raises(StudyInterrupted) as stopped:
        tiny(space, tmp_path / "cut")
    partial = stopped.value.study
    assert partial.status == "partial" and partial.manifest["done"] == 7
    assert partial.manifest["missing"] == whole.manifest["points"] * 2 - 7
    assert len(load_study(tmp_path / "cut").runs) == 7 and partial.indices.empty
    monkeypatch.setattr(markov, "simulate", original)
    resumed = resume_study(tmp_path / "cut", workers=1)
    assert "resumed" in resumed.manifest
    pd.testing.assert_frame_equal(resumed.runs, whole.runs)
    pd.testing.assert_frame_equal(resumed.indices, whole.indices)


def with_flat_output(values, rng):
    return {**ishigami(values, rng), "flat": 2.0}


def test_a_metric_no_parameter_moves_is_noted_and_the_others_analysed(write_yaml, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setitem(FUNCTIONS, "flat", KnownFunction(
        "flat", functions.FUNCTIONS["ishigami"].domain, ("y", "flat"), with_flat_output))
    space = write_yaml("space.yaml", """
        parameters:
          x1: {bounds: [-1, 1]}
          x2: {bounds: [-1, 1]}
          x3: {bounds: [-1, 1]}
        """)
    study = sensitivity("function:flat", space, "morris", 3, replications=1, workers=1,
                        out=tmp_path / "s")
    assert study.manifest["analysed"] == ["y", "flat"]  # every output, when none is asked
    assert study.notes == ["flat: the same value at every point; no parameter moves it"]
    assert set(study.indices["metric"]) == {"y"}
    assert "flat: the same value at every point" in (tmp_path / "s" / "report.html").read_text()


def test_a_seed_given_replaces_the_scenario_seed_and_changes_the_design(write_yaml, tmp_path):
    space = write_yaml("space.yaml", MARKET)
    own = tiny(space, tmp_path / "own")
    given = tiny(space, tmp_path / "given", seed=own.manifest["seed"] + 1)
    assert given.manifest["seed"] == own.manifest["seed"] + 1
    points = [pd.read_parquet(study.path / "points.parquet") for study in (own, given)]
    assert not points[0].equals(points[1])


def test_the_package_names_load_on_first_use_and_unknown_names_are_refused():
    assert explore.sensitivity is sensitivity and explore.load_study is load_study
    assert set(explore.__all__) <= set(dir(explore))
    with pytest.raises(AttributeError, match="module 'explore' has no attribute 'sensitivty'"):
        _ = explore.sensitivty


def test_importing_the_package_loads_neither_salib_nor_the_runner():
    code = ("import sys, explore; print(sorted(m for m in ('SALib', 'sim.runner', "
            "'explore.study', 'ema_workbench') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "[]"
