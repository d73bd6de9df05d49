"""Every figure: drawn from a small bundle, with its title, axis labels and series."""

from __future__ import annotations

import pytest

from analysis import plots


def _legend_entries(ax) -> list[str]:
    # a legend sits on the axes or, set below the figure, on the figure
    legend = ax.get_legend() or (ax.figure.legends[0] if ax.figure.legends else None)
    return [text.get_text() for text in legend.get_texts()] if legend else []


LIFECYCLE_FIGURES = [
    # function, title, x label, y label, number of series
    (plots.plot_funnel, "How far relationships get",
     "pairs that reach the stage (% of all pairs that met)", "stage", 5),
    (plots.plot_survival, "How long relationships last", "relationship age (weeks)",
     "still active (%)", 2),
    (plots.plot_survival_by_stage, "How long relationships last, by the furthest stage reached",
     "relationship age (weeks)", "still active (%)", 4),
    (plots.plot_hazard, "When relationships end: hazard by age",
     "relationship age (weeks; bins of 26)", "endings per relationship-year", 2),
    (plots.plot_occupancy, "Relationships in each stage", "time (weeks)",
     "pairs per replication", 5),
    (plots.plot_end_reasons, "Why relationships end, by stage",
     "relationships ended per replication", "stage in which it ended", 7),
    (plots.plot_attitudes, "Trust, commitment and satisfaction by stage", "stage",
     "mean level (scale 0 to 1)", 3),
    (plots.plot_calibration, "Are NPV forecasts right? Forecast against realised value",
     "forecast net present value (money per pair)",
     "realised net present value (money per pair)", 2),
    (plots.plot_market_share, "Market share of incumbents and entrants", "time (weeks)",
     "share of buyers' spending (%)", 3),
]


@pytest.mark.parametrize(("function", "title", "xlabel", "ylabel", "series"), LIFECYCLE_FIGURES,
                         ids=[f[0].__name__ for f in LIFECYCLE_FIGURES])
def test_lifecycle_figure_has_title_labels_and_series(lifecycle_bundle, function, title, xlabel,
                                                      ylabel, series):
    figure = function(lifecycle_bundle)
    ax = figure.axes[0]
    assert plots.figure_title(figure) == title
    assert ax.get_xlabel() == xlabel and ax.get_ylabel() == ylabel
    count = len(_legend_entries(ax)) or len(ax.patches)
    assert count == series
    assert tuple(figure.get_size_inches()) == plots.SIZE


def test_end_reasons_can_show_every_reason(lifecycle_bundle):
    labels = _legend_entries(plots.plot_end_reasons(lifecycle_bundle).axes[0])
    assert {"distance", "competitor", "poor performance", "supplier exit"} <= set(labels)


def test_outcomes_show_four_distributions_across_replications(lifecycle_bundle):
    figure = plots.plot_outcomes(lifecycle_bundle)
    visible = [ax for ax in figure.axes if ax.get_visible()]
    assert plots.figure_title(figure) == "Outcomes across 8 replications"
    assert [ax.get_title(loc="left") for ax in visible] == [
        "supplier portfolio NPV", "pair NPV", "mean relationship duration (restricted mean)",
        "ended relationships lost to competitors"]
    assert [ax.get_xlabel() for ax in visible] == ["money per supplier", "money per pair",
                                                   "weeks", "% of ended relationships"]
    assert all(ax.get_ylabel() == "replications" for ax in visible)
    assert sum(patch.get_height() for patch in visible[0].patches
               if hasattr(patch, "get_height")) >= 8


def test_the_palette_is_colour_blind_safe_okabe_ito(lifecycle_bundle):
    figure = plots.plot_market_share(lifecycle_bundle)
    colours = {line.get_color().lower() for line in figure.axes[0].get_lines()}
    assert colours <= {c.lower() for c in plots.OKABE_ITO}


def test_markov_bundle_gets_its_own_figures(markov_bundle):
    drawn = {plot.name: plot for plot in plots.figures(markov_bundle)}
    assert set(drawn) == {"survival", "hazard", "occupancy", "value"}
    occupancy = drawn["occupancy"].figure.axes[0]
    assert _legend_entries(occupancy) == ["active", "lapsed 1", "lapsed 2", "lapsed 3", "gone"]
    assert occupancy.get_xlabel() == "time (periods)"
    assert drawn["value"].title == "Customer value: what one customer is worth"
    assert any("closed form" in text for text in _legend_entries(drawn["value"].figure.axes[0]))


def test_occupancy_shows_the_stages_not_the_other_counts(lifecycle_bundle):
    ax = plots.plot_occupancy(lifecycle_bundle).axes[0]
    assert _legend_entries(ax) == ["pre-relationship", "early", "development", "long-term",
                                   "final"]


def test_a_model_with_one_share_per_seller_gets_a_line_per_seller():
    import pandas as pd

    import sim

    timeseries = pd.DataFrame({"replication": [0, 0, 1, 1], "day": [0, 10, 0, 10],
                               "share_seller_1": [0.5, 0.6, 0.5, 0.7],
                               "share_seller_2": [0.5, 0.4, 0.5, 0.3]})
    results = sim.Results({"model": "loyalty"}, pd.DataFrame({"replication": [0]}), timeseries)
    ax = plots.plot_market_share(results).axes[0]
    assert _legend_entries(ax) == ["seller 1", "seller 2"]
    assert ax.get_xlabel() == "time (days)" and ax.get_ylabel() == "market share (%)"


def test_missing_columns_leave_figures_out_instead_of_failing(lifecycle_bundle):
    import sim

    pairs = lifecycle_bundle.pairs.drop(columns=["npv", "npv_forecast", "furthest_stage"])
    timeseries = lifecycle_bundle.timeseries[["replication", "time", "n_pre", "n_early"]]
    thin = sim.Results(lifecycle_bundle.manifest, pairs, timeseries)
    names = {plot.name for plot in plots.figures(thin)}
    assert {"funnel", "calibration", "market_share", "survival_by_stage"}.isdisjoint(names)
    assert {"survival", "hazard", "occupancy", "end_reasons"} <= names


def test_every_figure_has_a_sentence_on_how_to_read_it(lifecycle_bundle):
    drawn = plots.figures(lifecycle_bundle)
    assert len(drawn) >= 8
    for plot in drawn:
        assert plot.caption.endswith(".") and len(plot.caption.split()) >= 12
