"""The framework's pieces one by one: settings, verdicts, checks, the vote and the shared runs."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from stub_runs import StubContext

import reproduce
from reproduce import REPRODUCTIONS, Check, Context, Settings, Verdict, reproduction, run_checks
from reproduce.framework import CONSISTENCY, REPRODUCTION, VOTE_SHARE, consistency, vote
from sim.results import Results


def empty_results() -> Results:
    return Results({}, pd.DataFrame(), pd.DataFrame())


# ---------------------------------------------------------------- settings and the vote


def test_settings_pick_the_quick_value_only_in_a_quick_run():
    assert Settings(quick=True).pick(12, 20) == 12
    assert Settings().pick(12, 20) == 20
    assert Settings().workers == 2 and Settings().figures == Path("figures")


@pytest.mark.parametrize("count, total, passed", [
    (9, 10, True),    # exactly 90%
    (8, 10, False),
    (3, 3, True),
    (2, 3, False),    # 67%
    (1, 1, True),     # a single seed must hold
    (0, 1, False),
    (27, 30, True),   # 0.9 * 30 is 27.000000000000004 in floating point: 27 suffice
    (26, 30, False),
])
def test_vote_counts_seeds_and_needs_ninety_percent(count, total, passed):
    holds = [True] * count + [False] * (total - count)
    assert vote(holds) == (passed, f"{count} of {total} seeds")


def test_vote_reads_numpy_booleans_and_takes_another_share():
    holds = np.array([True, True, False, False])
    assert vote(holds) == (False, "2 of 4 seeds")
    assert vote(holds, share=0.5) == (True, "2 of 4 seeds")
    assert VOTE_SHARE == 0.9


def test_a_vote_over_no_seeds_fails_even_at_share_zero():
    assert vote([], share=0.0) == (False, "0 of 0 seeds")


# ---------------------------------------------------------------- verdicts and checks


def test_consistency_keeps_the_verdict_and_adds_its_reason():
    original = Verdict("label", "x > 0", "x = 2", False)
    ruled = consistency(original, "a rule states it")
    assert (ruled.label, ruled.expected, ruled.measured, ruled.passed) == (
        "label", "x > 0", "x = 2", False)
    assert ruled.kind == CONSISTENCY and ruled.construction == "a rule states it"
    assert original.kind == REPRODUCTION and original.construction == ""


def test_a_check_without_statements_counts_as_a_reproduction():
    check = Check("c", "", "", "", "", "", True)
    assert check.kind == REPRODUCTION and check.kind_label == REPRODUCTION


def test_a_check_of_only_consistency_statements_is_labelled_plainly():
    ruled = [consistency(Verdict(name, "", "", True), "a rule") for name in "ab"]
    check = Check("c", "", "", "", "", "", True, verdicts=ruled)
    assert check.kind_label == CONSISTENCY


@pytest.fixture
def fake_module(monkeypatch):
    """A reproduction module registered under a made-up name."""
    module = types.ModuleType("fake_reproduction")
    module.NAME, module.SOURCE = "fake", "Someone, A. (1999) A paper."
    module.CLAIM, module.CRITERION = "A claim.", "A criterion."
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


@pytest.mark.parametrize("passes, passed", [((True, True), True), ((True, False), False),
                                             ((False, False), False), ((), True)])
def test_a_check_from_verdicts_passes_only_when_every_verdict_passes(fake_module, passes,
                                                                     passed):
    verdicts = [Verdict(f"v{i}", "", "", p) for i, p in enumerate(passes)]
    check = Check.from_verdicts(fake_module.__name__, verdicts, expected="e", measured="m",
                                notes=("a note",))
    assert check.passed is passed
    assert (check.name, check.source, check.claim, check.criterion) == (
        "fake", "Someone, A. (1999) A paper.", "A claim.", "A criterion.")
    assert check.verdicts == verdicts and check.notes == ["a note"]
    assert check.figure is None


def test_a_check_as_a_dict_is_json_with_its_statements_and_rounded_time(tmp_path):
    verdicts = [Verdict("a", "x > 0", "1", np.bool_(True)),
                consistency(Verdict("b", "y", "2", True), "a rule")]
    check = Check("c", "s", "claim", "criterion", "e", "m", True,
                  figure=tmp_path / "figures" / "c.png", verdicts=verdicts, notes=["n"],
                  seconds=12.345)
    data = json.loads(json.dumps(check.as_dict()))
    assert data["seconds"] == 12.3
    assert data["figure"] == (tmp_path / "figures" / "c.png").as_posix()
    assert data["kind"] == REPRODUCTION
    assert data["kind_label"] == "reproduction; 1 of 2 statements consistency"
    assert data["verdicts"][0] == {"label": "a", "expected": "x > 0", "measured": "1",
                                   "passed": True, "kind": REPRODUCTION, "construction": ""}
    assert data["verdicts"][1]["construction"] == "a rule"
    assert Check("d", "", "", "", "", "", False).as_dict()["figure"] is None


# ---------------------------------------------------------------- the shared runs


def counting_runner():
    calls = []

    def runner(scenario, replications, seed, events):
        calls.append((scenario, replications, seed, events))
        return (len(calls), events)
    return runner, calls


@pytest.fixture
def stub_load(monkeypatch):
    """Scenarios are 'loaded' as their name and overrides, without reading any file."""
    monkeypatch.setattr(Context, "_load",
                        staticmethod(lambda name, overrides: (name, tuple(overrides))))


def test_a_run_is_made_once_per_scenario_overrides_size_and_seed(stub_load, tmp_path):
    runner, calls = counting_runner()
    context = Context(Settings(figures=tmp_path), runner=runner)
    first = context.run("baseline", replications=4, seed=1)
    assert context.run("baseline", replications=4, seed=1) is first
    assert context.run("baseline", replications=4, seed=1, parallel=False) is first
    others = [context.run("baseline", replications=5, seed=1),
              context.run("baseline", replications=4, seed=2),
              context.run("baseline", replications=4, seed=1, overrides=["a=1"]),
              context.run("neglect", replications=4, seed=1)]
    assert len({id(run) for run in [first, *others]}) == 5
    assert [call[0] for call in calls] == [("baseline", ()), ("baseline", ()), ("baseline", ()),
                                           ("baseline", ("a=1",)), ("neglect", ())]
    assert [call[1:3] for call in calls] == [(4, 1), (5, 1), (4, 2), (4, 1), (4, 1)]


def test_a_run_with_events_serves_a_later_request_without_them(stub_load, tmp_path):
    runner, calls = counting_runner()
    context = Context(Settings(figures=tmp_path), runner=runner)
    with_events = context.run("baseline", replications=3, seed=1, events=True)
    assert context.run("baseline", replications=3, seed=1) is with_events
    assert len(calls) == 1


def test_a_run_without_events_does_not_serve_one_that_needs_them(stub_load, tmp_path):
    runner, calls = counting_runner()
    context = Context(Settings(figures=tmp_path), runner=runner)
    plain = context.run("baseline", replications=3, seed=1)
    recorded = context.run("baseline", replications=3, seed=1, events=True)
    assert plain != recorded and recorded[1] is True
    assert [call[3] for call in calls] == [False, True]


def test_run_scenario_is_never_cached(tmp_path):
    runner, calls = counting_runner()
    context = Context(Settings(figures=tmp_path), runner=runner)
    context.run_scenario("a scenario", replications=2, seed=9)
    context.run_scenario("a scenario", replications=2, seed=9)
    assert calls == [("a scenario", 2, 9, False)] * 2


@pytest.mark.parametrize("workers, replications, parallel, expected", [
    (2, 12, True, 2), (4, 3, True, 3), (0, 5, True, 1), (8, 12, False, 1)])
def test_replications_are_spread_over_at_most_the_workers_and_the_seeds(
        monkeypatch, tmp_path, workers, replications, parallel, expected):
    import sim

    asked = {}

    def fake_run(scenario, replications, seed, *, workers, events):
        asked.update(replications=replications, seed=seed, workers=workers, events=events)
        return "results"

    monkeypatch.setattr(sim, "run", fake_run)
    context = Context(Settings(workers=workers, figures=tmp_path))
    assert context.run_scenario("s", replications=replications, seed=3, parallel=parallel,
                                events=True) == "results"
    assert asked == {"replications": replications, "seed": 3, "workers": expected,
                     "events": True}


def test_a_figure_path_is_named_after_the_reproduction_in_a_folder_that_exists(tmp_path):
    context = Context(Settings(figures=tmp_path / "deep" / "figures"))
    path = context.figure_path("trust-and-age")
    assert path == tmp_path / "deep" / "figures" / "trust-and-age.png"
    assert path.parent.is_dir() and not path.exists()


def test_a_bundled_scenario_is_loaded_with_its_overrides():
    scenario = Context._load("baseline", ["lifecycle.market.suppliers.count=3"])
    assert scenario.name == "baseline"
    assert scenario.lifecycle.market.suppliers.count == 3


# ---------------------------------------------------------------- running checks


def test_reproduction_finds_each_module_by_its_name():
    for name, module_name in REPRODUCTIONS.items():
        assert reproduction(name).__name__ == module_name


def test_an_unknown_reproduction_names_every_known_one():
    with pytest.raises(ValueError) as error:
        reproduction("no-such-check")
    assert str(error.value).startswith("unknown reproduction 'no-such-check'; known: ")
    assert all(name in str(error.value) for name in REPRODUCTIONS)


@pytest.fixture
def two_fake_reproductions(monkeypatch):
    """Two registered reproductions, one passing and one failing, that record their context."""
    seen = []
    for name, passed in (("always-passes", True), ("always-fails", False)):
        module = types.ModuleType(f"fake_{name.replace('-', '_')}")
        module.NAME = name

        def reproduce_it(context, name=name, passed=passed):
            seen.append((name, context))
            return Check(name, "", "", "", "", "", passed)
        module.reproduce = reproduce_it
        monkeypatch.setitem(sys.modules, module.__name__, module)
        monkeypatch.setitem(reproduce.REPRODUCTIONS, name, module.__name__)
    return seen


def test_run_checks_runs_the_named_ones_in_order_sharing_one_context(two_fake_reproductions,
                                                                     tmp_path):
    started = []
    context = StubContext(lambda *args: None, tmp_path)
    checks = run_checks(["always-fails", "always-passes"], context=context,
                        progress=started.append)
    assert [c.name for c in checks] == ["always-fails", "always-passes"]
    assert [c.passed for c in checks] == [False, True]
    assert started == ["always-fails", "always-passes"]
    assert all(seen is context for _, seen in two_fake_reproductions)
    assert all(c.seconds >= 0 for c in checks)


def test_run_checks_makes_a_context_from_the_settings(two_fake_reproductions, tmp_path):
    settings = Settings(quick=True, figures=tmp_path)
    run_checks(["always-passes"], settings)
    (_, context), = two_fake_reproductions
    assert context.settings is settings


def test_run_checks_refuses_an_unknown_name_before_running_any(two_fake_reproductions):
    with pytest.raises(ValueError, match="unknown reproduction 'typo'"):
        run_checks(["always-passes", "typo"], Settings())
    assert two_fake_reproductions == []


def test_a_cached_run_of_a_fast_model_is_made_in_this_process(monkeypatch, stub_load, tmp_path):
    import sim

    seen = []

    def fake_run(scenario, replications, seed, *, workers, events):
        seen.append(workers)
        return scenario

    monkeypatch.setattr(sim, "run", fake_run)
    context = Context(Settings(workers=4, figures=tmp_path))
    context.run("markov_retention", replications=6, seed=1, parallel=False)
    context.run("baseline", replications=6, seed=1)
    assert seen == [1, 4]


def test_run_checks_runs_every_reproduction_in_report_order_by_default(monkeypatch, tmp_path):
    for name in REPRODUCTIONS:
        module = reproduction(name)
        monkeypatch.setattr(module, "reproduce",
                            lambda context, name=name: Check(name, "", "", "", "", "", True))
    started = []
    checks = run_checks(settings=Settings(figures=tmp_path), progress=started.append)
    assert [check.name for check in checks] == list(REPRODUCTIONS) == started
