"""competition-raises-dissolution: more competing suppliers, more relationships dissolve.

The number of suppliers is halved and doubled in several bundled markets,
with the same seeds (common random numbers). The dissolution hazard of a
market is estimated as in a hazard model with a constant rate: the endings
of begun relationships over the weeks they lived, pooled over the seeds.
Pooling weights each seed by its exposure, so a thin market in which a few
relationships churn fast counts for what it holds, not as much as a full one.
"""

from __future__ import annotations

import numpy as np

from analysis.plots import OKABE_ITO, new_figure, save
from analysis.stats import pooled_contrast, pooled_interval
from reproduce.framework import Check, Context, Verdict, familywise
from reproduce.lifecycle import BOOTSTRAP_SEED, WEEKS_PER_YEAR, dissolution_exposure, run
from sim.scenario import load_scenario

NAME = "competition-raises-dissolution"
SOURCE = ("Baker, W. E., Faulkner, R. R. & Fisher, G. A. (1998) Hazards of the market: the "
          "continuity and dissolution of interorganizational market relationships. American "
          "Sociological Review 63(2): 147-177.")
CLAIM = ("Competition among suppliers raises the hazard that a buyer-supplier relationship "
         "dissolves, in every market where it is tried.")
CRITERION = ("In every parameter set, the ratio of the dissolution hazard (endings per "
             "relationship-week, pooled over seeds) with double to half the suppliers has a "
             "95% percentile-t bootstrap interval (resampling seeds, the same for every count) "
             "above 1, and neither step (half to bundled, bundled to double) falls: no step's "
             "hazard ratio has an interval wholly below 1, the two steps judged together at "
             "the familywise level 1 - 0.05/2 (97.5%). A step is not judged by its point "
             "estimate, which dips by chance when one step's effect is small against its "
             "noise.")

PARAMETER_SETS = ("baseline", "high_distance", "weak_competition")
FACTORS = (0.5, 1.0, 2.0)


def reproduce(context: Context) -> Check:
    """Vary the number of suppliers in each market and compare dissolution hazards."""
    sets = context.settings.pick(PARAMETER_SETS[:1], PARAMETER_SETS)
    verdicts, curves = [], {}
    for name in sets:
        bundled = load_scenario(name).lifecycle.market.suppliers.count
        counts = [max(2, round(bundled * factor)) for factor in FACTORS]
        tables = []
        for factor, count in zip(FACTORS, counts, strict=True):
            overrides = () if factor == 1.0 else (f"lifecycle.market.suppliers.count={count}",)
            tables.append(dissolution_exposure(run(context, name, overrides).pairs).sort_index())
        endings = np.column_stack([table["endings"] for table in tables])
        exposure = np.column_stack([table["exposure"] for table in tables])
        verdicts.append(_verdict(name, counts, endings, exposure))
        curves[name] = (counts, endings, exposure)
    figure = _figure(curves, context.figure_path(NAME))
    failing = [v.label.split(":")[0] for v in verdicts if not v.passed]
    return Check.from_verdicts(
        __name__, verdicts, expected="hazard rises with competition in each market tried",
        measured="rises in every market" if not failing
        else f"does not rise in: {', '.join(failing)}",
        figure=figure,
        notes=[f"Markets: {', '.join(sets)}; suppliers halved and doubled from the bundled "
               f"count; {endings.shape[0]} seeds each."])


def _verdict(name: str, counts, endings: np.ndarray, exposure: np.ndarray) -> Verdict:
    """The double/half ratio must exceed 1 and no step may fall beyond its noise."""
    hazards = endings.sum(axis=0) / exposure.sum(axis=0)
    ratio, low, high = pooled_contrast(endings[:, [0, -1]], exposure[:, [0, -1]],
                                       ratio=True, seed=BOOTSTRAP_SEED)
    steps = [(i, i + 1) for i in range(len(counts) - 1)]
    level = familywise(len(steps))
    falls, shown = [], []
    for first, last in steps:
        step, step_low, step_high = pooled_contrast(
            endings[:, [first, last]], exposure[:, [first, last]], level, ratio=True,
            seed=BOOTSTRAP_SEED)
        shown.append(f"{step:.2f} [{step_low:.2f}, {step_high:.2f}]")
        if step_high < 1:
            falls.append(f"{counts[first]} -> {counts[last]}")
    measured = (" -> ".join(f"{h * WEEKS_PER_YEAR:.3f}" for h in hazards) + " per year; "
                f"ratio {ratio:.2f} [{low:.2f}, {high:.2f}]; steps " + ", ".join(shown))
    if falls:
        measured += "; falls: " + ", ".join(falls)
    return Verdict(
        f"{name}: hazard rises with suppliers {counts[0]} -> {counts[1]} -> {counts[2]}",
        "ratio double/half > 1; no step falls", measured, bool(low > 1 and not falls))


def _figure(curves, path):
    figure, ax = new_figure("More competing suppliers, more dissolution")
    for colour, (name, (counts, endings, exposure)) in zip(
            OKABE_ITO, curves.items(), strict=False):
        interval = pooled_interval(endings, exposure, seed=BOOTSTRAP_SEED)
        mean, low, high = (WEEKS_PER_YEAR * value for value in interval)
        ax.errorbar(counts, mean, yerr=[mean - low, high - mean], fmt="o-", color=colour,
                    capsize=5, label=name.replace("_", " "))
    ax.set_xscale("log", base=2)
    ticks = sorted({count for counts, _, _ in curves.values() for count in counts})
    ax.set_xticks(ticks, [str(tick) for tick in ticks])
    ax.minorticks_off()
    ax.set_xlabel("number of suppliers")
    ax.set_ylabel("dissolutions per relationship-year (pooled, 95% interval)")
    ax.legend(loc="upper left")
    return save(figure, path)
