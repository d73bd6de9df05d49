"""dyadsim report, and what dyadsim run prints and writes at its end."""

from __future__ import annotations

import shutil

import pytest

import sim
from sim import cli_common


@pytest.fixture
def saved_run(retention_file, tmp_path) -> sim.Results:
    """A finished Markov run saved as a bundle, without its report."""
    scenario = sim.load_scenario(retention_file("retention", 0.8))
    return sim.run(scenario, 4, 3, workers=1, out=tmp_path / "saved")


def test_report_rebuilds_plots_and_page_from_a_saved_bundle(dyadsim_here, saved_run):
    shutil.rmtree(saved_run.path / "plots", ignore_errors=True)
    (saved_run.path / "report.html").unlink(missing_ok=True)
    code, out, err = dyadsim_here("report", saved_run.path)
    assert code == 0, err
    assert (saved_run.path / "report.html").exists()
    assert len(list((saved_run.path / "plots").glob("*.png"))) == 4
    assert "customer value" in out and "95% interval" in out
    assert f"report: {saved_run.path / 'report.html'}" in out


@pytest.mark.parametrize(("folder", "message"), [
    ("missing", "missing: no such results folder"),
    (".", "is not a results bundle"),
])
def test_report_of_something_that_is_not_a_bundle_is_bad_input(dyadsim_here, folder, message):
    code, _, err = dyadsim_here("report", folder)
    assert code == 2 and message in err and "Traceback" not in err


def test_finish_run_prints_key_figures_and_writes_the_report(saved_run, capsys):
    page = cli_common.finish_run(saved_run)
    out = capsys.readouterr().out
    assert page == saved_run.path / "report.html" and page.exists()
    assert "key figures (mean over replications)" in out and "customer value" in out
    assert "customer value, closed form" in out


def test_finish_run_without_a_bundle_only_prints(retention_file, capsys):
    results = sim.run(sim.load_scenario(retention_file("retention", 0.8)), 3, 1, workers=1)
    assert cli_common.finish_run(results) is None
    assert "customer value" in capsys.readouterr().out


def test_key_figures_table_has_one_row_per_figure(saved_run):
    table = cli_common.key_figures_table(saved_run)
    assert [c.header for c in table.columns] == ["key figure", "mean", "95% interval", "unit"]
    assert table.row_count == 3  # customer value, periods until lost, closed form
