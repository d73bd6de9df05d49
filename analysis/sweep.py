"""Sweeps: how the key metrics respond when scenario values vary over a grid.

A sweep is given as ``path=v1,v2,...`` (listed values, in scenario-file
syntax) or ``path=start:stop:count`` (``count`` evenly spaced numbers from
``start`` to ``stop``), once per varied value; the grid is every combination.
Running the points is the runner's business; this module builds the grid and,
from the finished bundles, the index table and the response figures.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis import plots
from analysis.bundle import Source, as_results
from analysis.metrics import key_figures, metric_info
from analysis.report import HtmlTable, embed, format_interval, format_number
from analysis.templates import render
from sim.units import counted

__all__ = ["Point", "grid", "parse_vary", "response_figures", "sweep_table", "write_sweep"]

log = logging.getLogger(__name__)

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^\s*({_NUMBER})\s*:\s*({_NUMBER})\s*:\s*(\d+)\s*$")
_HALF_RANGE = re.compile(rf"^\s*{_NUMBER}\s*:\s*{_NUMBER}\s*:?\s*$")
RESPONSE_PANELS = ("reached_long_term", "mean_duration", "portfolio_npv", "pair_npv",
                   "long_term_lost_to_competitors", "satisfaction_long_term",
                   "reached_development", "customer_value", "customer_lifetime")
"""Key metrics shown in response figures, in order of interest (up to six per figure)."""


@dataclass
class Point:
    """One point of the grid: its number, the values set and (once run) its bundle.

    ``figures`` are the bundle's key figures as ``summary.json`` holds them
    (name -> value, low, high ...), when already computed at the sweep's
    confidence; otherwise :func:`sweep_table` computes them.
    """

    index: int
    settings: dict[str, str]
    bundle: Path | None = None
    figures: dict[str, dict] | None = None

    @property
    def name(self) -> str:
        return f"point-{self.index:03d}"

    @property
    def overrides(self) -> list[str]:
        """The settings as ``path=value`` overrides for ``sim.load_scenario``."""
        return [f"{path}={value}" for path, value in self.settings.items()]


def parse_vary(text: str) -> tuple[str, list[str]]:
    """Read ``path=v1,v2,...`` or ``path=start:stop:count`` into a path and its values.

    Values stay text in scenario-file syntax (``26w``, ``0.3``, ``[1, 2]``);
    a range gives numbers written compactly. Raises ValueError with a one-line
    message when the text cannot be read.
    """
    path, sep, values = text.partition("=")
    path, values = path.strip(), values.strip()
    if not sep or not path or not values:
        raise ValueError(f"--vary {text!r}: write path=v1,v2,... or path=start:stop:count")
    if _HALF_RANGE.match(values):
        raise ValueError(f"--vary {text!r}: a range needs start:stop:count, "
                         f"for example {path}={values.rstrip(': ')}:5")
    ranged = _RANGE.match(values)
    if ranged:
        start, stop, count = float(ranged[1]), float(ranged[2]), int(ranged[3])
        if count < 1:
            raise ValueError(f"--vary {text!r}: a range needs a count of at least 1")
        numbers = np.linspace(start, stop, count)
        integral = all(float(x).is_integer() for x in (start, stop)) and np.allclose(
            numbers, np.round(numbers))
        return path, [str(round(float(x))) if integral else f"{x:.6g}" for x in numbers]
    listed = _split_values(values)
    if not listed or any(not v for v in listed):
        raise ValueError(f"--vary {text!r}: empty value in the list")
    return path, listed


def _split_values(text: str) -> list[str]:
    """Split on commas that are not inside brackets or braces (``[1, 2]`` is one value)."""
    values, depth, current = [], 0, []
    for char in text:
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        if char == "," and depth == 0:
            values.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    values.append("".join(current).strip())
    return values


def grid(varies: Sequence[str]) -> list[Point]:
    """Every combination of the ``--vary`` values, in order (the last varies fastest)."""
    parsed = [parse_vary(text) for text in varies]
    paths = [path for path, _ in parsed]
    repeated = sorted({p for p in paths if paths.count(p) > 1})
    if repeated:
        raise ValueError(f"--vary given twice for {', '.join(repeated)}")
    combos = itertools.product(*(values for _, values in parsed))
    return [Point(index, dict(zip(paths, combo, strict=True)))
            for index, combo in enumerate(combos, 1)]


def sweep_table(points: Sequence[Point], confidence: float = 0.95) -> pd.DataFrame:
    """The index of a sweep: one row per point with its settings and key figures.

    Columns: ``point``, one per varied path (the value as written), ``bundle``,
    then per metric its mean and ``<metric>_low`` / ``<metric>_high``.
    """
    rows = []
    for point in points:
        row: dict[str, object] = {"point": point.name, **point.settings,
                                  "bundle": str(point.bundle) if point.bundle else ""}
        figures = point.figures
        if figures is None and point.bundle is not None:
            figures = {f.metric: {"value": f.value, "low": f.low, "high": f.high}
                       for f in key_figures(point.bundle, confidence).itertuples()}
        for metric, figure in (figures or {}).items():
            row[metric] = figure["value"]
            row[f"{metric}_low"] = figure["low"]
            row[f"{metric}_high"] = figure["high"]
        rows.append(row)
    return pd.DataFrame(rows)


def _as_axis(values: pd.Series) -> tuple[np.ndarray, list[str] | None]:
    """Numbers for a numeric parameter; positions and labels for anything else."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().all():
        return numbers.to_numpy(dtype=float), None
    labels = list(dict.fromkeys(values.astype(str)))
    return np.array([labels.index(v) for v in values.astype(str)], dtype=float), labels


def plot_response(table: pd.DataFrame, parameter: str, others: Sequence[str]) -> Figure | None:
    """Key metrics against one varied parameter, one line per setting of the others."""
    panels = [m for m in RESPONSE_PANELS if m in table.columns][:6]
    if not panels:
        return None
    ncols = min(3, len(panels))
    nrows = int(np.ceil(len(panels) / ncols))
    figure, axes = plots.new_figure(f"How the key figures respond to {parameter}",
                                    ncols=ncols, nrows=nrows, panels=True)
    groups = list(table.groupby(list(others), sort=False)) if others else [((), table)]
    for ax, metric in zip(axes, panels, strict=False):
        info = metric_info(metric)
        for index, (key, rows) in enumerate(groups):
            x, labels = _as_axis(rows[parameter])
            order = np.argsort(x, kind="stable")
            mean = rows[metric].to_numpy(dtype=float)[order]
            low = rows[f"{metric}_low"].to_numpy(dtype=float)[order]
            high = rows[f"{metric}_high"].to_numpy(dtype=float)[order]
            error = np.nan_to_num(np.vstack([mean - low, high - mean]))
            key = key if isinstance(key, tuple) else (key,)
            label = ", ".join(f"{p} = {v}" for p, v in zip(others, key, strict=True)) or "mean"
            ax.errorbar(x[order], mean, yerr=error, fmt="o-", capsize=4, markersize=6,
                        color=plots.OKABE_ITO[index % len(plots.OKABE_ITO)], label=label)
            if labels is not None:
                ax.set_xticks(range(len(labels)), labels)
        plots.panel_title(ax, info.label)
        ax.set_xlabel(_short(parameter))
        ax.set_ylabel(info.unit)
        if info.unit.startswith("money"):
            plots.money_axis(ax.yaxis)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    title = "whisker: 95% interval" + (f"; lines by {', '.join(others)}" if others else "")
    figure.legend(handles, labels, loc="lower center", ncols=min(4, len(labels)), title=title,
                  bbox_to_anchor=(0.5, -0.02))
    figure.get_layout_engine().set(rect=(0, 0.1, 1, 0.9))
    return figure


def _short(path: str, width: int = 22) -> str:
    """A parameter path short enough for an axis: its last parts that fit in ``width``."""
    parts = path.split(".")
    short = parts[-1]
    for part in reversed(parts[:-1]):
        if len(part) + 1 + len(short) > width:
            break
        short = f"{part}.{short}"
    return short


def response_figures(table: pd.DataFrame, parameters: Sequence[str]) -> list[plots.Plot]:
    """One response figure per varied parameter, with a sentence on how to read it."""
    drawn = []
    for parameter in parameters:
        others = [p for p in parameters if p != parameter]
        try:
            figure = plot_response(table, parameter, others)
        except Exception:  # a sweep report must not fail for one figure
            log.warning("response figure for %s left out", parameter, exc_info=True)
            continue
        if figure is not None:
            caption = (f"Each point is the mean over replications at one value of {parameter}"
                       + (", one line per value of " + ", ".join(others) if others else "")
                       + "; whiskers are 95% intervals. Points whose whiskers do not overlap "
                         "differ; every point used the same random numbers, so dyadsim compare "
                         "of two points gives a sharper answer.")
            stem = "response_" + re.sub(r"[^A-Za-z0-9_]+", "_", parameter).strip("_")
            drawn.append(plots.Plot(stem, figure, caption))
    return drawn


def write_sweep(points: Sequence[Point], out: str | Path, scenario: Source | None = None,
                confidence: float = 0.95) -> Path:
    """Write ``index.csv``, ``plots/response_*.png`` and ``sweep.html``; return the page.

    ``points`` must carry their bundles; ``scenario`` (a point's results) names
    the scenario in the page.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    table = sweep_table(points, confidence)
    table.to_csv(folder / "index.csv", index=False)
    parameters = list(points[0].settings) if points else []
    embedded = [embed(plot, folder / "plots") for plot in response_figures(table, parameters)]
    metrics = [m for m in RESPONSE_PANELS if m in table.columns]
    headings = ["point", *parameters, *(metric_info(m).label for m in metrics)]
    rows = []
    for row in table.to_dict("records"):
        cells = [row["point"], *(str(row[p]) for p in parameters)]
        for metric in metrics:
            unit = metric_info(metric).unit
            cells.append(f"{format_number(row[metric], unit)} "
                         f"({format_interval(row[metric + '_low'], row[metric + '_high'], unit)})")
        rows.append(cells)
    name = "scenario"
    manifest = {}
    if scenario is not None:
        results = as_results(scenario)
        manifest = results.manifest or {}
        name = manifest.get("scenario", {}).get("name", name)
    lead = (f"{name}: {counted(len(points), 'point')} varying {', '.join(parameters)}; "
            f"{counted(manifest.get('replications', 0), 'replication')} each, seed "
            f"{manifest.get('seed', '?')} at every point (common random numbers).")
    html = render(
        "sweep", title=f"Sweep of {name}", lead=lead, plots=embedded,
        points=HtmlTable(headings, rows),
        provenance=[("scenario", name), ("varied", ", ".join(parameters)),
                    ("seed", str(manifest.get("seed", "-"))),
                    ("replications per point", str(manifest.get("replications", "-"))),
                    ("dyadsim version", str(manifest.get("dyadsim_version", "-"))),
                    ("index", str(folder / "index.csv"))],
    )
    page = folder / "sweep.html"
    page.write_text(html, encoding="utf-8")
    return page
