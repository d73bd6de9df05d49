"""lifecycle-wkh-transition: loyalty appears around beta_c in the lifecycle model itself.

Runs the lifecycle market reduced to Weisbuch, Kirman & Herreiner's case
(:mod:`reproduce.lifecycle_wkh`: one product, a fixed price, no stage's
other effects, reinforced preferences) with two and three suppliers at
sensitivities beta from half to twice (full run: a quarter to three times)
the reduced case's mean-field threshold, and measures, seed by seed, the
order parameter y of the buyers' volume shares at the horizon.
"""

from __future__ import annotations

import numpy as np

from analysis.plots import OKABE_ITO, new_figure, save
from analysis.stats import mean_interval
from reproduce import lifecycle_wkh as wkh
from reproduce.framework import Check, Context
from reproduce.loyalty_transition import EXPECTED, RATIOS, judge, summary

NAME = "lifecycle-wkh-transition"
SOURCE = ("Weisbuch, G., Kirman, A. & Herreiner, D. (2000) Market organisation and trading "
          "relationships. Economic Journal 110(463): 411-436.")
CLAIM = ("In the lifecycle market reduced to the source's case, buyers spread their volume "
         "over their suppliers (y near 1/n) when beta is below beta_c and concentrate it on "
         "one (y near 1) above it, beta_c = lambda (n e + 1) / (e v) with lambda = "
         "-ln(1 - gamma) per order interval and v the value of an order.")
CRITERION = ("In at least 90% of seeds, for 2 and 3 suppliers: y = sum s_j^2 / (sum s_j)^2 of "
             "the suppliers' volume shares at the horizon, averaged over buyers, lies in the "
             "lowest quarter of [1/n, 1] at beta_c/2, in the highest quarter at 2 beta_c, and "
             "crosses the middle of [1/n, 1] at a beta within a factor 1.5 of beta_c (the "
             "mean field crosses at 1.16 beta_c for 2 suppliers and jumps just above beta_c "
             "for 3).")

SEED = 60000
SUPPLIERS = (2, 3)
YEARS = 4.0
"""Horizon of each run: about 100 order intervals, the memory's time scale is 5."""


def reproduce(context: Context) -> Check:
    """Sweep beta around beta_c for two and three suppliers and judge the transition."""
    ratios = context.settings.pick(*RATIOS)
    size = context.settings.pick((5, 150), (20, 300))
    curves = {n: sweep(context, n, ratios, *size) for n in SUPPLIERS}
    verdicts = [verdict for n, y in curves.items()
                for verdict in judge(n, ratios, y, noun="suppliers")]
    figure = _figure(ratios, curves, context.figure_path(NAME))
    return Check.from_verdicts(
        __name__, verdicts, expected=EXPECTED,
        measured=summary(curves, ratios, noun="suppliers"), figure=figure,
        notes=[f"{size[0]} seeds of {size[1]} buyers per point over {YEARS:g} years; "
               f"beta/beta_c in {', '.join(f'{r:g}' for r in ratios)}; beta_c = "
               + ", ".join(f"{wkh.beta_c(n):.3f} ({n} suppliers)" for n in SUPPLIERS)
               + f" at gamma {wkh.GAMMA:g} and v = {wkh.VALUE:.3f}; the reduced case's "
               "overrides are listed in reproduce/lifecycle_wkh.py and docs/model.md."])


def sweep(context: Context, suppliers: int, ratios, seeds: int, buyers: int) -> np.ndarray:
    """y per sensitivity (rows, multiples of beta_c) and seed (columns)."""
    beta_c = wkh.beta_c(suppliers)
    return np.array([
        measured_y(context.run(wkh.BASE, replications=seeds, seed=SEED, parallel=False,
                               overrides=wkh.overrides(suppliers, ratio * beta_c, buyers, YEARS)))
        for ratio in ratios])


def measured_y(results) -> np.ndarray:
    """Per replication, the mean over buyers of y at the horizon."""
    return wkh.y_per_buyer(results.pairs).groupby(level="replication").mean().to_numpy()


def mean_field_curve(suppliers: int, ratios) -> np.ndarray:
    """y of the state the reduced case's mean field reaches from a nearly even start."""
    from sim.models.loyalty import order_parameter

    beta_c = wkh.beta_c(suppliers)
    start = np.full((1, suppliers), 1.0)
    start[0, 0] *= 1.01
    return np.array([
        order_parameter(wkh.mean_field([wkh.VALUE] * suppliers, ratio * beta_c, start, 400))[0]
        for ratio in ratios])


def _figure(ratios, curves, path):
    figure, ax = new_figure("Loyalty appears around beta_c in the reduced lifecycle market")
    grid = np.linspace(min(ratios), max(ratios), 41)
    for colour, (n, y) in zip(OKABE_ITO, sorted(curves.items()), strict=False):
        spread = np.array([mean_interval(row)[1:] for row in y])
        ax.fill_between(ratios, spread[:, 0], spread[:, 1], color=colour, alpha=0.2)
        ax.plot(ratios, y.mean(axis=1), "o-", color=colour, label=f"{n} suppliers, simulated")
        ax.plot(grid, mean_field_curve(n, grid), "--", color=colour, linewidth=1.5,
                label=f"{n} suppliers, mean field")
        ax.axhline(1 / n, color=colour, linewidth=0.8, linestyle=":")
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xlabel("sensitivity beta / beta_c")
    ax.set_ylabel("order parameter y of volume shares (1/n: spread, 1: loyal)")
    ax.set_ylim(0.25, 1.02)
    ax.legend(loc="lower right")
    return save(figure, path)
