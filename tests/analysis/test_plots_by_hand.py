"""Figures of tiny hand-made bundles: the numbers they draw, their ticks, what they leave out."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from analysis import plots, stats
from analysis.plots.style import year_ticks
from sim.models.lifecycle.vocabulary import VOCABULARY
from sim.results import Results


def lifecycle(pairs, timeseries=None, horizon=100.0, summary=None, model="lifecycle") -> Results:
    manifest = {"model": model, "vocabulary": VOCABULARY,
                "scenario": {"name": "tiny", "horizon": horizon}}
    return Results(manifest, pairs, timeseries if timeseries is not None else pd.DataFrame(),
                   None, summary or {})


PAIRS = pd.DataFrame({
    "replication": [0, 0, 0, 1, 1, 1],
    "start": [0.0, 0.0, 10.0, 0.0, 5.0, 0.0],
    "end": [20.0, np.nan, 40.0, 60.0, 30.0, 2.0],
    "censored": [False, True, False, False, False, False],
    "furthest_stage": ["early", "long_term", "development", "early", "early", "pre"],
})


def legend_texts(figure) -> list[str]:
    legend = figure.legends[0] if figure.legends else figure.axes[0].get_legend()
    return [text.get_text() for text in legend.get_texts()]


def test_the_survival_curve_is_the_kaplan_meier_of_relationships_that_began():
    figure = plots.plot_survival(lifecycle(PAIRS))
    ax = figure.axes[0]
    # five began (the pre-only contact is left out); one of them still active
    assert legend_texts(figure)[0] == ("all relationships that began (n = 5, 20% still active at "
                                       "the end)")
    curve = stats.kaplan_meier([20.0, 100.0, 30.0, 60.0, 25.0],
                               [False, True, False, False, False])
    step = ax.lines[0]
    assert list(step.get_xdata()) == curve["time"].tolist()
    assert step.get_ydata() == pytest.approx(curve["survival"].to_numpy())
    assert ax.get_xlim() == (0.0, 100.0)


def test_survival_by_stage_draws_one_curve_per_stage_reached_beyond_pre():
    figure = plots.plot_survival_by_stage(lifecycle(PAIRS))
    assert legend_texts(figure) == ["early (n = 3)", "development (n = 1)", "long-term (n = 1)"]


def test_a_markov_survival_curve_speaks_of_customers_and_periods():
    pairs = pd.DataFrame({"replication": 0, "periods_to_absorption": [1.0, 2.0, 2.0, np.nan]})
    timeseries = pd.DataFrame({"replication": 0, "period": [0, 1, 2, 3]})
    figure = plots.plot_survival(Results({"model": "markov"}, pairs, timeseries))
    ax = figure.axes[0]
    assert plots.figure_title(figure) == "How long customers stay"
    assert ax.get_xlabel() == "customer age (periods)"
    assert ax.get_ylabel() == "still a customer (%)"


def test_no_hazard_is_drawn_when_nobody_ended_or_no_bin_has_ten_at_risk():
    assert plots.plot_hazard(lifecycle(PAIRS.assign(censored=True, end=np.nan))) is None
    assert plots.plot_hazard(lifecycle(PAIRS)) is None  # five relationships only


def many(hazard_early: float, hazard_late: float, pairs: int = 400, seed: int = 1):
    """Relationships with one hazard (per week) in their first year and another after it."""
    rng = np.random.default_rng(seed)
    first = rng.exponential(1 / hazard_early, pairs)
    later = 52.0 + rng.exponential(1 / hazard_late, pairs)
    life = np.where(first < 52.0, first, later)
    censored = life > 300
    return pd.DataFrame({"replication": 0, "start": 0.0, "end": np.where(censored, np.nan, life),
                         "censored": censored, "furthest_stage": "early"})


def test_a_hazard_spanning_orders_of_magnitude_gets_a_log_scale():
    steep = plots.plot_hazard(lifecycle(many(0.03, 0.0001, pairs=2000),
                                        horizon=300.0)).axes[0]
    assert steep.get_yscale() == "log"
    assert steep.get_ylabel() == "endings per relationship-year (log scale)"
    flat = plots.plot_hazard(lifecycle(many(0.01, 0.008), horizon=300.0)).axes[0]
    assert flat.get_yscale() == "linear" and flat.get_ylim()[0] == 0


@pytest.mark.parametrize("top, ticks", [
    (52.0, None),                                  # under two years: matplotlib's own
    (260.0, [0, 52, 104, 156, 208, 260]),          # every year
    (1040.0, [0, 104, 208, 312, 416, 520, 624, 728, 832, 936, 1040]),  # every two years
    (1560.0, list(range(0, 1561, 260))),           # every five years
])
def test_a_weeks_axis_is_ticked_in_whole_years(top, ticks):
    _, ax = plots.new_figure("ticks")
    before = list(ax.get_xticks())
    year_ticks(ax, top, "weeks")
    assert list(ax.get_xticks()) == (before if ticks is None else ticks)


def test_days_and_periods_keep_their_own_ticks():
    _, ax = plots.new_figure("ticks")
    before = list(ax.get_xticks())
    year_ticks(ax, 520.0, "days")
    year_ticks(ax, float("nan"), "weeks")
    assert list(ax.get_xticks()) == before


def test_the_funnel_writes_each_share_beside_its_bar():
    figure = plots.plot_funnel(lifecycle(PAIRS))
    ax = figure.axes[0]
    texts = [t.get_text() for t in ax.texts if t.get_text().endswith("%")]
    # replication 0: 3 of 3 early, 2 development, 1 long-term; replication 1: 2 of 3 early
    # bars run from the last stage (top of the list) to the first
    assert texts == ["0.0%", "16.7%", "33.3%", "83.3%", "100.0%"]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "final", "long-term", "development", "early", "pre-relationship"]


def test_outcomes_hide_the_panels_the_bundle_cannot_fill():
    pairs = PAIRS.assign(supplier=["S1", "S1", "S2", "S1", "S2", "S2"],
                         npv=[10.0, 20.0, 30.0, 40.0, 50.0, 60.0])
    figure = plots.plot_outcomes(lifecycle(pairs))
    visible = [ax for ax in figure.axes if ax.get_visible()]
    assert plots.figure_title(figure) == "Outcomes across 2 replications"
    assert [ax.get_title(loc="left") for ax in visible] == [
        "supplier portfolio NPV", "pair NPV", "mean relationship duration (restricted mean)"]
    assert len(figure.axes) == 4


def test_calibration_says_its_bias_and_slope_on_the_figure():
    rng = np.random.default_rng(3)
    realised = rng.normal(100.0, 30.0, 200)
    pairs = pd.DataFrame({"npv": realised, "npv_forecast": realised + 25.0,
                          "censored": False, "furthest_stage": "early"})
    figure = plots.plot_calibration(lifecycle(pairs))
    note = figure.axes[0].texts[-1].get_text()
    assert note == ("forecast minus realised: +25 per pair on average; slope of realised on "
                    "forecast: 1.00 (1 = calibrated)")
    assert "mean of each tenth of forecasts (95% interval), 200 pairs" in legend_texts(figure)


def test_customer_value_shows_the_simulated_mean_and_the_closed_form():
    pairs = pd.DataFrame({"value": [100.0, 200.0, 330.0]})
    figure = plots.plot_value_distribution(lifecycle(pairs, summary={"analytic_value": 210.0}))
    assert legend_texts(figure) == ["customers", "simulated mean 210.0", "closed form 210.0"]
    without = plots.plot_value_distribution(lifecycle(pairs))
    assert legend_texts(without) == ["customers", "simulated mean 210.0"]
    assert plots.plot_value_distribution(lifecycle(PAIRS)) is None


def test_a_figure_that_fails_is_left_out_with_a_warning_naming_it(monkeypatch, caplog):
    def broken(results):
        raise KeyError("a column the figure expected")
    monkeypatch.setitem(plots.CAPTIONS, "funnel", (broken, "never shown"))
    with caplog.at_level(logging.WARNING, logger="analysis.plots"):
        drawn = plots.figures(lifecycle(PAIRS))
    assert "funnel" not in [plot.name for plot in drawn]
    assert "survival" in [plot.name for plot in drawn]
    assert "figure funnel left out" in caplog.text


def test_a_bundle_without_columns_has_no_figures():
    assert plots.figures(Results({}, pd.DataFrame({"replication": [0]}), pd.DataFrame())) == []


def test_markov_figures_take_the_captions_written_for_customers():
    pairs = pd.DataFrame({"replication": [0] * 30,
                          "periods_to_absorption": np.arange(30, dtype=float) % 6 + 1,
                          "value": np.arange(30, dtype=float)})
    timeseries = pd.DataFrame({"replication": 0, "period": np.arange(8),
                               "n_customer": np.arange(8)[::-1], "n_lost": np.arange(8)})
    drawn = {plot.name: plot for plot in plots.figures(Results({"model": "markov"}, pairs,
                                                               timeseries))}
    assert drawn["survival"].caption == plots.MARKOV_CAPTIONS["survival"]
    assert drawn["value"].caption == plots.CAPTIONS["value"][1]
    assert drawn["survival"].title == "How long customers stay"


def test_end_reasons_stack_each_stages_endings_per_replication_with_the_total_beside():
    pairs = PAIRS.assign(end_stage=["early", "long_term", "development", "early", "early",
                                    "pre"],
                         end_reason=["distance", None, "competitor", "competitor", "distance",
                                     "distance"])
    ax = plots.plot_end_reasons(lifecycle(pairs)).axes[0]
    # two replications: early 2 distance + 1 competitor, development 1, pre 1 (censored: none)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["development", "early",
                                                          "pre-relationship"]
    assert [t.get_text() for t in ax.texts] == ["0.5", "1.5", "0.5"]
    widths = {patch.get_label(): [] for patch in ax.containers}
    for container in ax.containers:
        widths[container.get_label()] = [bar.get_width() for bar in container]
    assert widths == {"distance": [0.0, 1.0, 0.5], "competitor": [0.5, 0.5, 0.0]}


def test_occupancy_draws_the_median_of_each_stage_over_time():
    series = pd.DataFrame({"replication": [0, 1, 2] * 2, "time": [0.0] * 3 + [4.0] * 3,
                           "n_pre": [1, 3, 8, 2, 2, 2], "n_early": [0, 0, 0, 5, 7, 6],
                           "n_buyers": 40})
    figure = plots.plot_occupancy(lifecycle(PAIRS, series))
    ax = figure.axes[0]
    assert [line.get_label() for line in ax.lines] == ["pre-relationship", "early"]
    assert list(ax.lines[0].get_ydata()) == [3.0, 2.0]
    assert list(ax.lines[1].get_ydata()) == [0.0, 6.0]
    assert ax.get_ylabel() == "pairs per replication"


def test_attitudes_are_bars_by_stage_for_each_variable_the_bundle_has():
    series = pd.DataFrame({"replication": [0, 1, 2], "trust_early": [0.4, 0.5, 0.6],
                           "trust_development": [0.7, 0.7, 0.7],
                           "satisfaction_early": [0.5, 0.5, 0.5]})
    ax = plots.plot_attitudes(lifecycle(PAIRS, series)).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["early", "development"]
    bars = {c.get_label(): [bar.get_height() for bar in c] for c in ax.containers
            if hasattr(c, "patches")}
    assert bars["trust"] == pytest.approx([0.5, 0.7])
    assert bars["satisfaction"][0] == pytest.approx(0.5) and np.isnan(bars["satisfaction"][1])
