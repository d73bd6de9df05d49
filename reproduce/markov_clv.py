"""markov-clv: simulated customer value equals Pfeifer & Carraway's closed form.

The Markov model draws every customer's path; the mean discounted value of
the customers must agree with ``V = [I - P/(1+d)]^-1 R`` (infinite horizon)
and ``V = sum_{t<T} (P/(1+d))^t R`` (T periods), for several chains P,
rewards R and discount rates d, starting from the bundled scenarios.
"""

from __future__ import annotations

import numpy as np

from analysis.plots import OKABE_ITO, legend_below, new_figure, save
from analysis.stats import mean_interval, standard_error
from reproduce.framework import Check, Context, Verdict

NAME = "markov-clv"
SOURCE = ("Pfeifer, P. E. & Carraway, R. L. (2000) Modeling customer relationships as "
          "Markov chains. Journal of Interactive Marketing 14(2): 43-55.")
CLAIM = ("The expected discounted value of a customer whose states follow a Markov chain "
         "is V = [I - P/(1+d)]^-1 R, or the finite sum of (P/(1+d))^t R over a finite horizon.")
CRITERION = ("For every (P, R, d, horizon) case, the simulated mean value (over all seeds' "
             "customers) lies within 3 standard errors of the closed form; the standard "
             "error is that of the mean of the per-seed means.")

SEED = 20000
TOLERANCE = 3.0
"""Standard errors a simulated mean may lie from the closed form."""

CASES = (
    ("retention, infinite horizon", "markov_retention", ()),
    ("retention, 5 periods", "markov_retention", ("markov.periods=5",)),
    ("retention, d = 0, 8 periods", "markov_retention",
     ("markov.discount_rate=0", "markov.periods=8")),
    ("migration, infinite horizon", "markov_migration", ()),
    ("migration, 10 periods", "markov_migration", ("markov.periods=10",)),
    ("migration, d = 0.05", "markov_migration", ("markov.discount_rate=0.05",)),
)
"""(label, bundled scenario, overrides): two chains of the source, several d and horizons."""


def reproduce(context: Context) -> Check:
    """Simulate each case and compare its mean customer value with the closed form."""
    settings = context.settings
    replications = settings.pick(6, 20)
    customers = settings.pick(4000, 10_000)
    verdicts, points = [], []
    for label, scenario, overrides in CASES:
        results = context.run(scenario, replications=replications, seed=SEED,
                              overrides=(*overrides, f"markov.customers={customers}"),
                              parallel=False)
        expected = results.summary()["analytic_value"]
        means = results.pairs.groupby("replication")["value"].mean()
        mean, low, high = mean_interval(means)
        error = standard_error(means)
        z = (mean - expected) / error
        verdicts.append(Verdict(
            label=label, expected=f"{expected:.3f}",
            measured=f"{mean:.3f} ± {error:.3f} (z = {z:+.2f})",
            passed=bool(abs(z) <= TOLERANCE)))
        points.append((label, expected, mean, error, (high - low) / 2))
    figure = _figure(points, context.figure_path(NAME))
    worst = max(abs((m - e) / s) for _, e, m, s, _ in points)
    return Check.from_verdicts(
        __name__, verdicts,
        expected=f"{len(CASES)} cases within {TOLERANCE:g} standard errors",
        measured=f"largest deviation {worst:.2f} standard errors", figure=figure,
        notes=[f"{replications} seeds of {customers:,} customers per case."])


def _figure(points, path):
    figure, ax = new_figure("Simulated customer value against the closed form")
    labels = [label for label, *_ in points]
    positions = np.arange(len(points))
    ratio = np.array([mean / expected for _, expected, mean, _, _ in points])
    half = np.array([half / abs(expected) for _, expected, _, _, half in points])
    ax.axhline(1.0, color="black", linewidth=1, label="closed form")
    ax.errorbar(positions, ratio, yerr=half, fmt="o", color=OKABE_ITO[0], capsize=6,
                label="simulated mean, 95% interval")
    ax.set_xticks(positions, labels, rotation=20, ha="right")
    ax.set_ylabel("simulated / closed-form value")
    legend_below(ax, None)
    return save(figure, path)
