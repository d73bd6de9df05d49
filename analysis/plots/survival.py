"""Figures of how long relationships last: Kaplan-Meier survival and the hazard by age."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from analysis import stats
from analysis.bundle import (
    WEEKS_PER_YEAR,
    Source,
    as_results,
    durations,
    stages_of,
)
from analysis.plots.style import (
    BAND_ALPHA,
    OKABE_ITO,
    legend_below,
    new_figure,
    stage_colour,
    stage_label,
    time_unit,
    year_ticks,
)


def survival_axes(ax, unit: str, top: float) -> None:
    """Axes of a survival curve: age in ``unit`` up to ``top``, share still active."""
    ax.set_xlabel(f"{'customer' if unit == 'periods' else 'relationship'} age ({unit})")
    ax.set_ylabel("still a customer (%)" if unit == "periods" else "still active (%)")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, top)
    year_ticks(ax, top, unit)


def draw_survival(ax, table: pd.DataFrame, colour: str, label: str) -> None:
    """A Kaplan-Meier step curve (:func:`analysis.stats.kaplan_meier`) with its band."""
    ax.step(table["time"], table["survival"], where="post", color=colour, label=label)
    ax.fill_between(table["time"], table["low"].fillna(table["survival"]),
                    table["high"].fillna(table["survival"]), step="post", color=colour,
                    alpha=BAND_ALPHA, linewidth=0)


def plot_survival(source: Source) -> Figure | None:
    """Kaplan-Meier survival of all relationships, with its 95% band (censored at horizon)."""
    results = as_results(source)
    table = durations(results)
    if table is None or not len(table):
        return None
    unit = time_unit(results)
    curve = stats.kaplan_meier(table["duration"], table["censored"])
    what = "customers" if unit == "periods" else "relationships that began"
    figure, ax = new_figure("How long customers stay" if unit == "periods"
                            else "How long relationships last")
    draw_survival(ax, curve, OKABE_ITO[0],
                   f"all {what} (n = {len(table):,}, {table['censored'].mean():.0%} still "
                   "active at the end)")
    ax.fill_between([], [], color=OKABE_ITO[0], alpha=BAND_ALPHA, label="95% confidence band")
    survival_axes(ax, unit, float(table["duration"].max()))
    legend_below(ax, None)
    return figure


def plot_survival_by_stage(source: Source) -> Figure | None:
    """Kaplan-Meier survival by the furthest stage a relationship reached."""
    results = as_results(source)
    table = durations(results)
    if table is None or "furthest_stage" not in table.columns:
        return None
    figure, ax = new_figure("How long relationships last, by the furthest stage reached")
    stages = stages_of(results)
    for stage in stages[1:]:
        rows = table[table["furthest_stage"] == stage]
        if len(rows):
            curve = stats.kaplan_meier(rows["duration"], rows["censored"])
            draw_survival(ax, curve, stage_colour(stage, stages),
                           f"{stage_label(stage)} (n = {len(rows):,})")
    survival_axes(ax, time_unit(results), float(table["duration"].max()))
    legend_below(ax, "furthest stage reached (band: 95% confidence)", ncols=3)
    return figure


def hazard_bin_width(top: float, unit: str = "weeks") -> float:
    """A readable age-bin width for a hazard table over ages up to ``top``."""
    if unit != "weeks":
        return max(1.0, float(np.ceil(top / 15)))
    for width in (4.0, 13.0, 26.0, 52.0, 104.0):
        if top / width <= 15:
            return width
    return 260.0


def plot_hazard(source: Source) -> Figure | None:
    """Termination hazard by relationship age (life table), with 95% intervals."""
    results = as_results(source)
    table = durations(results)
    if table is None or not len(table) or table["censored"].all():
        return None
    unit = time_unit(results)
    top = float(table["duration"].max())
    width = hazard_bin_width(top, unit)
    hazard = stats.life_table_hazard(table["duration"], table["censored"], width)
    hazard = hazard[hazard["at_risk"] >= 10]
    if hazard.empty:
        return None
    per = WEEKS_PER_YEAR if unit == "weeks" else 1.0
    figure, ax = new_figure("When customers are lost: hazard by age" if unit == "periods"
                            else "When relationships end: hazard by age")
    middle = (hazard["age_from"] + hazard["age_to"]) / 2
    rate = hazard["hazard"] * per
    error = np.nan_to_num(np.vstack([rate - hazard["low"] * per, hazard["high"] * per - rate]))
    edges = np.append(hazard["age_from"].to_numpy(), hazard["age_to"].iloc[-1])
    ax.stairs(rate.to_numpy(), edges, color=OKABE_ITO[0], linewidth=2.5, baseline=None,
              label="hazard in each age bin")
    ax.errorbar(middle, rate, yerr=error, fmt="none", ecolor=OKABE_ITO[0], capsize=4,
                linewidth=1.5, label="95% interval")
    ax.set_xlabel(f"{'customer' if unit == 'periods' else 'relationship'} age "
                  f"({unit}; bins of {width:g})")
    ax.set_ylabel("endings per relationship-year" if unit == "weeks"
                  else "endings per customer-period")
    ax.set_xlim(0, float(hazard["age_to"].max()))
    year_ticks(ax, float(hazard["age_to"].max()), unit)
    ax.set_ylim(bottom=0)
    positive = rate[rate > 0]
    if len(positive) and positive.max() > 100 * positive.min():
        # hazards spanning orders of magnitude: a log scale keeps the later ages readable
        ax.set_yscale("log")
        ax.set_ylabel(ax.get_ylabel() + " (log scale)")
    legend_below(ax, None)
    ax.grid(axis="x", visible=False)
    return figure
