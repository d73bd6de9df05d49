"""The comparison's figures, from runs held in memory: what each shows, when it is left out."""

from __future__ import annotations

import dataclasses
import logging

import pandas as pd
import pytest
from matplotlib.container import BarContainer
from synthetic_bundles import lifecycle_results

from analysis import compare as comparing
from analysis import plots, tables
from analysis.bundle import durations, stages_of
from analysis.compare import compare


@pytest.fixture(scope="module")
def base():
    return lifecycle_results(4, seed=6)


def shifted(results, npv: float, name: str):
    manifest = {**results.manifest, "scenario": {**results.manifest["scenario"], "name": name}}
    return dataclasses.replace(results, manifest=manifest,
                               pairs=results.pairs.assign(npv=results.pairs["npv"] + npv))


@pytest.fixture(scope="module")
def comparison(base):
    return compare([base, shifted(base, 50.0, "richer")])


def legend_texts(figure) -> list[str]:
    return [text.get_text() for text in figure.legends[0].get_texts()]


def test_the_differences_are_shown_as_a_share_of_the_reference(comparison):
    figure = comparing.plot_differences(comparison)
    ax = figure.axes[0]
    assert plots.figure_title(figure) == "What changes against synthetic"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    differences = comparison.differences.set_index("label")
    points = ax.lines[-1]  # the errorbar's markers
    # the top row is the first label; its point sits at difference / |reference| x 100
    first = differences.loc[labels[0]]
    expected = first["difference"] / abs(first["reference"]) * 100
    assert points.get_xdata()[0] == pytest.approx(expected)
    pair_npv = differences.loc["pair NPV"]
    assert pair_npv["difference"] == pytest.approx(50.0)
    assert legend_texts(figure) == ["richer"]


def test_metrics_whose_reference_is_zero_have_no_relative_difference(comparison):
    zeroed = dataclasses.replace(comparison, differences=comparison.differences.assign(
        reference=0.0))
    assert comparing.plot_differences(zeroed) is None


def test_survival_is_overlaid_one_curve_per_scenario(comparison):
    figure = comparing.plot_survival(comparison)
    texts = legend_texts(figure)
    began = [len(durations(results)) for results in comparison.results]
    assert texts == [f"synthetic (n = {began[0]:,})", f"richer (n = {began[1]:,})"]
    assert plots.figure_title(figure) == "How long relationships last, scenario by scenario"


def test_a_survival_comparison_needs_two_runs_with_durations(comparison, base):
    no_timing = dataclasses.replace(base, pairs=base.pairs.drop(columns=["start", "end"]))
    assert comparing.plot_survival(dataclasses.replace(
        comparison, results=[comparison.results[0], no_timing])) is None


def test_the_funnel_has_a_group_of_bars_per_stage_after_pre_and_a_bar_per_scenario(comparison):
    figure = comparing.plot_funnel(comparison)
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "early", "development", "long-term", "final"]
    first_bars = next(c for c in ax.containers if isinstance(c, BarContainer))
    funnel = tables.funnel(comparison.results[0].pairs,
                                     stages_of(comparison.results[0]))
    expected = funnel.set_index("stage").loc[["early", "development", "long_term", "final"],
                                             "share"] * 100
    assert [bar.get_height() for bar in first_bars] == pytest.approx(expected.tolist())
    assert legend_texts(figure) == ["synthetic", "richer"]


def test_distributions_show_each_replication_of_each_scenario(comparison):
    figure = comparing.plot_distributions(comparison)
    visible = [ax for ax in figure.axes if ax.get_visible()]
    titles = [ax.get_title(loc="left").replace("\n", " ") for ax in visible]
    assert titles[:3] == ["supplier portfolio NPV", "pair NPV",
                          "mean relationship duration (restricted mean)"]
    assert len(visible) == 6
    pair_npv = visible[1]
    dots = [collection.get_offsets()[:, 1] for collection in pair_npv.collections]
    expected = [m["pair_npv"].to_numpy() for m in comparison.metrics]
    assert [sorted(d) for d in dots] == [sorted(e) for e in expected]
    assert [t.get_text() for t in pair_npv.get_xticklabels()] == ["synthetic", "richer"]


def test_distributions_need_a_metric_both_runs_have():
    bare = [dataclasses.replace(lifecycle_results(2, seed=s), pairs=pd.DataFrame(
        {"replication": [0, 1]}), timeseries=pd.DataFrame()) for s in (1, 2)]
    assert comparing.plot_distributions(compare(bare)) is None


def test_a_comparison_figure_that_fails_is_left_out_and_named(comparison, monkeypatch, caplog):
    def broken(comparison):
        raise ValueError("an unexpected value")
    monkeypatch.setitem(comparing.CAPTIONS, "funnel", (broken, "never shown"))
    with caplog.at_level(logging.WARNING, logger="analysis.compare"):
        names = [plot.name for plot in comparing.comparison_figures(comparison)]
    assert names == ["differences", "survival", "distributions"]
    assert "comparison figure funnel left out" in caplog.text


@pytest.fixture
def no_figures(monkeypatch):
    """The page without its figures: what is tested here is its text and table."""
    monkeypatch.setattr(comparing, "comparison_figures", lambda comparison: [])


@pytest.mark.parametrize("seed, paired", [(None, True), (77, False)])
def test_the_comparison_page_says_how_replications_were_matched(base, tmp_path, no_figures,
                                                                 seed, paired):
    other = shifted(base, 50.0, "richer")
    if seed is not None:
        other = dataclasses.replace(other, manifest={**other.manifest, "seed": seed})
    comparison = compare([base, other])
    html = comparing.write_comparison(comparison, tmp_path / "cmp").read_text(encoding="utf-8")
    said = ("matched by common random numbers" if paired
            else "The runs used different seeds, so replications are compared as independent")
    assert said in html and comparison.paired is paired
    assert "Key figures of richer against synthetic." in html
    saved = pd.read_csv(tmp_path / "cmp" / "comparison.csv")
    assert saved["scenario"].unique().tolist() == ["richer"]
    assert saved.set_index("metric").loc["pair_npv", "difference"] == pytest.approx(50.0)
    assert f"seed {seed if seed is not None else base.manifest['seed']}" in html
