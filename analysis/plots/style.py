"""The one style of dyadsim's figures: palette, size, type, titles, axes and saving.

Figures are made without pyplot (no global state, no display needed): 16:9, large
type, a title that says what the figure shows, axis labels with units, and the
Okabe-Ito palette, which stays distinguishable for colour-blind readers.
"""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

# stage names live with the bundle's vocabulary; the plots re-export them
from analysis.bundle import STAGE_WORDS, WEEKS_PER_YEAR, model_of, stage_label  # noqa: F401
from sim.results import Results

log = logging.getLogger(__name__)

DPI = 150
"""Resolution of saved figures (dots per inch)."""

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
             "#000000")
"""Okabe & Ito's colour-blind-safe palette: blue, orange, green, vermillion, purple,
sky blue, yellow, black."""

STAGE_PALETTE = ("#56B4E9", "#E69F00", "#009E73", "#0072B2", "#CC79A7")
"""Colours of a model's stages, in the order of its vocabulary."""
REASON_PALETTE = ("#E69F00", "#D55E00", "#CC79A7", "#0072B2", "#009E73", "#56B4E9", "#F0E442")
"""Colours of a model's end reasons, in the order of its vocabulary."""

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


def year_ticks(ax, top: float, unit: str) -> None:
    """Ticks every year (or two, five) on a weeks axis, labelled in weeks."""
    if unit != "weeks" or not np.isfinite(top) or top < 2 * WEEKS_PER_YEAR:
        return
    years = max(1, int(np.ceil(top / WEEKS_PER_YEAR / 10)))
    step = WEEKS_PER_YEAR * (years if years in (1, 2) else 5 * int(np.ceil(years / 5)))
    ax.set_xticks(np.arange(0, top + 1, step))


def legend_below(ax, title: str | None, ncols: int | None = None) -> None:
    """A horizontal legend under the figure, so it never covers data or tick labels.

    The figure's constrained layout makes room for it below everything else
    (rotated tick labels included), and the plot keeps the slide's full width.
    """
    handles, labels = ax.get_legend_handles_labels()
    ax.figure.legend(handles, labels, title=title, loc="outside lower center",
                     ncols=ncols or len(labels))


def panel_title(ax, text: str, width: int = 32) -> None:
    """Title of one panel among several, wrapped so neighbouring titles never collide."""
    ax.set_title(textwrap.fill(text, width), fontsize=12, loc="left")


def stage_colour(stage: str, stages: Sequence[str]) -> str:
    """The colour of ``stage``: the same position in the model's stages, the same colour."""
    position = list(stages).index(stage) if stage in stages else len(stages)
    return STAGE_PALETTE[position % len(STAGE_PALETTE)]


def reason_colour(reason: str, reasons: Sequence[str], fallback: int = 0) -> str:
    """The colour of an end reason, by its place in the model's reasons (the same everywhere).

    A reason the vocabulary does not list takes an Okabe-Ito colour by ``fallback``.
    """
    if reason in reasons:
        return REASON_PALETTE[list(reasons).index(reason) % len(REASON_PALETTE)]
    return OKABE_ITO[fallback % len(OKABE_ITO)]
