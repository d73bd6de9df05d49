"""Figures of a run, each ready to put on a slide.

Every function takes :class:`~sim.results.Results` (or a bundle path) and
returns a :class:`matplotlib.figure.Figure`, or None when the bundle lacks the
columns the figure needs. Figures are made without pyplot (no global state, no
display needed) in one style: 16:9, large type, a title that says what the
figure shows, axis labels with units, and the Okabe-Ito palette, which stays
distinguishable for colour-blind readers. :func:`figures` gives every figure a
bundle supports with a sentence on how to read it; :func:`save` writes a PNG.
"""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from analysis import stats, tables
from analysis.bundle import (
    REASONS,
    STAGES,
    WEEKS_PER_YEAR,
    Source,
    as_results,
    durations,
    has_columns,
    model_of,
)
from analysis.metrics import metric_info, replication_metrics
from sim.results import Results

__all__ = [
    "DPI",
    "OKABE_ITO",
    "Plot",
    "figure_title",
    "figures",
    "new_figure",
    "plot_attitudes",
    "plot_calibration",
    "plot_end_reasons",
    "plot_funnel",
    "plot_hazard",
    "plot_market_share",
    "plot_occupancy",
    "plot_outcomes",
    "plot_survival",
    "plot_survival_by_stage",
    "plot_value_distribution",
    "save",
    "save_to",
]

log = logging.getLogger(__name__)

DPI = 150
"""Resolution of saved figures (dots per inch)."""

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
             "#000000")
"""Okabe & Ito's colour-blind-safe palette: blue, orange, green, vermillion, purple,
sky blue, yellow, black."""

STAGE_COLOURS = dict(zip(STAGES, ("#56B4E9", "#E69F00", "#009E73", "#0072B2", "#CC79A7"),
                         strict=True))
REASON_COLOURS = dict(zip(REASONS, ("#E69F00", "#D55E00", "#CC79A7", "#0072B2", "#009E73",
                                    "#56B4E9", "#F0E442"), strict=True))
STAGE_LABELS = {"pre": "pre-relationship", "early": "early", "development": "development",
                "long_term": "long-term", "final": "final"}

STYLE = {
    "font.size": 12,
    "axes.titlesize": 16,
    "axes.titleweight": "bold",
    "axes.labelsize": 13,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
    "lines.linewidth": 2.2,
    "figure.facecolor": "white",
}
SIZE = (10.0, 5.625)
"""Figure size (inches): 16:9, 1500 x 844 pixels at :data:`DPI`."""

BAND_ALPHA = 0.2


@dataclass
class Plot:
    """A figure with its file stem, title and a sentence on how to read it."""

    name: str
    figure: Figure
    caption: str

    @property
    def title(self) -> str:
        return figure_title(self.figure)


def figure_title(figure: Figure) -> str:
    """The title of ``figure`` (its own, or its first axes' left-hand title)."""
    if figure.get_suptitle():
        return figure.get_suptitle()
    return figure.axes[0].get_title(loc="left") if figure.axes else ""


@contextmanager
def _style() -> Iterator[None]:
    with mpl.rc_context(STYLE):
        yield


def new_figure(title: str, ncols: int = 1, nrows: int = 1, panels: bool = False):
    """A figure in the report style with ``nrows`` x ``ncols`` axes and a title.

    A single axes carries ``title`` and is returned alone. With several axes,
    or ``panels`` (each axes will get its own title), ``title`` is the
    figure's and the axes come as a flat array.
    """
    panels = panels or nrows * ncols > 1
    with _style():
        figure = Figure(figsize=SIZE, layout="constrained")
        axes = figure.subplots(nrows, ncols, squeeze=False)
        if panels:
            figure.suptitle(title, x=0.01, ha="left", fontsize=16, fontweight="bold")
            return figure, axes.ravel()
        axes[0, 0].set_title(title, loc="left")
    return figure, axes[0, 0]


def save(figure: Figure, path: str | Path) -> Path:
    """Write ``figure`` as a PNG at :data:`DPI` and return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_to(figure, path)
    return path


def save_to(figure: Figure, file) -> None:
    """Write ``figure`` as a PNG at :data:`DPI` to a path or binary file object."""
    with _style():
        figure.savefig(file, dpi=DPI, format="png")


def time_unit(results: Results) -> str:
    """The unit of time on the run's axes: ``weeks``, ``periods`` (Markov) or ``days``."""
    if model_of(results) == "markov":
        return "periods"
    series = results.timeseries
    if series is not None and "day" in series.columns and "time" not in series.columns:
        return "days"
    return "weeks"


def money_axis(axis) -> None:
    """Label an axis with money in thousands-separated whole units."""
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))


def _year_ticks(ax, top: float, unit: str) -> None:
    """Ticks every year (or two, five) on a weeks axis, labelled in weeks."""
    if unit != "weeks" or not np.isfinite(top) or top < 2 * WEEKS_PER_YEAR:
        return
    years = max(1, int(np.ceil(top / WEEKS_PER_YEAR / 10)))
    step = WEEKS_PER_YEAR * (years if years in (1, 2) else 5 * int(np.ceil(years / 5)))
    ax.set_xticks(np.arange(0, top + 1, step))


def legend_below(ax, title: str, ncols: int | None = None) -> None:
    """A horizontal legend under the axes, so the plot keeps the slide's full width."""
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles, labels, title=title, loc="upper center", bbox_to_anchor=(0.5, -0.16),
              ncols=ncols or len(labels))


def panel_title(ax, text: str, width: int = 32) -> None:
    """Title of one panel among several, wrapped so neighbouring titles never collide."""
    ax.set_title(textwrap.fill(text, width), fontsize=12, loc="left")


def stage_label(stage: str) -> str:
    """A stage's name as people write it (``long_term`` is ``long-term``)."""
    return STAGE_LABELS.get(stage, stage.replace("_", " "))


# ---------------------------------------------------------------- stages


def plot_funnel(source: Source) -> Figure | None:
    """Share of pairs that reach each stage, with 95% intervals across replications."""
    results = as_results(source)
    table = tables.funnel(results.pairs)
    if table is None:
        return None
    figure, ax = new_figure("How far relationships get")
    table = table.iloc[::-1]
    share = table["share"].to_numpy() * 100
    error = np.vstack([share - table["low"] * 100, table["high"] * 100 - share])
    colours = [STAGE_COLOURS[s] for s in table["stage"]]
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
    table = tables.occupancy(results.timeseries)
    if table is None:
        return None
    unit = time_unit(results)
    markov = unit == "periods"
    title = "Customers in each state over time" if markov else "Relationships in each stage"
    figure, ax = new_figure(title)
    order = [s for s in STAGES if s in set(table["series"])]
    order += [s for s in table["series"].unique() if s not in order]
    for index, series in enumerate(order):
        rows = table[table["series"] == series]
        colour = STAGE_COLOURS.get(series, OKABE_ITO[index % len(OKABE_ITO)])
        ax.plot(rows["time"], rows["median"], color=colour, label=stage_label(series))
        ax.fill_between(rows["time"], rows["low"], rows["high"], color=colour,
                        alpha=BAND_ALPHA, linewidth=0)
    ax.set_xlabel(f"time ({unit})")
    ax.set_ylabel("customers per replication" if markov else "pairs per replication")
    _year_ticks(ax, float(table["time"].max()), unit)
    ax.set_ylim(bottom=0)
    legend_below(ax, "line: median over replications; band: middle 80% of replications")
    return figure


def plot_end_reasons(source: Source) -> Figure | None:
    """Why relationships ended, in each stage (ended pairs per replication)."""
    results = as_results(source)
    table = tables.end_reasons(results.pairs)
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
        colour = REASON_COLOURS.get(reason, OKABE_ITO[index % len(OKABE_ITO)])
        ax.barh(labels, values, left=left, color=colour, label=reason.replace("_", " "))
        left += values
    ax.set_xlabel("relationships ended per replication")
    ax.set_ylabel("stage in which it ended")
    legend_below(ax, "reason", ncols=4)
    ax.grid(axis="y", visible=False)
    return figure


def plot_attitudes(source: Source) -> Figure | None:
    """Mean trust, commitment and satisfaction in each stage, with 95% intervals."""
    results = as_results(source)
    table = tables.stage_attitudes(results.timeseries, results.pairs)
    if table is None:
        return None
    figure, ax = new_figure("Trust, commitment and satisfaction by stage")
    stages = [s for s in STAGES if s in set(table["stage"])]
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
    ax.legend(loc="upper left", ncols=len(variables))
    ax.grid(axis="x", visible=False)
    return figure


# ---------------------------------------------------------------- survival


def survival_axes(ax, unit: str, top: float) -> None:
    """Axes of a survival curve: age in ``unit`` up to ``top``, share still active."""
    ax.set_xlabel(f"{'customer' if unit == 'periods' else 'relationship'} age ({unit})")
    ax.set_ylabel("still a customer (%)" if unit == "periods" else "still active (%)")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, top)
    _year_ticks(ax, top, unit)


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
    ax.legend(loc="upper right")
    return figure


def plot_survival_by_stage(source: Source) -> Figure | None:
    """Kaplan-Meier survival by the furthest stage a relationship reached."""
    results = as_results(source)
    table = durations(results)
    if table is None or "furthest_stage" not in table.columns:
        return None
    figure, ax = new_figure("How long relationships last, by the furthest stage reached")
    for stage in STAGES[1:]:
        rows = table[table["furthest_stage"] == stage]
        if len(rows):
            curve = stats.kaplan_meier(rows["duration"], rows["censored"])
            draw_survival(ax, curve, STAGE_COLOURS[stage],
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
    _year_ticks(ax, float(hazard["age_to"].max()), unit)
    ax.set_ylim(bottom=0)
    positive = rate[rate > 0]
    if len(positive) and positive.max() > 100 * positive.min():
        # hazards spanning orders of magnitude: a log scale keeps the later ages readable
        ax.set_yscale("log")
        ax.set_ylabel(ax.get_ylabel() + " (log scale)")
    ax.legend(loc="upper right")
    ax.grid(axis="x", visible=False)
    return figure


# ---------------------------------------------------------------- outcomes


OUTCOME_PANELS = ("portfolio_npv", "pair_npv", "mean_duration", "lost_to_competitors")


def plot_outcomes(source: Source) -> Figure | None:
    """Distributions across replications of portfolio NPV, pair NPV, duration and losses."""
    results = as_results(source)
    metrics = replication_metrics(results)
    panels = [name for name in OUTCOME_PANELS if name in metrics.columns]
    if not panels:
        return None
    figure, axes = new_figure(f"Outcomes across {len(metrics)} replications",
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
        ax.set_xlabel(info.unit)
        ax.set_ylabel("replications")
        if info.unit.startswith("money"):
            money_axis(ax.xaxis)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="upper right", ncols=len(labels))
    return figure


def plot_calibration(source: Source) -> Figure | None:
    """Forecast NPV against realised NPV of ended relationships, in ten forecast bins."""
    results = as_results(source)
    result = tables.calibration(results.pairs)
    if result is None:
        return None
    table, summary = result
    figure, ax = new_figure("Are NPV forecasts right? Forecast against realised value")
    error = np.nan_to_num(np.vstack([table["realised"] - table["low"],
                                     table["high"] - table["realised"]]))
    ax.errorbar(table["forecast"], table["realised"], yerr=error, fmt="o", markersize=7,
                capsize=4, color=OKABE_ITO[0],
                label=f"mean of each tenth of forecasts (95% interval), {summary['pairs']:,} pairs")
    ends = np.array([min(table["forecast"].min(), table["realised"].min()),
                     max(table["forecast"].max(), table["realised"].max())])
    ax.plot(ends, ends, color="0.4", linestyle="--", linewidth=1.5,
            label="perfect forecast (realised = forecast)")
    ax.set_xlabel("forecast net present value (money per pair)")
    ax.set_ylabel("realised net present value (money per pair)")
    money_axis(ax.xaxis)
    money_axis(ax.yaxis)
    ax.legend(loc="upper left")
    ax.annotate(f"forecast minus realised: {summary['bias']:+,.0f} per pair on average; "
                f"slope of realised on forecast: {summary['slope']:.2f} (1 = calibrated)",
                (0.98, 0.04), xycoords="axes fraction", ha="right", fontsize=11)
    return figure


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
    unit = time_unit(results)
    figure, ax = new_figure(title)
    for index, series in enumerate(labels):
        rows = table[table["series"] == series]
        if rows.empty:
            continue
        colour = OKABE_ITO[index % 7] if series != "outside" else OKABE_ITO[-1]
        ax.plot(rows["time"], rows["median"] * 100, color=colour, label=labels[series])
        ax.fill_between(rows["time"], rows["low"] * 100, rows["high"] * 100, color=colour,
                        alpha=BAND_ALPHA, linewidth=0)
    ax.set_xlabel(f"time ({unit})")
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(PercentFormatter())
    ax.set_ylim(0, 102)
    _year_ticks(ax, float(table["time"].max()), unit)
    legend_below(ax, "line: median over replications; band: middle 80% of replications")
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
    ax.legend(loc="upper right")
    return figure


# ---------------------------------------------------------------- all figures


CAPTIONS: dict[str, tuple[Callable[[Results], Figure | None], str]] = {
    "funnel": (plot_funnel,
               "Each bar is the share of all pairs that met and got at least as far as that "
               "stage; whiskers are 95% intervals across replications."),
    "survival": (plot_survival,
                 "The line is the share of relationships (pairs that got past the "
                 "pre-relationship stage) still active at each age, Kaplan-Meier with pairs "
                 "active at the horizon censored; the band is 95%."),
    "survival_by_stage": (plot_survival_by_stage,
                          "One curve per furthest stage reached: relationships that got further "
                          "last longer partly because they had to live long enough to get there."),
    "hazard": (plot_hazard,
               "Each step is how often relationships of that age end, per year at risk; a "
               "falling profile means relationships that survive their youth become safer."),
    "occupancy": (plot_occupancy,
                  "Lines are the median number of pairs in each stage at each time across "
                  "replications; bands hold the middle 80% of replications."),
    "outcomes": (plot_outcomes,
                 "Each histogram counts replications; the red line is their mean and the band "
                 "its 95% interval, the spread shows how much a single market can differ."),
    "end_reasons": (plot_end_reasons,
                    "Each bar splits the relationships that ended in a stage by reason; its "
                    "length is the average number per replication."),
    "attitudes": (plot_attitudes,
                  "Bars are the average trust, commitment and satisfaction of relationships in "
                  "each stage over the run, with 95% intervals across replications."),
    "calibration": (plot_calibration,
                    "Each point compares what suppliers forecast when they pursued a "
                    "relationship with what it delivered; points below the dashed line mean "
                    "they expected more than they got."),
    "market_share": (plot_market_share,
                     "Lines are the median share of buyers' spending that goes to incumbent and "
                     "entrant suppliers and to the outside option; bands hold the middle 80% of "
                     "replications."),
    "value": (plot_value_distribution,
              "The histogram shows how customer value varies; the simulated mean should sit on "
              "the closed-form value."),
}
"""Every figure, in report order, with the sentence that tells a reader how to read it."""


MARKOV_CAPTIONS = {
    "survival": "The line is the share of customers not yet lost (absorbed) after each number "
                "of periods (Kaplan-Meier); the band is 95%.",
    "hazard": "Each bar is the chance per period that a customer of that age is lost; a flat "
              "profile means age does not matter.",
    "occupancy": "Lines are the median number of customers in each state per period across "
                 "replications; bands hold the middle 80% of replications.",
}
"""Captions that read differently for customers of the Markov model."""


def figures(source: Source) -> list[Plot]:
    """Every figure the bundle's tables support, in report order.

    A figure that cannot be drawn (a missing column, an unexpected value) is
    logged and left out, so a report never fails for one figure.
    """
    results = as_results(source)
    drawn = []
    for name, (function, caption) in CAPTIONS.items():
        try:
            figure = function(results)
        except Exception:  # a report must not fail for one figure
            log.warning("figure %s left out", name, exc_info=True)
            continue
        if figure is not None:
            if model_of(results) == "markov":
                caption = MARKOV_CAPTIONS.get(name, caption)
            drawn.append(Plot(name, figure, caption))
    return drawn

