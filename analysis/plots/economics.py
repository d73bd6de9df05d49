"""Figures of what relationships are worth: outcomes per replication, forecast calibration,
customer value."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from analysis import stats, tables
from analysis.bundle import (
    Source,
    as_results,
    has_columns,
    stages_of,
)
from analysis.metrics import metric_info, money_label, replication_metrics
from analysis.plots.style import (
    BAND_ALPHA,
    OKABE_ITO,
    legend_below,
    money_axis,
    new_figure,
    panel_title,
)
from sim.units import counted

OUTCOME_PANELS = ("portfolio_npv", "pair_npv", "mean_duration", "lost_to_competitors")


def plot_outcomes(source: Source) -> Figure | None:
    """Distributions across replications of portfolio NPV, pair NPV, duration and losses."""
    results = as_results(source)
    metrics = replication_metrics(results)
    panels = [name for name in OUTCOME_PANELS if name in metrics.columns]
    if not panels:
        return None
    figure, axes = new_figure(f"Outcomes across {counted(len(metrics), 'replication')}",
                              ncols=2, nrows=2)
    for ax, name in zip(axes, panels, strict=False):
        info = metric_info(name)
        values = metrics[name].dropna().to_numpy()
        mean = values.mean() if values.size else np.nan
        low, high = stats.bootstrap_interval(values)
        if np.isfinite(low):
            ax.axvspan(low, high, color=OKABE_ITO[3], alpha=BAND_ALPHA, linewidth=0,
                       label="95% interval of the mean")
        ax.hist(values, bins=min(20, max(5, values.size // 2)), color=OKABE_ITO[0],
                edgecolor="white", label="replications (count)")
        ax.axvline(mean, color=OKABE_ITO[3], label="mean")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        panel_title(ax, info.label, width=45)
        ax.set_xlabel(money_label(results, info.unit))
        ax.set_ylabel("replications")
        if info.unit.startswith("money"):
            money_axis(ax.xaxis)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels))
    return figure


def plot_calibration(source: Source) -> Figure | None:
    """Forecast NPV against realised NPV of ended relationships, in ten forecast bins."""
    results = as_results(source)
    result = tables.calibration(results.pairs, stages_of(results))
    if result is None:
        return None
    table, summary = result
    figure, ax = new_figure("Are NPV forecasts right? Forecast against realised value")
    error = np.nan_to_num(np.vstack([table["realised"] - table["low"],
                                     table["high"] - table["realised"]]))
    ax.errorbar(table["forecast"], table["realised"], yerr=error, fmt="o", markersize=7,
                capsize=4, color=OKABE_ITO[0],
                label="mean of each tenth of forecasts (95% interval), "
                      f"{counted(summary['pairs'], 'pair', spec=',')}")
    ends = np.array([min(table["forecast"].min(), table["realised"].min()),
                     max(table["forecast"].max(), table["realised"].max())])
    ax.plot(ends, ends, color="0.4", linestyle="--", linewidth=1.5,
            label="perfect forecast (realised = forecast)")
    ax.set_xlabel("forecast net present value (money per pair)")
    ax.set_ylabel("realised net present value (money per pair)")
    money_axis(ax.xaxis)
    money_axis(ax.yaxis)
    legend_below(ax, None)
    ax.annotate(f"forecast minus realised: {summary['bias']:+,.0f} per pair on average; "
                f"slope of realised on forecast: {summary['slope']:.2f} (1 = calibrated)",
                (0.98, 0.04), xycoords="axes fraction", ha="right", fontsize=11)
    return figure



def plot_value_distribution(source: Source) -> Figure | None:
    """Distribution of customer value (Markov model), with its mean and the closed form."""
    results = as_results(source)
    if not has_columns(results.pairs, "value"):
        return None
    values = results.pairs["value"].to_numpy(dtype=float)
    figure, ax = new_figure("Customer value: what one customer is worth")
    ax.hist(values, bins=40, color=OKABE_ITO[0], alpha=0.8, label="customers")
    ax.axvline(values.mean(), color=OKABE_ITO[3], label=f"simulated mean {values.mean():,.1f}")
    analytic = results.summary().get("analytic_value")
    if isinstance(analytic, int | float):
        ax.axvline(analytic, color="0.1", linestyle="--", linewidth=1.5,
                   label=f"closed form {analytic:,.1f}")
    ax.set_xlabel("discounted value (money per customer)")
    ax.set_ylabel("customers")
    money_axis(ax.xaxis)
    legend_below(ax, None)
    return figure
