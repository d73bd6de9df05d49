"""Figures of a run, each ready to put on a slide.

Every function takes :class:`~sim.results.Results` (or a bundle path) and
returns a :class:`matplotlib.figure.Figure`, or None when the bundle lacks the
columns the figure needs. Figures are made without pyplot (no global state, no
display needed) in one style: 16:9, large type, a title that says what the
figure shows, axis labels with units, and the Okabe-Ito palette, which stays
distinguishable for colour-blind readers. :func:`figures` gives every figure a
bundle supports with a sentence on how to read it; :func:`save` writes a PNG.


One module per subject: :mod:`~analysis.plots.stages`, :mod:`~analysis.plots.survival`,
:mod:`~analysis.plots.economics` and :mod:`~analysis.plots.market`, in the style of
:mod:`~analysis.plots.style`. A new figure goes into the module of its subject and into
:data:`CAPTIONS` with the sentence that tells a reader how to read it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.figure import Figure

from analysis.bundle import Source, as_results, model_of
from analysis.plots.economics import plot_calibration, plot_outcomes, plot_value_distribution
from analysis.plots.market import plot_market_share
from analysis.plots.stages import plot_attitudes, plot_end_reasons, plot_funnel, plot_occupancy
from analysis.plots.style import (
    DPI,
    OKABE_ITO,
    SIZE,
    figure_title,
    legend_below,
    money_axis,
    new_figure,
    panel_title,
    save,
    save_to,
    stage_label,
    time_unit,
)
from analysis.plots.survival import (
    draw_survival,
    plot_hazard,
    plot_survival,
    plot_survival_by_stage,
    survival_axes,
)
from sim.results import Results

__all__ = [
    "CAPTIONS",
    "DPI",
    "OKABE_ITO",
    "SIZE",
    "Plot",
    "draw_survival",
    "figure_title",
    "figures",
    "legend_below",
    "money_axis",
    "new_figure",
    "panel_title",
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
    "stage_label",
    "survival_axes",
    "time_unit",
]


log = logging.getLogger(__name__)


@dataclass
class Plot:
    """A figure with its file stem, title and a sentence on how to read it."""

    name: str
    figure: Figure
    caption: str

    @property
    def title(self) -> str:
        return figure_title(self.figure)



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
