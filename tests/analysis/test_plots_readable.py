"""Figures a reader can read: legends off the data, small bars labelled, empty series left out."""

from __future__ import annotations

import dataclasses

import pytest

from analysis import plots
from analysis.compare import compare, plot_differences, plot_funnel
from analysis.templates import render

SINGLE_AXES = ["plot_funnel", "plot_survival", "plot_survival_by_stage", "plot_hazard",
               "plot_occupancy", "plot_end_reasons", "plot_attitudes", "plot_calibration",
               "plot_market_share"]


def _legends_outside_the_axes(figure) -> bool:
    return all(ax.get_legend() is None for ax in figure.axes)


def test_legends_sit_below_the_figure_never_on_the_data(lifecycle_bundle):
    drawn = [getattr(plots, name)(lifecycle_bundle) for name in SINGLE_AXES]
    assert all(figure is not None for figure in drawn)
    assert all(_legends_outside_the_axes(figure) for figure in drawn)
    assert sum(len(figure.legends) == 1 for figure in drawn) >= 6


def test_compare_legends_sit_below_the_figure(lifecycle_bundle):
    comparison = compare([lifecycle_bundle, lifecycle_bundle])
    for draw in (plot_differences, plot_funnel):
        figure = draw(comparison)
        if figure is not None:
            assert _legends_outside_the_axes(figure)


def test_every_stage_of_the_end_reasons_chart_is_labelled_with_its_total(lifecycle_bundle):
    figure = plots.plot_end_reasons(lifecycle_bundle)
    ax = figure.axes[0]
    labels = [text.get_text() for text in ax.texts]
    assert len(labels) == len(ax.get_yticks())
    totals = sorted(float(label.replace(",", "")) for label in labels)
    pairs = lifecycle_bundle.pairs
    ended = pairs[pairs["end_reason"].notna() & (pairs["end_reason"] != "")]
    per_replication = len(ended) / pairs["replication"].nunique()
    assert sum(totals) == pytest.approx(per_replication, rel=0.01)


def _labels(figure) -> list[str]:
    return [text.get_text() for legend in figure.legends for text in legend.get_texts()]


def test_market_share_leaves_out_entrants_in_a_market_without_them(lifecycle_bundle):
    series = lifecycle_bundle.timeseries.copy()
    assert (series["share_entrants"] > 0).any(), "the synthetic market has entrants"
    with_entrants = plots.plot_market_share(lifecycle_bundle)
    assert "entrant suppliers" in _labels(with_entrants)
    series["share_entrants"] = 0.0
    without = dataclasses.replace(lifecycle_bundle, timeseries=series)
    figure = plots.plot_market_share(without)
    assert "entrant suppliers" not in _labels(figure)
    assert "incumbent suppliers" in _labels(figure)
    assert "entrants" not in figure.axes[0].get_title() + (figure._suptitle.get_text()
                                                           if figure._suptitle else "")


def test_wide_tables_scroll_inside_the_page():
    table = type("T", (), {"columns": ["point"] + [f"m{i}" for i in range(40)],
                           "rows": [["point-001"] + ["1.0"] * 40]})()
    html = render("sweep", title="t", lead="l", plots=[], points=table, provenance=[])
    assert '<div class="scroll">' in html
    assert ".scroll { overflow-x: auto" in html
