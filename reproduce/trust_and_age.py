"""trust-and-age: trust correlates weakly and positively with age, bending down late.

A cross-section of the relationships active at the horizon of the baseline
that had begun (reached early): their trust (the mean of the buyer's belief
in the supplier's reliability) against their age (years since the first
trial order). Each seed gives a correlation and a quadratic fit.
"""

from __future__ import annotations

import numpy as np

from analysis.plots import OKABE_ITO, new_figure, save
from analysis.stats import mean_interval
from reproduce.framework import Check, Context, Verdict
from reproduce.lifecycle import WEEKS_PER_YEAR, baseline, horizon_of

NAME = "trust-and-age"
SOURCE = ("Vanneste, B. S., Puranam, P. & Kretschmer, T. (2014) Trust over time in exchange "
          "relationships: meta-analysis and theory. Strategic Management Journal 35(12): "
          "1891-1902; Zhong, W., Su, C., Peng, J. & Yang, Z. (2017) Trust in "
          "interorganizational relationships: a meta-analytic integration. Journal of "
          "Management 43(4): 1050-1075.")
CLAIM = ("Among active relationships trust correlates positively but weakly with the "
         "relationship's age (a small mean correlation over 39 studies), and trust grows with "
         "age at a decreasing rate, bending down among the oldest (an inverted U).")
CRITERION = ("Over seeds (Student-t 95% intervals of per-seed estimates): the Pearson "
             "correlation of trust and age is positive (interval above 0) and weak (interval "
             "below 0.3, Cohen's 'medium'); in the fit trust = a + b age + c age^2 the "
             "coefficient c is negative (interval below 0) and the vertex -b / 2c lies inside "
             "the observed ages.")

WEAK = 0.3
"""Correlations at or above this are no longer weak (Cohen's medium effect)."""


def reproduce(context: Context) -> Check:
    """Correlate trust with age and fit a quadratic, seed by seed."""
    results = baseline(context)
    horizon = horizon_of(results)
    pairs = results.pairs
    active = pairs[pairs["censored"] & pairs["t_early"].notna()]
    active = active.assign(age=(horizon - active["t_early"]) / WEEKS_PER_YEAR)
    correlations, fits = [], []
    for _, group in active.groupby("replication"):
        correlations.append(np.corrcoef(group["age"], group["trust"])[0, 1])
        fits.append(np.polyfit(group["age"], group["trust"], 2))
    fits = np.array(fits)
    r, r_low, r_high = mean_interval(correlations)
    c, c_low, c_high = mean_interval(fits[:, 0])
    b = fits[:, 1].mean()
    vertex = -b / (2 * c) if c != 0 else float("nan")
    oldest = float(active["age"].max())
    verdicts = [
        Verdict("positive correlation", "interval above 0",
                f"r = {r:.3f} [{r_low:.3f}, {r_high:.3f}]", bool(r_low > 0)),
        Verdict("weak correlation", f"interval below {WEAK:g}",
                f"r = {r:.3f} [{r_low:.3f}, {r_high:.3f}]", bool(r_high < WEAK)),
        Verdict("fit on age and age^2 bends down", "c < 0 (interval below 0)",
                f"c = {c:.4f} [{c_low:.4f}, {c_high:.4f}] per year^2", bool(c_high < 0)),
        Verdict("the bend lies within the observed ages", f"0 < -b/2c < {oldest:.1f} years",
                f"-b/2c = {vertex:.1f} years", bool(c < 0 and 0 < vertex < oldest)),
    ]
    figure = _figure(active, fits, context.figure_path(NAME))
    return Check.from_verdicts(
        __name__, verdicts, expected=f"0 < r < {WEAK:g}; inverted U within the ages seen",
        measured=f"r = {r:.3f} [{r_low:.3f}, {r_high:.3f}]; c = {c:.4f}",
        figure=figure,
        notes=[f"{len(fits)} seeds of the bundled baseline; {len(active)} active relationships. "
               "Trust is the mean of the buyer's Beta belief in the supplier's reliability."])


def _figure(active, fits, path):
    figure, ax = new_figure("Trust and age of the relationships active at the horizon")
    ax.scatter(active["age"], active["trust"], s=6, alpha=0.25, color=OKABE_ITO[5],
               label="relationships")
    ages = np.linspace(0, active["age"].max(), 100)
    ax.plot(ages, np.polyval(fits.mean(axis=0), ages), color=OKABE_ITO[3],
            label="quadratic fit (mean over seeds)")
    ax.set_xlabel("age (years since the first trial order)")
    ax.set_ylabel("trust (belief in reliability)")
    ax.legend(loc="lower right")
    return save(figure, path)
