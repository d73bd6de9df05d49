"""competition-raises-dissolution: more competing suppliers, more relationships dissolve.

The number of suppliers is halved and doubled in several bundled markets,
with the same seeds (common random numbers). The dissolution hazard is the
number of begun relationships that ended per relationship-week.
"""

from __future__ import annotations

import numpy as np

from analysis.plots import OKABE_ITO, new_figure, save
from sim.reproduce.framework import Check, Context, Verdict, mean_interval
from sim.reproduce.lifecycle import WEEKS_PER_YEAR, dissolution_hazard, run
from sim.scenario import load_scenario

NAME = "competition-raises-dissolution"
SOURCE = ("Baker, W. E., Faulkner, R. R. & Fisher, G. A. (1998) Hazards of the market: the "
          "continuity and dissolution of interorganizational market relationships. American "
          "Sociological Review 63(2): 147-177.")
CLAIM = ("Competition among suppliers raises the hazard that a buyer-supplier relationship "
         "dissolves, in every market where it is tried.")
CRITERION = ("In every parameter set, the mean dissolution hazard over seeds rises with the "
             "number of suppliers (half, as bundled, double), and the log ratio of the hazard "
             "with double to half the suppliers, per seed, has a 95% interval above 0.")

PARAMETER_SETS = ("baseline", "high_distance", "weak_competition")
FACTORS = (0.5, 1.0, 2.0)


def reproduce(context: Context) -> Check:
    """Vary the number of suppliers in each market and compare dissolution hazards."""
    sets = context.settings.pick(PARAMETER_SETS[:1], PARAMETER_SETS)
    verdicts, curves = [], {}
    for name in sets:
        bundled = load_scenario(name).lifecycle.market.suppliers.count
        counts = [max(2, round(bundled * factor)) for factor in FACTORS]
        hazards = []
        for count, factor in zip(counts, FACTORS, strict=True):
            overrides = () if factor == 1.0 else (f"lifecycle.market.suppliers.count={count}",)
            results = run(context, name, overrides)
            hazards.append(dissolution_hazard(results.pairs).sort_index().to_numpy())
        hazards = np.array(hazards)
        means = hazards.mean(axis=1) * WEEKS_PER_YEAR
        log_ratio = mean_interval(np.log(hazards[-1] / hazards[0]))
        rising = bool(np.all(np.diff(means) > 0))
        verdicts.append(Verdict(
            f"{name}: hazard rises with suppliers {counts[0]} -> {counts[1]} -> {counts[2]}",
            "rising; ratio double/half > 1",
            " -> ".join(f"{m:.3f}" for m in means) + " per year; ratio "
            f"{np.exp(log_ratio[0]):.2f} [{np.exp(log_ratio[1]):.2f}, {np.exp(log_ratio[2]):.2f}]",
            rising and log_ratio[1] > 0))
        curves[name] = (counts, hazards * WEEKS_PER_YEAR)
    figure = _figure(curves, context.figure_path(NAME))
    failing = [v.label.split(":")[0] for v in verdicts if not v.passed]
    return Check.from_verdicts(
        __name__, verdicts, expected="hazard rises with competition in each market tried",
        measured="rises in every market" if not failing
        else f"does not rise in: {', '.join(failing)}",
        figure=figure,
        notes=[f"Markets: {', '.join(sets)}; suppliers halved and doubled from the bundled count."])


def _figure(curves, path):
    figure, ax = new_figure("More competing suppliers, more dissolution")
    for colour, (name, (counts, hazards)) in zip(OKABE_ITO, curves.items(), strict=False):
        intervals = np.array([mean_interval(row) for row in hazards])
        ax.errorbar(counts, intervals[:, 0],
                    yerr=[intervals[:, 0] - intervals[:, 1], intervals[:, 2] - intervals[:, 0]],
                    fmt="o-", color=colour, capsize=5, label=name.replace("_", " "))
    ax.set_xscale("log", base=2)
    ax.set_xlabel("number of suppliers")
    ax.set_ylabel("dissolutions per relationship-year")
    ax.legend(loc="upper left")
    return save(figure, path)
