"""Figures of the market as a whole: where buyers' spending goes over time."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from analysis import tables
from analysis.bundle import (
    Source,
    as_results,
)
from analysis.plots.style import (
    BAND_ALPHA,
    OKABE_ITO,
    legend_below,
    new_figure,
    time_unit,
    year_ticks,
)


def plot_market_share(source: Source) -> Figure | None:
    """Market share of incumbent and entrant suppliers over time: median and band.

    A model that records each seller's share (``share_<seller>``) gets one line
    per seller instead.
    """
    results = as_results(source)
    labels = {"incumbents": "incumbent suppliers", "entrants": "entrant suppliers",
              "outside": "outside option (other sources)"}
    table = tables.bands(results.timeseries, [f"share_{s}" for s in labels], prefix="share_")
    title, ylabel = "Market share of incumbents and entrants", "share of buyers' spending (%)"
    if table is None and results.timeseries is not None:
        sellers = [c for c in results.timeseries.columns if c.startswith("share_")]
        table = tables.bands(results.timeseries, sellers, prefix="share_")
        labels = {c.removeprefix("share_"): c.removeprefix("share_").replace("_", " ")
                  for c in sellers}
        title, ylabel = "Market share of each seller", "market share (%)"
    if table is None:
        return None
    # a series that is zero throughout (entrants in a market without entry) is left out
    shown = [s for s in labels if (table.loc[table["series"] == s, "high"] > 0).any()]
    if "entrants" in labels and "entrants" not in shown:
        title = "Market share of incumbents and the outside option"
    unit = time_unit(results)
    figure, ax = new_figure(title)
    for index, series in enumerate(labels):
        rows = table[table["series"] == series]
        if series not in shown:
            continue
        colour = OKABE_ITO[index % 7] if series != "outside" else OKABE_ITO[-1]
        ax.plot(rows["time"], rows["median"] * 100, color=colour, label=labels[series])
        ax.fill_between(rows["time"], rows["low"] * 100, rows["high"] * 100, color=colour,
                        alpha=BAND_ALPHA, linewidth=0)
    ax.set_xlabel(f"time ({unit})")
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(PercentFormatter())
    ax.set_ylim(0, 102)
    year_ticks(ax, float(table["time"].max()), unit)
    legend_below(ax, "line: median over replications; band: middle 80% of replications")
    return figure
