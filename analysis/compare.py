"""What changes between scenarios, and how sure we are.

Scenarios run with the same master seed use the same random numbers in
replication ``i`` (common random numbers), so their key metrics are compared
replication by replication: the noise both share cancels and the interval of
the difference is much narrower than the two intervals side by side. When the
bundles were run with different seeds the replications are compared as
independent samples instead. Every difference is the scenario's mean minus the
first (reference) scenario's mean, with a bootstrap 95% interval.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from analysis import plots, stats, tables
from analysis.bundle import (
    Source,
    as_results,
    durations,
    model_of,
    scenario_name,
    stages_of,
)
from analysis.metrics import labelled, metric_info, money_label, replication_metrics
from analysis.report import (
    HtmlTable,
    embed,
    format_interval,
    format_number,
    provenance,
    replications_done,
)
from analysis.templates import render
from sim.results import Results

__all__ = ["Comparison", "compare", "format_difference", "write_comparison"]

log = logging.getLogger(__name__)

DISTRIBUTION_PANELS = ("portfolio_npv", "pair_npv", "mean_duration",
                       "long_term_lost_to_competitors", "reached_long_term",
                       "satisfaction_long_term", "customer_value", "customer_lifetime")


@dataclass
class Comparison:
    """Scenarios side by side: their results, per-replication metrics and differences.

    ``differences`` has one row per metric and compared scenario: ``metric``,
    ``label``, ``unit``, ``scenario``, ``reference`` (the first scenario's
    mean), ``value`` (this scenario's mean), ``difference`` (value minus
    reference), ``low``, ``high`` (its bootstrap interval) and ``excludes_zero``.
    ``paired`` says whether replications were matched by common random numbers.
    """

    names: list[str]
    results: list[Results]
    metrics: list[pd.DataFrame]
    differences: pd.DataFrame
    paired: bool
    confidence: float = 0.95

    @property
    def reference(self) -> str:
        return self.names[0]


def unique_names(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def _common_random_numbers(results: Sequence[Results]) -> bool:
    seeds = {(r.manifest or {}).get("seed") for r in results}
    return len(seeds) == 1 and None not in seeds


def compare(sources: Sequence[Source], names: Sequence[str] | None = None,
            confidence: float = 0.95) -> Comparison:
    """Compare the key metrics of two or more runs against the first.

    ``sources`` are :class:`Results` or bundle paths; ``names`` label them
    (default: the scenario names, made unique). Metrics are those every run
    has. Replications are paired when all runs share a master seed.
    """
    if len(sources) < 2:
        raise ValueError("compare needs at least two scenarios or bundles")
    results = [as_results(source) for source in sources]
    names = unique_names(list(names) if names else [scenario_name(r) for r in results])
    tables = [replication_metrics(r) for r in results]
    common = [m for m in tables[0].columns if all(m in t.columns for t in tables[1:])
              and any(metric_info(m).applies(r) for r in results)]
    paired = _common_random_numbers(results)
    reference = tables[0]
    rows = []
    for name, table in zip(names[1:], tables[1:], strict=True):
        shared = reference.index.intersection(table.index)
        for metric in common:
            if paired:
                first, second = reference.loc[shared, metric], table.loc[shared, metric]
                # both means over the replications the paired difference uses
                both = first.notna() & second.notna()
                first, second = first[both], second[both]
            else:
                first, second = reference[metric], table[metric]
            difference, low, high = stats.bootstrap_difference(first, second, confidence,
                                                               paired=paired)
            label, unit = labelled(metric_info(metric), results[0])
            rows.append({
                "metric": metric, "label": label, "unit": unit, "scenario": name,
                "reference": float(np.nanmean(first)) if len(first) else np.nan,
                "value": float(np.nanmean(second)) if len(second) else np.nan,
                "difference": difference, "low": low, "high": high,
                "excludes_zero": bool(np.isfinite(low) and (low > 0 or high < 0)),
            })
    return Comparison(names, results, tables, pd.DataFrame(rows), paired, confidence)


def format_difference(value: float, unit: str) -> str:
    """A signed difference: ``+1.2 pp`` for percentages, ``-1,234`` otherwise."""
    if unit.startswith("%"):  # "%" or "% of <denominator>"
        return format_number(value, "pp")
    text = format_number(value, unit)
    return text if text.startswith(("-", "+")) or text == "-" else f"+{text}"


def difference_rows(comparison: Comparison) -> tuple[list[str], list[list[str]]]:
    """Headings and formatted rows of the comparison table (terminal and HTML).

    Columns: metric, unit, the reference's mean, the scenario's mean,
    difference (percentage points, ``pp``, for percentages), its interval, and
    ``*`` where the interval excludes 0. With more than two scenarios a
    ``scenario`` column says which one each row compares.
    """
    several = len(comparison.names) > 2
    headings = ["metric", "unit", comparison.reference,
                "value" if several else comparison.names[1],
                "difference", f"{comparison.confidence:.0%} interval", ""]
    if several:
        headings.insert(3, "scenario")
    rows = []
    for row in comparison.differences.itertuples():
        unit = row.unit
        interval = format_interval(row.low, row.high, "pp" if unit.startswith("%") else unit)
        cells = [row.label, unit, format_number(row.reference, unit),
                 format_number(row.value, unit), format_difference(row.difference, unit),
                 interval, "*" if row.excludes_zero else ""]
        if several:
            cells.insert(3, row.scenario)
        rows.append(cells)
    return headings, rows


# ---------------------------------------------------------------- figures


def plot_survival(comparison: Comparison) -> Figure | None:
    """Kaplan-Meier survival of each scenario's relationships, overlaid, with 95% bands."""
    curves = []
    for name, results in zip(comparison.names, comparison.results, strict=True):
        table = durations(results)
        if table is not None and len(table):
            curves.append((name, table, plots.time_unit(results)))
    if len(curves) < 2:
        return None
    figure, ax = plots.new_figure("How long relationships last, scenario by scenario")
    for index, (name, table, _) in enumerate(curves):
        curve = stats.kaplan_meier(table["duration"], table["censored"])
        plots.draw_survival(ax, curve, plots.OKABE_ITO[index % len(plots.OKABE_ITO)],
                             f"{name} (n = {len(table):,})")
    plots.survival_axes(ax, curves[0][2], max(float(t["duration"].max()) for _, t, _ in curves))
    plots.legend_below(ax, "scenario (band: 95% confidence)", ncols=min(4, len(curves)))
    return figure


def plot_funnel(comparison: Comparison) -> Figure | None:
    """Share of pairs reaching each stage in each scenario, with 95% intervals."""
    funnels = [(name, tables.funnel(r.pairs, stages_of(r))) for name, r in
               zip(comparison.names, comparison.results, strict=True)]
    funnels = [(name, t) for name, t in funnels if t is not None]
    if len(funnels) < 2:
        return None
    figure, ax = plots.new_figure("How far relationships get, scenario by scenario")
    stages = list(stages_of(comparison.results[0])[1:])
    width = 0.8 / len(funnels)
    for index, (name, table) in enumerate(funnels):
        rows = table.set_index("stage").reindex(stages)
        share = rows["share"].to_numpy() * 100
        error = np.nan_to_num(np.vstack([share - rows["low"] * 100, rows["high"] * 100 - share]))
        x = np.arange(len(stages)) + (index - (len(funnels) - 1) / 2) * width
        bars = ax.bar(x, share, width, yerr=error, capsize=3, label=name,
                      color=plots.OKABE_ITO[index % len(plots.OKABE_ITO)])
        # the share on each bar, so the later stages' small bars still read as numbers
        ax.bar_label(bars, [f"{v:.1f}%" for v in share], padding=2, fontsize=9)
    ax.set_xticks(np.arange(len(stages)), [plots.stage_label(s) for s in stages])
    ax.set_xlabel("stage")
    ax.set_ylabel("pairs that reach the stage (%)")
    ax.yaxis.set_major_formatter(PercentFormatter())
    ax.grid(axis="x", visible=False)
    plots.legend_below(ax, "scenario (whisker: 95% interval)", ncols=min(4, len(funnels)))
    return figure


def plot_distributions(comparison: Comparison) -> Figure | None:
    """Per-replication values of the main metrics, scenario beside scenario."""
    common = [m for m in DISTRIBUTION_PANELS if all(m in t.columns for t in comparison.metrics)]
    panels = common[:6]
    if not panels:
        return None
    ncols = min(3, len(panels))
    nrows = int(np.ceil(len(panels) / ncols))
    figure, axes = plots.new_figure("Outcomes of each replication, scenario beside scenario",
                                    ncols=ncols, nrows=nrows, panels=True)
    colours = [plots.OKABE_ITO[i % len(plots.OKABE_ITO)] for i in range(len(comparison.names))]
    for ax, metric in zip(axes, panels, strict=False):
        info = metric_info(metric)
        values = [t[metric].dropna().to_numpy() for t in comparison.metrics]
        parts = ax.boxplot(values, tick_labels=comparison.names, patch_artist=True, widths=0.5,
                           medianprops={"color": "black"}, showfliers=False)
        for patch, colour in zip(parts["boxes"], colours, strict=True):
            patch.set_facecolor(colour)
            patch.set_alpha(0.35)
        rng = np.random.default_rng(0)
        for position, (sample, colour) in enumerate(zip(values, colours, strict=True), 1):
            jitter = rng.uniform(-0.12, 0.12, sample.size)
            ax.scatter(position + jitter, sample, s=14, color=colour, zorder=3)
        plots.panel_title(ax, info.label)
        ax.set_ylabel(money_label(comparison.results[0], info.unit))
        ax.grid(axis="x", visible=False)
        if info.unit.startswith("money"):
            plots.money_axis(ax.yaxis)
        if len(comparison.names) > 2 or max(len(n) for n in comparison.names) > 12:
            ax.tick_params(axis="x", labelrotation=20)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    return figure


def plot_differences(comparison: Comparison) -> Figure | None:
    """Each metric's difference from the reference, as % of the reference, with intervals."""
    table = comparison.differences
    table = table[np.isfinite(table["reference"]) & (table["reference"] != 0)]
    if table.empty:
        return None
    scale = table["reference"].abs()
    relative = table.assign(difference=table["difference"] / scale * 100,
                            low=table["low"] / scale * 100, high=table["high"] / scale * 100)
    # rows are keyed by metric: two metrics may share a label (in different units)
    labels = relative.drop_duplicates("metric").set_index("metric")["label"]
    figure, ax = plots.new_figure(f"What changes against {comparison.reference}")
    others = list(dict.fromkeys(relative["scenario"]))
    step = 0.7 / max(1, len(others))
    for index, name in enumerate(others):
        rows = relative[relative["scenario"] == name].set_index("metric").reindex(labels.index)
        y = np.arange(len(labels))[::-1] + (index - (len(others) - 1) / 2) * step
        error = np.nan_to_num(np.vstack([rows["difference"] - rows["low"],
                                         rows["high"] - rows["difference"]]))
        ax.errorbar(rows["difference"], y, xerr=error, fmt="o", capsize=4, markersize=7,
                    color=plots.OKABE_ITO[(index + 1) % len(plots.OKABE_ITO)], label=name)
    ax.axvline(0, color="0.3", linewidth=1)
    ax.set_yticks(np.arange(len(labels))[::-1], list(labels))
    ax.set_xlabel(f"difference from {comparison.reference} (% of its mean; whisker: 95% interval)")
    ax.set_ylabel("key figure")
    ax.grid(axis="y", visible=False)
    plots.legend_below(ax, "scenario", ncols=min(4, len(others)))
    return figure


CAPTIONS = {
    "differences": (plot_differences,
                    "Each point is how much a key figure moves against the reference scenario, "
                    "as a share of the reference's value; a whisker that crosses 0 means the "
                    "runs cannot tell the scenarios apart."),
    "survival": (plot_survival,
                 "Curves are the share of relationships still active at each age in each "
                 "scenario (Kaplan-Meier); where bands do not overlap the scenarios differ."),
    "funnel": (plot_funnel,
               "Bars are the share of pairs that reach each stage in each scenario, with 95% "
               "intervals across replications."),
    "distributions": (plot_distributions,
                      "Each dot is one replication, boxes hold the middle half; with common "
                      "random numbers, the same replication in two scenarios met the same luck."),
}


def comparison_figures(comparison: Comparison) -> list[plots.Plot]:
    """Every comparison figure the runs support, each with a sentence on how to read it."""
    drawn = []
    for name, (function, caption) in CAPTIONS.items():
        try:
            figure = function(comparison)
        except Exception:  # a comparison report must not fail for one figure
            log.warning("comparison figure %s left out", name, exc_info=True)
            continue
        if figure is not None:
            drawn.append(plots.Plot(name, figure, caption))
    return drawn


def write_comparison(comparison: Comparison, out: str | Path) -> Path:
    """Write ``comparison.csv``, ``plots/*.png`` and ``compare.html`` into ``out``.

    Returns the path of ``compare.html``.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    comparison.differences.to_csv(folder / "comparison.csv", index=False)
    embedded = [embed(plot, folder / "plots") for plot in comparison_figures(comparison)]
    headings, rows = difference_rows(comparison)
    method = ("Replications are matched by common random numbers (same master seed), and "
              "intervals are paired bootstrap intervals of the mean difference."
              if comparison.paired else
              "The runs used different seeds, so replications are compared as independent "
              "samples (unpaired bootstrap).")
    scenarios = [{"name": name, "description": " ".join(str(
        (r.manifest or {}).get("scenario", {}).get("description", "")).split())}
        for name, r in zip(comparison.names, comparison.results, strict=True)]
    details = [("compared", ", ".join(comparison.names)),
               ("paired by common random numbers", "yes" if comparison.paired else "no")]
    for name, results in zip(comparison.names, comparison.results, strict=True):
        items = dict(provenance(results))
        details.append((name, f"seed {items['seed']}, {replications_done(results.manifest or {})}, "
                              f"{model_of(results) or 'unknown'} model, bundle {items['bundle']}"))
    html = render(
        "compare",
        title=f"Comparison: {' vs '.join(comparison.names)}",
        lead=f"Key figures of {', '.join(comparison.names[1:])} against {comparison.reference}.",
        scenarios=scenarios, reference=comparison.reference, method=method,
        differences=HtmlTable(headings, rows), plots=embedded, provenance=details,
    )
    page = folder / "compare.html"
    page.write_text(html, encoding="utf-8")
    return page
