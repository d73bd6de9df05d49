"""``dyadsim sensitivity`` and ``dyadsim discover`` in this process: tables, pages, refusals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from explore.cli import _slug
from explore.discover import Box, Condition, Discovery
from explore.indices import COLUMNS
from explore.plots import plot_morris, plot_sobol
from explore.report import box_table, ranking_rows

SPACE = """
parameters:
  markov.reward[0]: {bounds: [50, 150], name: margin per period}
  markov.discount_rate: {bounds: [0.05, 0.3], name: discount rate}
  markov.customers: {bounds: [200, 500], integer: true, name: customers simulated}
"""


def dyadsim(*args) -> int:
    """Run ``dyadsim ARGS`` in this process; its exit code."""
    from sim.cli import main

    with pytest.raises(SystemExit) as stop:
        main([str(arg) for arg in args])
    return stop.value.code


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("commands")
    (folder / "space.yaml").write_text(SPACE)
    return folder


@pytest.fixture(scope="module")
def study(folder):
    """A finished Morris study of a tiny retention market, made by the command."""
    from sim.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["sensitivity", "markov_retention", "--space", str(folder / "space.yaml"),
              "-N", "4", "-r", "1", "-w", "1", "-q", "--metric", "customer_value",
              "-o", str(folder / "study")])
    assert stop.value.code == 0
    return folder / "study"


def test_sensitivity_prints_the_ranking_by_plain_name_and_where_the_study_is(
        folder, capsys, monkeypatch):
    monkeypatch.chdir(folder)
    assert dyadsim("sensitivity", "markov_retention", "--space", "space.yaml", "-N", "4",
                   "-r", "1", "-w", "1", "-q", "--metric", "customer_value", "-o",
                   "printed") == 0
    printed = capsys.readouterr().out
    assert "customer value" in printed and "ranked, ± 95% interval" in printed
    order = [printed.index(name) for name in ("margin per period", "discount rate",
                                              "customers simulated")]
    assert order == sorted(order)
    assert "markov.reward[0]" not in printed
    assert "report: printed/report.html" in printed and "study: printed" in printed


def test_the_study_page_names_the_ranges_and_the_provenance(study):
    page = (study / "report.html").read_text()
    assert "Sensitivity of markov_retention" in page
    assert "morris study of 3 parameters, 16 points x 1 replication," in page
    assert "uniform on [200, 500], whole numbers" in page
    assert "replications per point" in page and "space file" in page
    assert page.index("margin per period") < page.index("customers simulated")
    assert "<img" in page and (study / "plots" / "morris_customer_value.png").exists()


SENSITIVITY_REFUSALS = {
    "resume with a scenario": (["markov_retention", "--resume", "somewhere"],
                               "--resume takes everything from the study folder; give no "
                               "SCENARIO, --space, --out or --set with it"),
    "no space": (["markov_retention"], "give a SCENARIO and --space FILE (or --resume FOLDER)"),
    "unknown function": (["function:nope", "--space", "space.yaml"],
                         "function:nope: no such test function; known: ishigami, "
                         "noisy_ishigami"),
    "missing space file": (["markov_retention", "--space", "none.yaml"],
                           "none.yaml: no such file"),
    "odd levels": (["markov_retention", "--space", "space.yaml", "--levels", "3"],
                   "--levels: Morris needs an even number of levels, got 3"),
    "second order with morris": (["markov_retention", "--space", "space.yaml",
                                  "--second-order"], "--second-order applies to sobol only"),
    "levels with sobol": (["markov_retention", "--space", "space.yaml", "--method", "sobol",
                           "--levels", "6"], "--levels applies to morris only"),
    "unknown metric": (["markov_retention", "--space", "space.yaml", "--metric",
                        "customer_valeu"], "--metric customer_valeu: no such metric; known: "),
    "another model's metric": (["markov_retention", "--space", "space.yaml", "--metric",
                                "reached_long_term"],
                               "--metric reached_long_term: not reported by this scenario's "
                               "model; its metrics: customer_value, customer_lifetime"),
    "resume of no study": (["--resume", "nowhere"],
                           "nowhere is not a results bundle (no manifest.json)"),
}


@pytest.mark.parametrize("case", SENSITIVITY_REFUSALS)
def test_sensitivity_refuses_what_cannot_run_in_one_line_with_exit_2(
        folder, capsys, monkeypatch, case):
    monkeypatch.chdir(folder)
    arguments, message = SENSITIVITY_REFUSALS[case]
    target = [] if arguments[0] == "--resume" else ["-o", "refused"]
    assert dyadsim("sensitivity", *arguments, *target) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert not (folder / "refused").exists()


def test_failed_replications_exit_1_and_say_how_to_resume(folder, capsys, monkeypatch,
                                                          break_replication):
    monkeypatch.chdir(folder)
    break_replication(1, RuntimeError("market closed"))
    arguments = ["markov_retention", "--space", "space.yaml", "-N", "2", "-r", "2", "-w", "1",
                 "-q", "--metric", "customer_value", "-o", "broken"]
    assert dyadsim("sensitivity", *arguments) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[:5] == [f"point {p} replication 1 failed: RuntimeError: market closed"
                       for p in range(5)]
    assert err[5] == ("8 point replications failed (tracebacks in broken/manifest.json); the "
                      "indices need every point: rerun them with: dyadsim sensitivity "
                      "--resume broken")
    break_replication.restore()
    assert dyadsim("sensitivity", "--resume", "broken", "-w", "1", "-q") == 0
    assert "ranked" in capsys.readouterr().out


def test_discover_finds_where_customers_are_worth_most(study, capsys, monkeypatch):
    runs = pd.read_parquet(study / "runs.parquet")
    threshold = float(runs["customer_value"].quantile(0.7))
    monkeypatch.chdir(study.parent)
    assert dyadsim("discover", "study", "--where", f"customer_value > {threshold}",
                   "--density", "0.6", "-o", "found") == 0
    printed = capsys.readouterr().out
    cases = int((runs["customer_value"] > threshold).sum())
    assert f"{cases} of 16 points" in printed and "discovery: found/discover.html" in printed
    boxes = pd.read_csv(study.parent / "found" / "boxes.csv")
    assert "margin per period" in set(boxes["name"])
    first = boxes[boxes["box"] == 1].set_index("parameter")
    assert first.loc["markov.reward[0]", "low"] > 50  # high margins, not low ones


@pytest.mark.parametrize(("where", "message"), [
    ("y > 1", "--where: no metric 'y' here; metrics: customer_value"),
    ("customer_value > -1", "--where customer_value > -1: holds at every point; PRIM needs "
                            "both"),
    ("customer_value is big", "write METRIC > NUMBER"),
])
def test_discover_refuses_a_condition_it_cannot_search_in_one_line(study, capsys, where,
                                                                   message):
    assert dyadsim("discover", study, "--where", where) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_discover_refuses_a_folder_that_holds_no_points(tmp_path, capsys):
    assert dyadsim("discover", tmp_path / "nowhere", "--where", "y > 1") == 2
    assert capsys.readouterr().err.strip() == f"{tmp_path / 'nowhere'}: no such folder"
    (tmp_path / "sweep").mkdir()
    pd.DataFrame({"x": [1, 2]}).to_csv(tmp_path / "sweep" / "index.csv", index=False)
    assert dyadsim("discover", tmp_path / "sweep", "--where", "y > 1") == 2
    assert "index.csv is not the index of a sweep" in capsys.readouterr().err


@pytest.mark.parametrize(("name", "slug"), [
    ("baseline", "baseline"), ("function:ishigami", "function-ishigami"),
    ("scenarios/my market.yaml", "my-market"), ("::", "study")])
def test_a_default_study_folder_is_named_after_its_scenario(name, slug):
    assert _slug(name) == slug


# ---------------------------------------------------------------- tables and figures


def synthetic_indices(method):
    names = ("mu_star", "sigma", "mu") if method == "morris" else ("S1", "ST")
    values = {"a.low": 0.05, "a.high": 0.8, "a.mid": 0.3}
    rows = [["m", path, f"plain {path[2:]}", index, value * (1 + k), 0.01, value - 0.01,
             value + 0.01, 0.95, ""]
            for path, value in values.items() for k, index in enumerate(names)]
    rows.append(["m", "a.high", "plain high", "S2", 0.1, 0.02, 0.08, 0.12, 0.95, "a.mid"])
    return pd.DataFrame(rows, columns=COLUMNS)


def test_ranking_rows_show_each_index_with_its_half_width_in_rank_order():
    headings, rows = ranking_rows(synthetic_indices("sobol"), "m", "sobol")
    assert headings == ["rank", "parameter", "ST", "S1"]
    assert rows == [["1", "plain high", "1.60 ± 0.0100", "0.800 ± 0.0100"],
                    ["2", "plain mid", "0.600 ± 0.0100", "0.300 ± 0.0100"],
                    ["3", "plain low", "0.100 ± 0.0100", "0.0500 ± 0.0100"]]
    headings, _ = ranking_rows(synthetic_indices("morris"), "m", "morris")
    assert headings == ["rank", "parameter", "mu*", "sigma"]
    assert ranking_rows(synthetic_indices("morris"), "other", "morris") == (
        ["rank", "parameter", "mu*", "sigma"], [])


def test_an_undefined_index_shows_a_dash_and_an_undefined_interval_only_the_value():
    indices = synthetic_indices("sobol")
    indices.loc[(indices["parameter"] == "a.low") & (indices["index"] == "S1"), "value"] = (
        math.nan)
    indices.loc[(indices["parameter"] == "a.mid") & (indices["index"] == "ST"), "conf"] = (
        math.nan)
    rows = {row[1]: row for row in ranking_rows(indices, "m", "sobol")[1]}
    assert rows["plain low"][3] == "-" and rows["plain mid"][2] == "0.600"


def test_figures_label_parameters_by_plain_name_and_skip_missing_metrics():
    morris = plot_morris(synthetic_indices("morris"), "m")
    texts = {text.get_text() for text in morris.axes[0].texts}
    assert {"plain high", "plain mid", "plain low"} <= texts
    sobol = plot_sobol(synthetic_indices("sobol"), "m")
    ticks = [tick.get_text() for tick in sobol.axes[0].get_yticklabels()]
    assert ticks == ["plain low", "plain mid", "plain high"]  # most influential on top
    assert plot_morris(synthetic_indices("morris"), "other") is None
    assert plot_sobol(synthetic_indices("sobol"), "other") is None


def test_the_box_table_has_a_row_per_restricted_parameter_of_each_box():
    limits = pd.DataFrame({"parameter": ["a", "b"], "name": ["A", "B"], "low": [0.6, 0.0],
                           "high": [1.0, 0.3], "qp_low": [1e-9, np.nan],
                           "qp_high": [np.nan, 1e-4]})
    found = Discovery(Condition("y", ">", 5.0), 100, 20,
                      [Box(1, 0.9, 0.95, 0.19, limits), Box(2, 0.05, 0.8, 0.01, limits[:1])],
                      pd.DataFrame(), 0, {"a": "A", "b": "B"})
    table = box_table(found)
    assert table[["box", "parameter"]].values.tolist() == [[1, "a"], [1, "b"], [2, "a"]]
    assert table.loc[2, "coverage"] == 0.05 and table.loc[0, "mass"] == 0.19
    empty = box_table(Discovery(Condition("y", ">", 5.0), 100, 20, [], pd.DataFrame(), 0, {}))
    assert empty.empty and list(empty.columns) == list(table.columns)


def test_discover_notes_in_one_line_when_no_box_is_dense_enough(tmp_path, capsys):
    rng = np.random.default_rng(8)
    count = 300
    pd.DataFrame({
        "point": [f"point-{i:03d}" for i in range(count)],
        "lifecycle.policy.adaptation_hurdle": rng.random(count),
        "bundle": ["b"] * count, "reached_final": rng.random(count) < 0.3,
    }).astype({"reached_final": float}).to_csv(tmp_path / "index.csv", index=False)
    assert dyadsim("discover", tmp_path, "--where", "reached_final > 0.5") == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "asked 80%" in notes[0] and "lower --density" in notes[0]
    boxes = pd.read_csv(tmp_path / "discover-reached_final" / "boxes.csv")
    assert set(boxes["box"]) == {1} and boxes["density"].iloc[0] < 0.8


def test_the_discovery_page_shows_the_smaller_quasi_p_value_of_each_restriction(tmp_path):
    from explore.report import write_discovery

    limits = pd.DataFrame({"parameter": ["a"], "name": ["alpha"], "low": [0.6], "high": [1.0],
                           "qp_low": [3.14e-9], "qp_high": [0.02]})
    trajectory = pd.DataFrame({"coverage": [1.0, 0.9], "density": [0.2, 0.95],
                               "res_dim": [0, 1], "mass": [1.0, 0.2]})
    found = Discovery(Condition("y", ">", 5.0), 100, 20, [Box(1, 0.9, 0.95, 0.19, limits)],
                      trajectory, 1, {"a": "alpha"})
    page = write_discovery(found, tmp_path / "d").read_text()
    assert "<td>3.1e-09</td>" in page and "0.02" not in page
    assert "20 of 100 points meet y &gt; 5" in page and "<td>90%</td>" in page
