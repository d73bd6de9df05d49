"""Figures of how far relationships get: the funnel, stage occupancy, end reasons, attitudes."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from analysis import tables
from analysis.bundle import (
    Source,
    as_results,
    end_reasons_of,
    stages_of,
)
from analysis.plots.style import (
    BAND_ALPHA,
    OKABE_ITO,
    legend_below,
    new_figure,
    reason_colour,
    stage_colour,
    stage_label,
    time_unit,
    year_ticks,
)


def plot_funnel(source: Source) -> Figure | None:
    """Share of pairs that reach each stage, with 95% intervals across replications."""
    results = as_results(source)
    stages = stages_of(results)
    table = tables.funnel(results.pairs, stages)
    if table is None:
        return None
    figure, ax = new_figure("How far relationships get")
    table = table.iloc[::-1]
    share = table["share"].to_numpy() * 100
    error = np.vstack([share - table["low"] * 100, table["high"] * 100 - share])
    colours = [stage_colour(s, stages) for s in table["stage"]]
    ax.barh([stage_label(s) for s in table["stage"]], share, color=colours,
            xerr=np.nan_to_num(error), capsize=4, label="mean over replications")
    for y, value in enumerate(share):
        ax.annotate(f"{value:.1f}%", (value, y), xytext=(8, 6), textcoords="offset points",
                    fontsize=11)
    ax.set_xlim(0, 110)
    ax.xaxis.set_major_formatter(PercentFormatter())
    ax.set_xlabel("pairs that reach the stage (% of all pairs that met)")
    ax.set_ylabel("stage")
    ax.annotate("bar: mean over replications; whisker: 95% interval", (0.99, 0.02),
                xycoords="axes fraction", ha="right", fontsize=11, color="0.3")
    ax.grid(axis="y", visible=False)
    return figure


def plot_occupancy(source: Source) -> Figure | None:
    """Relationships in each stage (or customers in each state) over time: median and band."""
    results = as_results(source)
    stages = stages_of(results)
    table = tables.occupancy(results.timeseries, stages)
    if table is None:
        return None
    unit = time_unit(results)
    markov = unit == "periods"
    title = "Customers in each state over time" if markov else "Relationships in each stage"
    figure, ax = new_figure(title)
    order = [s for s in stages if s in set(table["series"])]
    order += [s for s in table["series"].unique() if s not in order]
    for index, series in enumerate(order):
        rows = table[table["series"] == series]
        colour = (stage_colour(series, stages) if series in stages
                  else OKABE_ITO[index % len(OKABE_ITO)])
        ax.plot(rows["time"], rows["median"], color=colour, label=stage_label(series))
        ax.fill_between(rows["time"], rows["low"], rows["high"], color=colour,
                        alpha=BAND_ALPHA, linewidth=0)
    ax.set_xlabel(f"time ({unit})")
    ax.set_ylabel("customers per replication" if markov else "pairs per replication")
    year_ticks(ax, float(table["time"].max()), unit)
    ax.set_ylim(bottom=0)
    legend_below(ax, "line: median over replications; band: middle 80% of replications")
    return figure


def plot_end_reasons(source: Source) -> Figure | None:
    """Why relationships ended, in each stage (ended pairs per replication)."""
    results = as_results(source)
    reasons = end_reasons_of(results)
    table = tables.end_reasons(results.pairs, stages_of(results))
    if table is None or table.to_numpy().sum() == 0:
        return None
    replications = max(1, results.pairs["replication"].nunique()
                       if "replication" in results.pairs.columns else 1)
    table = table / replications
    figure, ax = new_figure("Why relationships end, by stage")
    labels = [stage_label(s) for s in table.index][::-1]
    left = np.zeros(len(table))
    for index, reason in enumerate(table.columns):
        values = table[reason].to_numpy()[::-1]
        colour = reason_colour(reason, reasons, fallback=index)
        ax.barh(labels, values, left=left, color=colour, label=reason.replace("_", " "))
        left += values
    for y, total in enumerate(left):
        # the total beside each bar, so a stage with few endings still reads as a number
        ax.annotate(f"{total:,.1f}", (total, y), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=11)
    ax.margins(x=0.08)
    ax.set_xlabel("relationships ended per replication")
    ax.set_ylabel("stage in which it ended")
    legend_below(ax, "reason", ncols=4)
    ax.grid(axis="y", visible=False)
    return figure


def plot_attitudes(source: Source) -> Figure | None:
    """Mean trust, commitment and satisfaction in each stage, with 95% intervals."""
    results = as_results(source)
    table = tables.stage_attitudes(results.timeseries, results.pairs, stages_of(results))
    if table is None:
        return None
    figure, ax = new_figure("Trust, commitment and satisfaction by stage")
    stages = [s for s in stages_of(results) if s in set(table["stage"])]
    variables = list(dict.fromkeys(table["variable"]))
    width = 0.8 / len(variables)
    for index, variable in enumerate(variables):
        rows = table[table["variable"] == variable].set_index("stage").reindex(stages)
        x = np.arange(len(stages)) + (index - (len(variables) - 1) / 2) * width
        mean = rows["mean"].to_numpy()
        error = np.nan_to_num(np.vstack([mean - rows["low"], rows["high"] - mean]))
        ax.bar(x, mean, width, yerr=error, capsize=3, label=variable,
               color=OKABE_ITO[index])
    ax.set_xticks(np.arange(len(stages)), [stage_label(s) for s in stages])
    ax.set_xlabel("stage")
    ax.set_ylabel("mean level (scale 0 to 1)")
    ax.set_ylim(0, 1.05)
    legend_below(ax, "", ncols=len(variables))
    ax.grid(axis="x", visible=False)
    return figure
