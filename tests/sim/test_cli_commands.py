"""The simulation and analysis commands in this process: options, output and one-line errors."""

from __future__ import annotations

import json

import pytest

import sim.cli
from sim.cli_common import BadInput, finish_run, progress_bar
from sim.cli_comparable import comparability_warnings, market_size
from sim.cli_run import claims_footnote, run_header

SMALL_RUN = ["--set", "name=small", "--set", "replications=2", "--set", "markov.customers=200"]
"""Settings that make the bundled retention scenario a quick run named ``small``."""


def call(argv, capsys) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of ``dyadsim argv``."""
    with pytest.raises(SystemExit) as stop:
        sim.cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return stop.value.code, captured.out, captured.err


def one_error(argv, capsys) -> str:
    """The one line a command that fails on bad input prints (exit 2, no traceback)."""
    code, _, err = call(argv, capsys)
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture
def small(small_markov, monkeypatch):
    """A small Markov scenario, ``small.yaml``, alone in the current folder."""
    monkeypatch.chdir(small_markov.parent)
    return small_markov


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """A quick run without --out, with a file where its folder would go."""
    folder = tmp_path_factory.mktemp("cli")
    (folder / "results").mkdir()
    (folder / "results" / "small").write_text("a file in the way")
    capture = pytest.MonkeyPatch()
    capture.chdir(folder)
    try:
        with pytest.raises(SystemExit) as stop:
            sim.cli.main(["run", "markov_retention", *SMALL_RUN, "-w", "1", "-q", "--csv"])
    finally:
        capture.undo()
    return stop.value.code, folder


# ---------------------------------------------------------------- help


def test_no_command_prints_the_list_of_commands(capsys):
    code, out, _ = call([], capsys)
    assert code == 0 and out.startswith("Usage: dyadsim [OPTIONS] COMMAND")
    for command in ("run", "validate", "schema", "list", "story", "report", "compare", "sweep",
                    "reproduce"):
        assert f"\n  {command} " in out


@pytest.mark.parametrize(("command", "options"), [
    ("run", ["--replications", "--seed", "--workers", "--out", "--set", "--executor",
             "--scheduler", "--timeout", "--resume", "--force", "--events", "--csv", "--quiet"]),
    ("validate", ["--set"]),
    ("story", ["--pair", "--seed", "--replication", "--set", "--full"]),
    ("compare", ["--replications", "--seed", "--workers", "--out", "--set", "--force"]),
    ("sweep", ["--vary", "--replications", "--seed", "--out", "--set", "--force"]),
    ("report", []),
    ("reproduce", ["--quick", "--out", "--force", "--docs", "--list"]),
])
def test_each_command_documents_its_options(capsys, command, options):
    code, out, _ = call([command, "--help"], capsys)
    assert code == 0 and out.startswith(f"Usage: dyadsim {command} ")
    for option in options:
        assert option in out, option


# ---------------------------------------------------------------- usage errors


@pytest.mark.parametrize(("argv", "line"), [
    (["frobnicate"], "dyadsim: error: No such command 'frobnicate'. (see dyadsim --help)"),
    (["run", "--bogus"], "dyadsim run: error: No such option: --bogus"),
    (["run", "-n", "0"], "dyadsim run: error: Invalid value for '-n' / '--replications'"),
    (["run", "--workers", "0"], "dyadsim run: error: Invalid value for '-w' / '--workers'"),
    (["run", "--seed", "-1"], "dyadsim run: error: Invalid value for '--seed'"),
    (["run", "--timeout", "3000000"], "dyadsim run: error: Invalid value for '--timeout'"),
    (["run", "--executor", "ray"], "dyadsim run: error: Invalid value for '--executor'"),
    (["validate"], "dyadsim validate: error: Missing argument 'files'."),
    (["sweep", "baseline"], "dyadsim sweep: error: Missing option '--vary'."),
    (["story", "--replication", "-2"], "dyadsim story: error: Invalid value for "
                                       "'--replication'"),
])
def test_a_usage_error_is_one_line_naming_the_command_and_its_help(capsys, argv, line):
    error = one_error(argv, capsys)
    assert error.startswith(line)
    assert error.endswith(f"(see {' '.join(error.split(':')[0].split())} --help)")


@pytest.mark.parametrize(("argv", "line"), [
    (["run", "small.yaml", "--resume", "somewhere"],
     "--resume takes its scenario and settings from the bundle; give no SCENARIO, --out or "
     "--set with it"),
    (["run", "small.yaml", "--executor", "local", "--scheduler", "tcp://x:1"],
     "--scheduler needs --executor dask (or leave --executor out)"),
    (["run", "--resume", "nowhere"], "dyadsim: nowhere is not a results bundle "
                                     "(no manifest.json)"),
    (["run", "small.yaml", "--set", "markov.customers=0"],
     "--set markov.customers=0: markov.customers: must be greater than or equal to 1, got 0"),
    (["story", "small.yaml"], "small.yaml: story needs a lifecycle scenario, this one is model "
                              "'markov'"),
    (["report", "nowhere"], "nowhere: no such results folder"),
    (["compare", "small.yaml"], "compare needs at least two scenarios or results folders"),
    (["compare", "small.yaml", "."], ".: not a results folder (no manifest.json)"),
    (["compare", "small.yaml", "baseline"], "compare: small is model 'markov', baseline is model "
                                            "'lifecycle'; only runs of one model can be "
                                            "compared"),
    (["sweep", "small.yaml", "--vary", "markov.customers=10,0", "-o", "sw"],
     "--vary markov.customers=0: markov.customers: must be greater than or equal to 1, got 0"),
    (["sweep", "small.yaml", "--vary", "markov..customers=10", "-o", "sw"],
     "--vary markov..customers=10: cannot read override: the key 'markov..customers' has an "
     "empty part between two dots"),
    (["sweep", "small.yaml", "--set", "markov.customers=0", "--vary", "seed=1,2", "-o", "sw"],
     "--set markov.customers=0: markov.customers: must be greater than or equal to 1, got 0"),
    (["reproduce", "nothing"], "unknown reproduction 'nothing'; known: "),
])
def test_bad_input_to_a_command_is_one_line_and_exit_2(small, capsys, argv, line):
    assert one_error(argv, capsys).startswith(line)
    assert sorted(p.name for p in small.parent.iterdir()) == ["small.yaml"]  # nothing written


def test_validate_says_ok_for_each_good_file_and_lists_every_problem_of_the_others(
        small, capsys):
    bad = small.parent / "bad.yaml"
    bad.write_text(small.read_text().replace("replications: 4", "replications: 0").replace(
        "customers: 2000", "customers: -1"), encoding="utf-8")
    code, out, err = call(["validate", small, "baseline", bad], capsys)
    assert code == 2
    assert out.splitlines() == [f"{small}: ok", "baseline: ok"]
    assert err.splitlines() == [
        f"{bad}:4: replications: must be greater than or equal to 1, got 0",
        f"{bad}:14: markov.customers: must be greater than or equal to 1, got -1"]


def test_validate_applies_set_to_every_file(small, capsys):
    code, _, err = call(["validate", small, "markov_retention", "--set", "seed=-4"], capsys)
    assert code == 2
    assert err.splitlines() == ["--set seed=-4: seed: must be greater than or equal to 0, "
                                "got -4"] * 2


def test_schema_prints_the_json_schema_alone(capsys):
    code, out, _ = call(["schema"], capsys)
    schema = json.loads(out)
    assert code == 0 and schema["$schema"].endswith("2020-12/schema")
    assert "horizon" in schema["properties"]


def test_list_names_every_bundled_scenario_and_explains_the_claim_codes(capsys):
    from sim.scenario import bundled_scenarios

    code, out, _ = call(["list"], capsys)
    assert code == 0
    for name, _ in bundled_scenarios():
        assert name in out
    assert "Codes such as C11 are the claims of the relationship lifecycle theory" in out


def test_the_claims_footnote_lists_each_known_code_once_in_number_order():
    from sim.models.lifecycle.vocabulary import CLAIMS

    codes = sorted(CLAIMS, key=lambda c: int(c[1:]))
    high, low = codes[-1], codes[0]
    text = claims_footnote(f"shows {high} and {low}, again {high}; C999 and XC1 are no codes")
    assert text.endswith(f"{low} {CLAIMS[low]}; {high} {CLAIMS[high]}.")
    assert "C999" not in text
    assert claims_footnote("no codes here") == ""


# ---------------------------------------------------------------- a run


def test_a_run_without_out_moves_past_a_file_in_the_way_and_prints_where(ran):
    code, folder = ran
    assert code == 0
    bundle = folder / "results" / "small-2"
    assert json.loads((bundle / "manifest.json").read_text())["status"] == "complete"
    assert (bundle / "pairs.csv").exists() and (bundle / "report.html").exists()
    assert (folder / "results" / "small").read_text() == "a file in the way"


def test_report_of_a_bundle_with_a_damaged_summary_is_one_line(ran, capsys, tmp_path):
    import shutil

    _, folder = ran
    copy = tmp_path / "copy"
    shutil.copytree(folder / "results" / "small-2", copy)
    (copy / "summary.json").write_text("{")
    assert one_error(["report", copy], capsys) == (
        f"dyadsim: {copy / 'summary.json'}: unreadable (JSONDecodeError)")


def test_set_is_refused_when_every_input_of_compare_is_a_finished_run(ran, capsys):
    _, folder = ran
    bundle = folder / "results" / "small-2"
    assert one_error(["compare", bundle, bundle, "--set", "seed=1"], capsys) == (
        "--set changes scenarios before they run; these are all finished runs")


def test_the_run_header_gives_the_horizon_in_years_or_weeks_and_the_market():
    manifest = {"scenario": {"name": "x", "horizon": 104.0, "model": "markov",
                             "markov": {"customers": 50}}, "done": 3, "replications": 4,
                "seed": 9}
    assert run_header(manifest) == ("x: 3 of 4 replications, seed 9; horizon 2 years, "
                                    "50 customers")
    manifest["scenario"]["horizon"] = 30.0
    assert run_header(manifest).endswith("horizon 30 weeks, 50 customers")


@pytest.mark.parametrize(("setting", "size"), [
    ({"model": "lifecycle", "lifecycle": {"market": {"buyers": {"count": 30},
                                                     "suppliers": {"count": 4}}}},
     "30 buyers, 4 suppliers"),
    ({"model": "lifecycle", "lifecycle": {"market": {
        "buyers": {"count": 30}, "buyer_list": [{}, {}], "suppliers": {"count": 4},
        "supplier_list": [{}]}}}, "2 buyers, 1 supplier"),
    ({"model": "loyalty", "loyalty": {"buyers": 100, "profits": [1.0, 1.2]}},
     "100 buyers, 2 sellers"),
    ({"model": "markov", "markov": {"customers": 7}}, "7 customers"),
    ({"model": "other"}, ""),
])
def test_the_market_size_is_told_for_each_model(setting, size):
    assert market_size(setting) == size


def test_comparing_warns_once_for_each_difference_that_limits_the_comparison():
    from sim.scenario import load_scenario

    base = load_scenario("baseline")
    other = load_scenario("baseline", ["horizon=5 years", "lifecycle.market.buyers.count=50",
                                       "focal=[S1]"])
    warnings = comparability_warnings(["a", "b"], [base, other])
    assert [w.split(" (")[0] for w in warnings] == [
        "warning: the horizons differ", "warning: the market sizes differ",
        "warning: the focal suppliers differ"]
    assert "a the incumbents; b S1" in warnings[2]
    assert comparability_warnings(["a", "b"], [base, base]) == []
    with pytest.raises(BadInput, match="only runs of one model can be compared"):
        comparability_warnings(["a", "m"], [base, load_scenario("markov_retention")])


# ---------------------------------------------------------------- shared parts


def test_a_report_that_fails_is_a_warning_and_the_run_stands(monkeypatch, capsys, ran):
    import analysis.report
    from sim.results import load_results

    _, folder = ran
    results = load_results(folder / "results" / "small-2")

    def broken(path):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(analysis.report, "write_report", broken)
    assert finish_run(results) is None
    err = capsys.readouterr().err
    assert err.strip() == (f"report not written: no fonts; rebuild it with: dyadsim report "
                           f"{results.path}")


def test_no_progress_bar_when_quiet_or_not_on_a_terminal():
    for quiet in (True, False):  # under pytest standard error is no terminal
        with progress_bar(quiet) as bar:
            assert bar is None
