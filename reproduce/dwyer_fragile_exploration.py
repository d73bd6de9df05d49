"""dwyer-fragile-exploration: exploration ends far more often than commitment.

Dwyer, Schurr & Oh's exploration phase maps to the early stage (trial
orders) and their commitment phase to the long-term stage. The termination
hazard of a stage is the number of relationships that ended in it divided by
the weeks relationships spent in it.
"""

from __future__ import annotations

import numpy as np

from analysis.plots import OKABE_ITO, new_figure, save, stage_label
from analysis.stats import mean_interval
from reproduce.framework import Check, Context, Verdict, vote
from reproduce.lifecycle import WEEKS_PER_YEAR, baseline, stage_hazards

NAME = "dwyer-fragile-exploration"
SOURCE = ("Dwyer, F. R., Schurr, P. H. & Oh, S. (1987) Developing buyer-seller relationships. "
          "Journal of Marketing 51(2): 11-27.")
CLAIM = ("Exploration is fragile: a relationship in its early, exploratory stage is far more "
         "likely to end than one that has reached commitment (long-term).")
CRITERION = ("The termination hazard (endings per relationship-week in the stage) is higher in "
             "early than in long-term in at least 90% of seeds of the baseline.")

STAGES = ("early", "development", "long_term")


def reproduce(context: Context) -> Check:
    """Compare the early and long-term termination hazards seed by seed."""
    results = baseline(context)
    hazards = stage_hazards(results.pairs, STAGES).pivot(
        index="replication", columns="stage", values="hazard")
    early, long_term = hazards["early"].to_numpy(), hazards["long_term"].to_numpy()
    holds = np.nan_to_num(early > long_term, nan=False)
    passed, count = vote(holds)
    ratio = mean_interval(np.log(early / long_term))
    per_year = {s: WEEKS_PER_YEAR * mean_interval(hazards[s])[0] for s in STAGES}
    verdict = Verdict(
        "hazard in early > hazard in long-term", "early > long-term",
        f"{per_year['early']:.3f} vs {per_year['long_term']:.3f} per year "
        f"(ratio {np.exp(ratio[0]):.1f} [{np.exp(ratio[1]):.1f}, {np.exp(ratio[2]):.1f}]); "
        f"holds in {count}", passed)
    figure = _figure(hazards, context.figure_path(NAME))
    return Check.from_verdicts(
        __name__, [verdict], expected="hazard early > long-term",
        measured=f"{per_year['early']:.2f} vs {per_year['long_term']:.2f} per year",
        figure=figure,
        notes=[f"{len(hazards)} seeds of the bundled baseline. Development: "
               f"{per_year['development']:.3f} per year."])


def _figure(hazards, path):
    figure, ax = new_figure("Exploration is fragile: termination hazard by stage")
    positions = np.arange(len(STAGES))
    for seed_values in hazards[list(STAGES)].to_numpy():
        ax.plot(positions, WEEKS_PER_YEAR * seed_values, color=OKABE_ITO[5], alpha=0.35,
                linewidth=1)
    means = [WEEKS_PER_YEAR * np.array(mean_interval(hazards[s])) for s in STAGES]
    ax.errorbar(positions, [m[0] for m in means],
                yerr=[[m[0] - m[1] for m in means], [m[2] - m[0] for m in means]],
                fmt="o-", color=OKABE_ITO[0], capsize=6, label="mean over seeds, 95% interval")
    ax.set_xticks(positions, [stage_label(s) for s in STAGES])
    ax.set_ylabel("endings per relationship-year")
    ax.legend(loc="upper right")
    return save(figure, path)
