"""The style rules every figure shares: colours by the model's words, units, bin widths."""

from __future__ import annotations

import pandas as pd

from analysis.plots.stages import plot_funnel
from analysis.plots.style import (
    OKABE_ITO,
    REASON_PALETTE,
    STAGE_PALETTE,
    figure_title,
    reason_colour,
    stage_colour,
    stage_label,
    time_unit,
)
from analysis.plots.survival import hazard_bin_width
from sim.results import Results


def test_a_stage_keeps_its_colour_by_its_place_in_the_models_stages():
    stages = ("pre", "early", "development")
    assert [stage_colour(s, stages) for s in stages] == list(STAGE_PALETTE[:3])
    assert stage_colour("early", ("x", "early")) == STAGE_PALETTE[1]


def test_a_reason_the_vocabulary_lists_keeps_its_colour_and_another_takes_a_fallback():
    reasons = ("distance", "competitor")
    assert reason_colour("competitor", reasons) == REASON_PALETTE[1]
    assert reason_colour("unheard_of", reasons, fallback=2) == OKABE_ITO[2]


def test_stage_names_are_written_as_people_write_them():
    assert [stage_label(s) for s in ("pre", "long_term", "buyer_exit")] == [
        "pre-relationship", "long-term", "buyer exit"]


def test_time_is_in_periods_for_markov_days_for_daily_series_and_weeks_otherwise():
    empty = pd.DataFrame()
    assert time_unit(Results({"model": "markov"}, empty, empty)) == "periods"
    assert time_unit(Results({}, empty, pd.DataFrame({"day": [0]}))) == "days"
    assert time_unit(Results({}, empty, pd.DataFrame({"time": [0.0]}))) == "weeks"


def test_hazard_bins_are_readable_calendar_widths():
    assert hazard_bin_width(50) == 4.0
    assert hazard_bin_width(52 * 5) == 26.0
    assert hazard_bin_width(52 * 100) == 260.0
    assert hazard_bin_width(45, unit="periods") == 3.0


def test_the_funnel_is_drawn_only_when_the_bundle_names_its_stages():
    pairs = pd.DataFrame({"replication": [0, 0, 1], "furthest_stage": ["pre", "early", "pre"]})
    with_words = Results({"vocabulary": {"stages": ["pre", "early"]}}, pairs, pd.DataFrame())
    figure = plot_funnel(with_words)
    assert figure_title(figure) == "How far relationships get"
    labels = [tick.get_text() for tick in figure.axes[0].get_yticklabels()]
    assert set(labels) == {"pre-relationship", "early"}
    assert plot_funnel(Results({}, pairs, pd.DataFrame())) is None
