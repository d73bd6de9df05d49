"""Figures of sensitivity studies and scenario discovery, in the report style of dyadsim.

- :func:`plot_morris`: mu* against sigma, one labelled point per parameter,
  whiskers for both intervals.
- :func:`plot_sobol`: first-order and total indices as bars with intervals.
- :func:`plot_peeling`: PRIM's peeling trajectory, coverage against density.

Parameters are labelled with their plain names, never their scenario paths.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import plots
from explore.indices import ranking

__all__ = ["metric_label", "plot_morris", "plot_peeling", "plot_sobol"]


def metric_label(metric: str) -> tuple[str, str]:
    """A metric's label and unit (a test function's output is its own label)."""
    from analysis.metrics import metric_info

    try:
        info = metric_info(metric)
    except KeyError:
        return metric, ""
    return info.label, info.unit


def plot_morris(indices: pd.DataFrame, metric: str) -> Figure | None:
    """Morris screening of ``metric``: mean absolute effect (mu*) against its spread (sigma).

    Far right: the parameter moves the metric a lot. High up: its effect
    depends on where the other parameters are (interactions) or is not
    linear. Near the origin: negligible. Whiskers are the bootstrap intervals.
    """
    table = ranking(indices, metric, "morris")
    if table.empty:
        return None
    label, unit = metric_label(metric)
    figure, ax = plots.new_figure(f"What moves {label}: Morris screening")
    x, y = table["mu_star"].to_numpy(), table["sigma"].to_numpy()
    ax.errorbar(x, y, xerr=table["mu_star_conf"].to_numpy(), yerr=table["sigma_conf"].to_numpy(),
                fmt="o", color=plots.OKABE_ITO[0], ecolor="#999999", capsize=3, markersize=8)
    rest = _label_points(ax, table["name"].tolist(), x, y)
    top = float(np.nanmax(np.concatenate([x + table["mu_star_conf"], y + table["sigma_conf"]])))
    top = top * 1.1 if np.isfinite(top) and top > 0 else 1.0
    ax.plot([0, top], [0, top], linestyle="--", color="#777777", linewidth=1.2,
            label="sigma = mu*: above it, interactions or curvature dominate")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    suffix = f" ({unit})" if unit else ""
    ax.set_xlabel(f"mu*: mean absolute effect on {label}{suffix}")
    ax.set_ylabel(f"sigma: spread of the effects{suffix}")
    note = textwrap.fill("smaller mu*: " + ", ".join(rest), 110) if rest else ""
    plots.legend_below(ax, note, ncols=1)
    return figure


LABELLED = 5
"""Morris points named beside the marker; the rest, close to the origin, in a note."""


def _label_points(ax, names: list[str], x: np.ndarray, y: np.ndarray) -> list[str]:
    """Name the most influential points; return the others (for one note under the plot)."""
    order = np.argsort(-x, kind="stable")
    span_x = float(np.nanmax(x)) or 1.0
    span_y = float(np.nanmax(np.concatenate([x, y]))) or 1.0
    placed: list[tuple[float, float]] = []
    for i in order[:LABELLED]:
        # a label close to one already placed (its text runs about a third of the width)
        # goes below its point instead of above it
        near = sum(abs(x[i] - px) < 0.35 * span_x and abs(y[i] - py) < 0.06 * span_y
                   for px, py in placed)
        ax.annotate(names[i], (x[i], y[i]), xytext=(6, 6 - 16 * near),
                    textcoords="offset points", fontsize=11)
        placed.append((x[i], y[i]))
    return [names[i] for i in order[LABELLED:]]


def plot_sobol(indices: pd.DataFrame, metric: str) -> Figure | None:
    """Sobol' indices of ``metric``: first-order (S1) and total (ST) bars with intervals.

    S1 is the share of the metric's variance a parameter explains alone; ST
    adds every interaction it takes part in. ST - S1 large: the parameter acts
    through interactions. ST near 0: it can be fixed anywhere in its range.
    """
    table = ranking(indices, metric, "sobol")
    if table.empty:
        return None
    label, _ = metric_label(metric)
    figure, ax = plots.new_figure(f"Where the variance of {label} comes from: Sobol' indices")
    table = table.iloc[::-1]
    y = np.arange(len(table))
    height = 0.38
    for offset, index, colour, name in ((height / 2, "ST", plots.OKABE_ITO[0], "total (ST)"),
                                        (-height / 2, "S1", plots.OKABE_ITO[1],
                                         "first-order (S1)")):
        ax.barh(y + offset, table[index], height=height, color=colour, label=name,
                xerr=table[f"{index}_conf"], capsize=3, ecolor="#555555")
    ax.set_yticks(y, table["name"])
    ax.set_xlabel(f"share of the variance of {label}")
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_xlim(min(0.0, float(np.nanmin(table["S1"] - table["S1_conf"]))) - 0.02,
                max(1.0, float(np.nanmax(table["ST"] + table["ST_conf"]))))
    plots.legend_below(ax, "whiskers: confidence intervals (bootstrap)")
    return figure


def plot_peeling(trajectory: pd.DataFrame, chosen: int, condition: str) -> Figure:
    """PRIM's peeling trajectory of the first box: each step trades coverage for density.

    Each point is a candidate box; colour gives how many parameters it
    restricts. Up and to the right is better; the ringed point is the box
    reported.
    """
    figure, ax = plots.new_figure(f"Boxes where {condition}: PRIM's peeling trajectory")
    dims = trajectory["res_dim"].to_numpy(dtype=int)
    for count in sorted(set(dims)):
        rows = trajectory[dims == count]
        ax.scatter(rows["coverage"], rows["density"], s=40,
                   color=plots.OKABE_ITO[count % len(plots.OKABE_ITO)],
                   label=f"{count} restricted")
    pick = trajectory.iloc[chosen]
    ax.scatter([pick["coverage"]], [pick["density"]], s=220, facecolors="none",
               edgecolors="#000000", linewidths=2, label="reported box")
    ax.set_xlabel("coverage: share of all cases of interest inside the box")
    ax.set_ylabel("density: share of the box that are cases of interest")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    plots.legend_below(ax, "parameters restricted", ncols=min(6, len(set(dims)) + 1))
    return figure
