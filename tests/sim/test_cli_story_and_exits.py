"""The story command on a tiny market, and the exit code and last words of every way a run ends."""

from __future__ import annotations

import errno
import re
from pathlib import Path

import pandas as pd
import pytest

import sim
import sim.cli
from sim.executors import ExecutorError
from sim.results import BundleError, Results, RunFailed
from sim.runner import RunInterrupted

SETTINGS = ["lifecycle.market.buyers.count=8", "lifecycle.market.suppliers.count=3",
            "horizon=1 year"]
TINY = [*(part for setting in SETTINGS for part in ("--set", setting)), "--seed", "11"]


def call(argv, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        sim.cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return stop.value.code, captured.out, captured.err


# ---------------------------------------------------------------- story


@pytest.fixture(scope="module")
def tiny_pairs():
    """The relationships of replication 0 of the tiny market, as the story command sees them."""
    from sim.runner import run_replication

    scenario = sim.load_scenario("baseline", SETTINGS)
    return run_replication(scenario, 11, 0, events=True).tables["pairs"]


def test_the_story_of_a_named_pair_starts_with_its_evaluation_and_ends_with_its_totals(
        capsys, tiny_pairs):
    buyer, supplier = tiny_pairs.iloc[-1][["buyer", "supplier"]]
    code, out, _ = call(["story", "baseline", *TINY, "--pair", f"{buyer}:{supplier}"], capsys)
    lines = out.strip().splitlines()
    assert code == 0
    assert lines[0] == f"baseline: {buyer} and {supplier} (seed 11, replication 0)"
    assert re.match(rf"week [\d.]+: {buyer} starts to evaluate {supplier} ", lines[1])
    episodes = int(tiny_pairs.iloc[-1]["episodes"])
    orders = f"{episodes} order{'' if episodes == 1 else 's'}"
    assert lines[-1].startswith(f"in all: {orders}, revenue ")
    times = [float(m.group(1)) for line in lines[1:] if (m := re.match(r"weeks? ([\d.]+)", line))]
    assert times == sorted(times)


def test_without_a_pair_the_story_tells_the_one_pick_pair_chooses(capsys, tiny_pairs):
    from sim.models.lifecycle.story import pick_pair

    buyer, supplier = pick_pair(tiny_pairs)
    code, out, _ = call(["story", "baseline", *TINY], capsys)
    assert code == 0 and out.startswith(f"baseline: {buyer} and {supplier} (seed 11, ")


@pytest.mark.parametrize("pair", ["B1", "B1:S9", ":S1", "B1:"])
def test_a_pair_that_is_not_in_the_replication_is_one_line_with_examples(capsys, tiny_pairs,
                                                                         pair):
    code, _, err = call(["story", "baseline", *TINY, "--pair", pair], capsys)
    examples = ", ".join(f"{b}:{s}" for b, s in
                         tiny_pairs[["buyer", "supplier"]].head(5).itertuples(index=False))
    assert code == 2
    assert err.strip() == (f"--pair {pair}: no such relationship in replication 0 of seed 11 "
                           f"(for example: {examples})")


def test_a_replication_without_relationships_asks_for_another_seed(capsys, monkeypatch):
    import sim.runner

    def empty(scenario, seed, replication, events):
        return sim.runner.Outcome(replication, {"pairs": pd.DataFrame(),
                                                "events": pd.DataFrame()})

    monkeypatch.setattr(sim.runner, "run_replication", empty)
    code, _, err = call(["story", "baseline", "--replication", "3", "--seed", "5"], capsys)
    assert code == 2
    assert err.strip() == ("baseline: no relationship formed in replication 3 of seed 5; try "
                           "another --seed")


# ---------------------------------------------------------------- how a run ends


def _results(status: str, **manifest) -> Results:
    manifest = {"scenario": {"name": "m", "model": "markov", "horizon": 104.0,
                             "markov": {"customers": 10}},
                "seed": 1, "replications": 3, "done": 0, "failures": [], "status": status,
                "missing": [], **manifest}
    return Results(manifest, pd.DataFrame(), pd.DataFrame(), path=Path("b"))


@pytest.fixture
def run_ends(monkeypatch, small_markov):
    """Make ``sim.run`` end as given; returns the argv of a run of a small scenario."""

    import analysis.report

    monkeypatch.setattr(analysis.report, "write_report", lambda path: Path(path) / "report.html")

    def apply(ending):
        def fake(*args, **kwargs):
            if isinstance(ending, BaseException):
                raise ending
            return ending

        monkeypatch.setattr(sim, "run", fake)
        return ["run", small_markov, "-q", "-o", small_markov.parent / "b"]

    return apply


@pytest.mark.parametrize(("ending", "code", "line"), [
    (OSError(errno.ENOSPC, "No space left on device", "/x/b"), 2,
     "dyadsim: No space left on device: /x/b"),
    (ExecutorError("cannot connect to the Dask scheduler at tcp://x:1: refused"), 2,
     "dyadsim: cannot connect to the Dask scheduler at tcp://x:1: refused"),
    (BundleError("b is in use by another run; wait for it to finish or choose another --out"),
     2, "dyadsim: b is in use by another run; wait for it to finish or choose another --out"),
    (RunFailed({"failures": [{"replication": 4, "traceback": "...\nKeyError: 'x'\n"}]},
               Path("b")), 1,
     "dyadsim: every replication failed; the first, replication 4: KeyError: 'x' (tracebacks "
     "in b/manifest.json); after a fix, rerun with: dyadsim run --resume b"),
    (RunFailed({"failures": []}, None), 1, "dyadsim: every replication failed"),
])
def test_a_run_that_cannot_go_on_ends_with_one_line_and_its_exit_code(capsys, run_ends, ending,
                                                                     code, line):
    got, _, err = call(run_ends(ending), capsys)
    assert (got, err.strip()) == (code, line)


def test_ctrl_c_outside_the_replications_exits_130_without_a_traceback(capsys, run_ends):
    # older Typer lets the interrupt reach dyadsim, which says "interrupted"; recent Typer
    # turns it into exit 130 itself and prints nothing
    code, _, err = call(run_ends(KeyboardInterrupt()), capsys)
    assert code == 130 and err.strip() in ("", "interrupted")


def test_an_interrupted_run_says_what_it_kept_and_how_to_finish(capsys, run_ends):
    partial = _results("partial", done=1, rejected=[{"replication": 2, "problem": "unreadable "
                                                                                 "record"}])
    code, _, err = call(run_ends(RunInterrupted(partial)), capsys)
    assert code == 130
    assert err.strip().splitlines() == [
        "replication 2: its shard was set aside (unreadable record) and is run again on resume",
        "interrupted: kept 1 of 3 replications in b; finish with: dyadsim run --resume b"]


def test_a_partial_run_exits_1_naming_the_shards_set_aside_and_what_is_left(capsys, run_ends):
    ending = _results("partial", missing=[0, 2], rejected=[
        {"replication": 0, "problem": "pairs.parquet has 3 rows, its record says 4"}])
    code, out, err = call(run_ends(ending), capsys)
    assert code == 1
    assert out.splitlines() == ["m: 0 of 3 replications, seed 1; horizon 2 years, 10 customers",
                                "report: b/report.html", "results: b"]
    assert err.strip().splitlines() == [
        "replication 0: its shard was set aside (pairs.parquet has 3 rows, its record says 4) "
        "and is run again on resume",
        "2 replications to run again; finish with: dyadsim run --resume b"]


def test_a_complete_run_exits_0_and_names_its_folder(capsys, run_ends):
    code, out, err = call(run_ends(_results("complete")), capsys)
    assert code == 0 and err == ""
    assert out.splitlines()[-1] == "results: b"


def test_a_run_with_a_failed_replication_says_how_to_rerun_it_and_resume_does(
        capsys, small_markov, break_replication, monkeypatch):
    import analysis.report

    monkeypatch.setattr(analysis.report, "write_report", lambda path: Path(path) / "report.html")
    folder = small_markov.parent / "b"
    settings = ["--set", "markov.customers=200", "-w", "1", "-q"]
    break_replication(1, RuntimeError("the model fell over"))
    code, out, err = call(["run", small_markov, "-n", "3", "-o", folder, *settings], capsys)
    assert code == 1
    assert err.strip().splitlines() == [
        "replication 1 failed: RuntimeError: the model fell over",
        f"1 replication failed (tracebacks in {folder / 'manifest.json'}); rerun them with: "
        f"dyadsim run --resume {folder}"]
    assert out.splitlines()[0] == ("small: 2 of 3 replications, seed 7; horizon 10 years, "
                                   "200 customers")
    break_replication.restore()
    code, out, err = call(["run", "--resume", folder, "-w", "1", "-q", "--timeout", "30"], capsys)
    assert (code, err) == (0, "")
    assert out.splitlines()[0].startswith("small: 3 of 3 replications")
    assert out.splitlines()[-1] == f"results: {folder}"
    assert sim.load_results(folder).manifest["timeout"] == 30


def test_one_replication_of_one_year_left_to_run_is_told_in_the_singular(capsys, run_ends):
    ending = _results("partial", replications=1, missing=[0],
                      scenario={"name": "m", "model": "markov", "horizon": 52.0,
                                "markov": {"customers": 1}})
    code, out, err = call(run_ends(ending), capsys)
    assert code == 1
    assert out.splitlines()[0] == "m: 0 of 1 replication, seed 1; horizon 1 year, 1 customer"
    assert err.strip().splitlines() == [
        "1 replication to run again; finish with: dyadsim run --resume b"]
