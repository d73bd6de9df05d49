"""Comparisons and sweeps of runs held in memory: pairing, names, the table, sweep points."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from synthetic_bundles import lifecycle_results

from analysis.compare import compare, difference_rows, format_difference, unique_names
from analysis.sweep import Point, grid, plot_response, response_figures, sweep_table, write_sweep
from sim.results import Results


@pytest.fixture(scope="module")
def base() -> Results:
    return lifecycle_results(6, seed=2)


def with_npv(results: Results, shift: float, seed=None, name=None) -> Results:
    """``results`` with every pair's NPV moved by ``shift`` (money)."""
    manifest = {**results.manifest, "seed": results.manifest["seed"] if seed is None else seed}
    if name:
        manifest["scenario"] = {**manifest["scenario"], "name": name}
    pairs = results.pairs.assign(npv=results.pairs["npv"] + shift)
    return dataclasses.replace(results, manifest=manifest, pairs=pairs)


def row(comparison, metric, scenario=None):
    rows = comparison.differences
    rows = rows[rows["metric"] == metric]
    if scenario is not None:
        rows = rows[rows["scenario"] == scenario]
    return rows.iloc[0]


def test_a_comparison_needs_two_runs(base):
    with pytest.raises(ValueError, match="at least two"):
        compare([base])


def test_runs_of_one_seed_are_paired_and_a_shift_is_found_exactly(base):
    comparison = compare([base, with_npv(base, 25.0, name="better")])
    assert comparison.paired and comparison.names == ["synthetic", "better"]
    pair_npv = row(comparison, "pair_npv")
    # every replication moves by 25: the paired difference has no spread at all
    assert (pair_npv["difference"], pair_npv["low"], pair_npv["high"]) == pytest.approx(
        (25.0, 25.0, 25.0))
    assert pair_npv["excludes_zero"]
    same = row(comparison, "reached_long_term")
    assert same["difference"] == 0 and not same["excludes_zero"]


def test_runs_of_different_seeds_are_compared_as_independent_samples(base):
    comparison = compare([base, with_npv(base, 25.0, seed=99)])
    assert not comparison.paired
    pair_npv = row(comparison, "pair_npv")
    assert pair_npv["difference"] == pytest.approx(25.0)
    assert pair_npv["high"] - pair_npv["low"] > 1.0  # the spread between markets now counts


def test_a_run_without_a_seed_is_never_paired(base):
    unseeded = dataclasses.replace(base, manifest={k: v for k, v in base.manifest.items()
                                                   if k != "seed"})
    assert not compare([unseeded, unseeded]).paired


def test_paired_means_and_their_difference_are_over_the_replications_both_have(base):
    # pairs of three replications only; the time series still has all six, so the
    # scenario's pair NPV is missing, not absent, in replications 3 to 5
    shorter = dataclasses.replace(with_npv(base, 10.0),
                                  pairs=base.pairs[base.pairs["replication"] < 3].assign(
                                      npv=lambda p: p["npv"] + 10.0))
    pair_npv = row(compare([base, shorter]), "pair_npv")
    per_replication = base.pairs.groupby("replication")["npv"].mean()
    assert pair_npv["reference"] == pytest.approx(per_replication.loc[:2].mean())
    assert pair_npv["difference"] == pytest.approx(10.0)
    assert pair_npv["value"] - pair_npv["reference"] == pytest.approx(pair_npv["difference"])


def test_only_the_metrics_every_run_has_are_compared(base):
    without_npv = dataclasses.replace(base, pairs=base.pairs.drop(columns="npv"))
    metrics = set(compare([base, without_npv]).differences["metric"])
    assert "pair_npv" not in metrics and "portfolio_npv" not in metrics
    assert "reached_long_term" in metrics


def test_names_given_to_runs_are_made_unique():
    assert unique_names(["a", "b", "a", "a"]) == ["a", "b", "a (2)", "a (3)"]


def test_each_scenario_is_compared_with_the_first(base):
    comparison = compare([base, with_npv(base, 5.0), with_npv(base, -5.0)],
                         names=["ref", "up", "down"])
    assert row(comparison, "pair_npv", "up")["difference"] == pytest.approx(5.0)
    assert row(comparison, "pair_npv", "down")["difference"] == pytest.approx(-5.0)
    headings, rows = difference_rows(comparison)
    assert headings == ["metric", "unit", "ref", "scenario", "value", "difference",
                        "95% interval", ""]
    down = next(r for r in rows if r[0] == "pair NPV" and r[3] == "down")
    assert down[5] == "-5" and down[6] == "-5 to -5" and down[7] == "*"


def test_two_scenarios_name_the_second_in_the_heading_and_percentages_in_points(base):
    comparison = compare([base, with_npv(base, 0.0)], names=["ref", "same"])
    headings, rows = difference_rows(comparison)
    assert headings == ["metric", "unit", "ref", "same", "difference", "95% interval", ""]
    share = next(r for r in rows if r[0] == "pairs reaching long-term")
    assert share[4] == "+0.0 pp" and share[5] == "+0.0 pp to +0.0 pp" and share[6] == ""


@pytest.mark.parametrize("value, unit, text", [
    (0.0, "weeks", "+0"),
    (-0.25, "0-1", "-0.250"),
    (float("nan"), "pairs", "-"),
    (-2.0, "% of ended relationships", "-2.0 pp"),
    (1500.0, "money per supplier", "+1,500"),
])
def test_a_difference_always_carries_its_sign(value, unit, text):
    assert format_difference(value, unit) == text


# ---------------------------------------------------------------- sweeps


def test_a_point_is_numbered_and_gives_its_settings_as_overrides():
    point = Point(7, {"lifecycle.market.buyers.count": "40", "horizon": "5 years"})
    assert point.name == "point-007"
    assert point.overrides == ["lifecycle.market.buyers.count=40", "horizon=5 years"]


def test_a_path_varied_twice_is_refused():
    with pytest.raises(ValueError, match=r"--vary given twice for a\.b"):
        grid(["a.b=1,2", "c=3", "a.b=4"])


def test_points_that_were_not_run_have_their_settings_and_no_figures():
    points = grid(["x=1,2"])
    table = sweep_table(points)
    assert table.columns.tolist() == ["point", "x", "bundle"]
    assert table["bundle"].tolist() == ["", ""] and table["x"].tolist() == ["1", "2"]


def test_a_point_that_was_run_has_each_key_figure_with_its_interval(tmp_path):
    bundle = tmp_path / "point-001"
    results = lifecycle_results(4, seed=5, path=bundle)
    table = sweep_table([Point(1, {"x": "0.5"}, bundle), Point(2, {"x": "0.7"})])
    first = table.iloc[0]
    per_replication = results.pairs.groupby("replication")["npv"].mean()
    assert first["pair_npv"] == pytest.approx(per_replication.mean())
    assert first["pair_npv_low"] < first["pair_npv"] < first["pair_npv_high"]
    assert first["bundle"] == str(bundle)
    assert np.isnan(table.iloc[1]["pair_npv"])  # the point not run has no value


SWEEP = pd.DataFrame({
    "point": ["point-001", "point-002", "point-003"], "policy": ["20", "5", "10"],
    "pair_npv": [30.0, 10.0, 20.0], "pair_npv_low": [25.0, 8.0, 15.0],
    "pair_npv_high": [35.0, 12.0, 25.0],
})


def test_a_numeric_parameter_is_drawn_in_order_of_its_value():
    figure = plot_response(SWEEP, "policy", [])
    line = figure.axes[0].lines[0]
    assert list(line.get_xdata()) == [5.0, 10.0, 20.0]
    assert list(line.get_ydata()) == [10.0, 20.0, 30.0]
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["mean"]
    assert figure.legends[0].get_title().get_text() == "whisker: 95% interval"


def test_a_parameter_of_words_is_drawn_at_positions_labelled_with_them():
    table = SWEEP.assign(policy=["keen", "lazy", "keen"])
    ax = plot_response(table, "policy", []).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["keen", "lazy"]
    assert sorted(ax.lines[0].get_xdata()) == [0.0, 0.0, 1.0]


def test_a_sweep_without_key_figures_has_no_response_figure():
    assert plot_response(SWEEP[["point", "policy"]], "policy", []) is None
    assert response_figures(SWEEP[["point", "policy"]], ["policy"]) == []


def test_each_varied_parameter_gets_a_response_figure_named_after_its_path():
    table = SWEEP.assign(**{"lifecycle.policy.rate": ["1", "2", "3"]})
    drawn = response_figures(table, ["policy", "lifecycle.policy.rate"])
    assert [plot.name for plot in drawn] == ["response_policy", "response_lifecycle_policy_rate"]
    assert "one line per value of lifecycle.policy.rate" in drawn[0].caption


def test_a_sweep_page_lists_each_point_with_its_figures_and_intervals(tmp_path):
    bundles = [lifecycle_results(3, seed=s, path=tmp_path / f"point-00{s}") for s in (1, 2)]
    points = [Point(s, {"policy": value}, tmp_path / f"point-00{s}")
              for s, value in ((1, "5"), (2, "10"))]
    page = write_sweep(points, tmp_path / "sweep", scenario=bundles[0])
    index = pd.read_csv(tmp_path / "sweep" / "index.csv")
    assert index["point"].tolist() == ["point-001", "point-002"]
    assert index["policy"].tolist() == [5, 10]
    html = page.read_text(encoding="utf-8")
    assert "synthetic: 2 points varying policy; 3 replications each, seed 1" in html
    assert (tmp_path / "sweep" / "plots" / "response_policy.png").is_file()
