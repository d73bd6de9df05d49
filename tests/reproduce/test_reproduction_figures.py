"""Each reproduction's figure: its title, panels, labels and the series it draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from analysis.plots import OKABE_ITO, figure_title
from reproduce import (
    alternatives_conditional_development,
    commitment_trust_signs,
    competition_raises_dissolution,
    dwyer_fragile_exploration,
    ford_stage_profile,
    liability_of_adolescence,
    markov_clv,
    seed_claims,
)
from reproduce.seed_claims import Panel

MODULES = (alternatives_conditional_development, commitment_trust_signs,
           competition_raises_dissolution, dwyer_fragile_exploration, ford_stage_profile,
           liability_of_adolescence, markov_clv, seed_claims)


@pytest.fixture
def drawn(monkeypatch, tmp_path):
    """The figures the modules save, kept instead of written; and the path to pass them."""
    figures = []

    def keep(figure, path):
        figures.append(figure)
        return path
    for module in MODULES:
        monkeypatch.setattr(module, "save", keep)
    return figures, tmp_path / "figure.png"


def visible(figure):
    return [ax for ax in figure.axes if ax.get_visible()]


def test_seed_claims_draw_one_panel_per_claim_and_hide_the_spare_axes(drawn):
    figures, path = drawn
    panels = [Panel(f"claim {i}", ["a", "b"], [(1.0, 0.5, 1.5), (2.0, 1.5, 2.5)], "unit")
              for i in range(5)]
    assert seed_claims._figure(panels, path) == path
    figure, = figures
    assert figure_title(figure) == "MODEL.md's emergent behaviours, scenario by scenario"
    assert len(figure.axes) == 8 and len(visible(figure)) == 5
    assert [ax.get_title(loc="left") for ax in visible(figure)] == [f"claim {i}"
                                                                    for i in range(5)]
    ax = visible(figure)[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    assert ax.get_ylabel() == "unit"
    assert [p.get_height() for p in ax.patches] == [1.0, 2.0]


def test_a_seed_claim_panel_without_intervals_draws_bars_but_no_error_bars(drawn):
    figures, path = drawn
    seed_claims._figure([Panel("with", ["x"], [(1.0, 0.8, 1.2)], "u"),
                         Panel("without", ["x", "y"], [(1.0, np.nan, np.nan),
                                                       (2.0, 1.0, 3.0)], "u")], path)
    first, second = visible(figures[0])
    assert len(first.containers) == 2  # bars and error bars
    assert len(second.containers) == 1 and len(second.patches) == 2


def test_dwyer_draws_a_faint_line_per_seed_and_the_mean_with_its_interval(drawn):
    figures, path = drawn
    hazards = pd.DataFrame({"early": [0.02, 0.03, 0.025], "development": [0.01] * 3,
                            "long_term": [0.001, 0.002, 0.0015]})
    dwyer_fragile_exploration._figure(hazards, path)
    ax = figures[0].axes[0]
    assert ax.get_title(loc="left") == "Exploration is fragile: termination hazard by stage"
    seeds = [line for line in ax.lines if line.get_alpha() == 0.35]
    assert len(seeds) == 3
    assert seeds[0].get_ydata() == pytest.approx([52 * 0.02, 52 * 0.01, 52 * 0.001])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["early", "development", "long-term"]
    assert ax.get_ylabel() == "endings per relationship-year"


LIFE_TABLE = pd.DataFrame({"age_from": [0.0, 13.0], "age_to": [13.0, 26.0],
                           "hazard": [0.01, 0.02], "low": [0.005, 0.015],
                           "high": [0.015, 0.025]})


@pytest.mark.parametrize("trial, spans, labels", [
    (None, 0, ["hazard, 95% interval"]),
    ((50.0, 78.0, 120.0), 1, ["hazard, 95% interval", "trial periods of 90% of buyers",
                              "median trial period (78 weeks)"]),
    ((78.0, 78.0, 78.0), 0, ["hazard, 95% interval", "median trial period (78 weeks)"]),
])
def test_the_hazard_by_age_shows_the_trial_periods_when_the_scenario_has_them(
        drawn, trial, spans, labels):
    figures, path = drawn
    liability_of_adolescence._figure(LIFE_TABLE, trial, path)
    ax = figures[0].axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == labels
    assert ax.get_xlabel() == "age of the relationship (weeks since the first trial order)"
    step, *_ = ax.lines
    assert step.get_ydata() == pytest.approx([0.52, 1.04])  # per year


def test_competition_puts_supplier_counts_on_a_log_axis_one_line_per_market(drawn):
    figures, path = drawn
    endings = np.array([[2.0, 4.0, 8.0], [3.0, 4.0, 9.0]])
    exposure = np.full((2, 3), 1000.0)
    curves = {"baseline": ([6, 12, 24], endings, exposure),
              "weak_competition": ([3, 6, 12], endings, exposure)}
    competition_raises_dissolution._figure(curves, path)
    ax = figures[0].axes[0]
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["3", "6", "12", "24"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["baseline",
                                                                   "weak competition"]
    assert ax.lines[0].get_ydata() == pytest.approx(52 * endings.sum(axis=0) / 2000)


def test_alternatives_show_shares_counts_and_the_entry_side_by_side_with_each_seed(drawn):
    figures, path = drawn
    shares = [pd.Series([0.5, 0.6, 0.55]), pd.Series([0.4, 0.45, 0.5])]
    counts = [pd.Series([100.0, 110.0, 105.0]), pd.Series([80.0, 85.0, 90.0])]
    held = [pd.Series([0.45, 0.5, 0.4]), pd.Series([0.3, 0.35, 0.38])]
    alternatives_conditional_development._figure(shares, counts, held, path)
    left, middle, right = figures[0].axes
    assert figure_title(figures[0]) == "Attractive alternatives: fewer begin, and of those?"
    assert left.get_ylabel() == "share of begun pairs reaching development"
    assert middle.get_ylabel() == "pairs beginning trial orders per market"
    assert right.get_ylabel() == "share of pairs in trial at entry\nreaching development"
    assert [t.get_text() for t in left.get_xticklabels()] == ["baseline",
                                                               "attractive alternatives"]
    assert [t.get_text() for t in right.get_xticklabels()] == ["no entry", "entry"]
    points = [collection.get_offsets()[:, 1] for collection in middle.collections
              if len(collection.get_offsets()) == 3]
    assert [list(p) for p in points] == [[100.0, 110.0, 105.0], [80.0, 85.0, 90.0]]
    points = [collection.get_offsets()[:, 1] for collection in right.collections
              if len(collection.get_offsets()) == 3]
    assert [list(p) for p in points] == [[0.45, 0.5, 0.4], [0.3, 0.35, 0.38]]


def test_markov_plots_each_case_as_a_ratio_to_the_closed_form(drawn):
    figures, path = drawn
    points = [("first", 100.0, 101.0, 0.5, 1.0), ("second", 50.0, 49.0, 0.4, 0.8)]
    markov_clv._figure(points, path)
    ax = figures[0].axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["first", "second"]
    reference, ratio = ax.lines[0], ax.lines[1]
    assert list(reference.get_ydata()) == [1.0, 1.0]
    assert ratio.get_ydata() == pytest.approx([1.01, 0.98])
    assert ax.get_ylabel() == "simulated / closed-form value"


def test_ford_draws_six_trends_and_the_adaptation_shares_in_seven_of_eight_panels(drawn):
    figures, path = drawn
    mean = np.tile(np.arange(4.0)[:, None], (1, 6))
    shares = pd.Series([0.0, 0.1, 0.6, 0.3, 0.0],
                       index=["pre", "early", "development", "long_term", "final"])
    ford_stage_profile._figure(mean, mean - 0.5, mean + 0.5, shares, path)
    figure = figures[0]
    assert len(figure.axes) == 8 and len(visible(figure)) == 7
    titles = [ax.get_title(loc="left").replace("\n", " ") for ax in visible(figure)]
    assert titles == [label for label, _ in ford_stage_profile.VARIABLES] + [
        "share of adaptation spending"]
    bars = visible(figure)[-1]
    assert [p.get_height() for p in bars.patches] == [0.0, 0.1, 0.6, 0.3, 0.0]
    assert [t.get_text() for t in bars.get_xticklabels()] == [
        "pre-relationship", "early", "development", "long-term", "final"]


def test_morgan_and_hunt_paths_are_coloured_by_whether_their_sign_is_shown(drawn):
    figures, path = drawn
    intervals = [(0.3, 0.1, 0.5), (0.2, -0.1, 0.4), (-0.3, -0.5, -0.1), (0.1, 0.05, 0.2),
                 (0.2, 0.1, 0.3)]
    commitment_trust_signs._figure(intervals, path)
    ax = figures[0].axes[0]
    colours = [to_hex(line.get_color()) for line in ax.lines if line.get_marker() == "o"]
    shown, not_shown = to_hex(OKABE_ITO[2]), to_hex(OKABE_ITO[3])
    # the last path expects a negative sign and has a positive interval
    assert colours == [shown, not_shown, shown, shown, not_shown]
    assert [t.get_text() for t in ax.get_yticklabels()] == [  # from the top
        "switching cost -> commitment", "trust -> commitment", "cultural distance -> trust",
        "attention -> trust", "commitment -> leaving within a year"]
