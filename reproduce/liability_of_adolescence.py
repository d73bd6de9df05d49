"""liability-of-adolescence: the hazard of ending rises after a honeymoon, then falls.

The termination hazard of begun relationships by age (weeks since the first
trial order), estimated with a life table by quarter over the first five
years, pooled over the seeds of the baseline, each bin with its exact
Poisson interval.

The peak is found on half of the seeds and judged on the other half: the
highest of twenty noisy bins, judged by its own interval, would clear the
others' bounds even when the hazard is flat.
"""

from __future__ import annotations

import numpy as np

from analysis.plots import OKABE_ITO, new_figure, save
from analysis.stats import life_table_hazard
from reproduce.framework import Check, Context, Verdict
from reproduce.lifecycle import WEEKS_PER_YEAR, baseline, began

NAME = "liability-of-adolescence"
SOURCE = ("Levinthal, D. A. & Fichman, M. (1988) Dynamics of interorganizational attachments: "
          "auditor-client relationships. Administrative Science Quarterly 33(3): 345-369; "
          "Fichman, M. & Levinthal, D. A. (1991) Honeymoons and the liability of adolescence. "
          "Academy of Management Review 16(2): 442-468.")
CLAIM = ("The hazard that a relationship ends is low at first (a honeymoon, buffered by the "
         "initial stock of goodwill and commitment), rises to a peak at an intermediate age "
         "and then falls as the survivors build their attachment.")
CRITERION = ("Life-table hazard by quarter of age over the first 5 years, pooled over seeds, "
             "with 95% Poisson intervals. The peak quarter is chosen on the even-numbered "
             "seeds and every interval is estimated on the odd-numbered ones: the peak lies in "
             "an interior bin; the first quarter's interval lies wholly below the peak's "
             "(honeymoon); the hazard over the fifth year lies wholly below the peak's "
             "(decline).")

WIDTH = 13.0
"""Width of an age bin (weeks): a quarter."""
WINDOW = 5 * WEEKS_PER_YEAR
"""Ages covered (weeks)."""


def reproduce(context: Context) -> Check:
    """Estimate the hazard by age and judge its shape."""
    results = baseline(context)
    started = began(results.pairs)
    seeds = np.sort(started["replication"].unique())
    choose = started["replication"].isin(seeds[::2])
    peak = int(_quarters(started[choose])["hazard"].idxmax())
    table = _quarters(started[~choose])
    judged = started[~choose]
    last_year = life_table_hazard(
        np.clip(judged["age"] - (WINDOW - WEEKS_PER_YEAR), 0, None)[
            judged["age"] > WINDOW - WEEKS_PER_YEAR],
        judged["censored"][judged["age"] > WINDOW - WEEKS_PER_YEAR],
        WEEKS_PER_YEAR, limit=WEEKS_PER_YEAR).iloc[0]
    first, top = table.iloc[0], table.iloc[peak]
    per_year = WEEKS_PER_YEAR
    verdicts = [
        Verdict("peak in an interior age bin", f"not the first or last of {len(table)} quarters",
                f"peak at {top['age_from']:.0f}-{top['age_to']:.0f} weeks "
                f"({top['hazard'] * per_year:.3f} per year)",
                0 < peak < len(table) - 1),
        Verdict("honeymoon: first quarter below the peak", "upper bound < peak's lower bound",
                f"{first['hazard'] * per_year:.3f} [{first['low'] * per_year:.3f}, "
                f"{first['high'] * per_year:.3f}] vs peak lower bound "
                f"{top['low'] * per_year:.3f}", bool(first["high"] < top["low"])),
        Verdict("decline: fifth year below the peak", "upper bound < peak's lower bound",
                f"{last_year['hazard'] * per_year:.3f} [{last_year['low'] * per_year:.3f}, "
                f"{last_year['high'] * per_year:.3f}]", bool(last_year["high"] < top["low"])),
    ]
    trial = _trial_periods(results)
    figure = _figure(_quarters(started), trial, context.figure_path(NAME))
    notes = [f"{started['replication'].nunique()} seeds of the bundled baseline; "
             f"{len(started)} begun relationships."]
    if trial is not None:
        low, median, high = trial
        span = (f"{median:.0f} weeks" if low == high
                else f"{low:.0f}-{high:.0f} weeks for 90% of buyers, median {median:.0f}")
        where = ("lies before" if top["age_to"] <= low
                 else "lies after" if top["age_from"] > high else "holds")
        notes.append(f"Buyers let an unconvincing trial supplier go after their trial period "
                     f"({span}); the peak bin {where} that range.")
    notes.append(f"The peak quarter was chosen on {len(seeds[::2])} seeds and judged on the "
                 f"other {len(seeds) - len(seeds[::2])}; the figure pools all of them.")
    return Check.from_verdicts(
        __name__, verdicts, expected="low, rising to an interior peak, then falling",
        measured=f"first quarter {first['hazard'] * per_year:.2f}, peak "
                 f"{top['hazard'] * per_year:.2f} at {top['age_from']:.0f} weeks, fifth year "
                 f"{last_year['hazard'] * per_year:.2f} per year",
        figure=figure, notes=notes)


def _quarters(started):
    """The life table by quarter of age over the first :data:`WINDOW` weeks."""
    table = life_table_hazard(started["age"], started["censored"], WIDTH, limit=WINDOW)
    return table[table["age_to"] <= WINDOW + 1e-9].reset_index(drop=True)


def _trial_periods(results) -> tuple[float, float, float] | None:
    """The buyers' trial periods in the run (weeks): 5th percentile, median, 95th percentile."""
    from sim.scenario import validate

    scenario = validate(results.manifest["scenario"])
    trial = getattr(getattr(scenario.lifecycle, "relationship", None), "trial", None)
    period = getattr(trial, "period", None)
    if period is None:
        return None
    draws = np.asarray(period.sample(np.random.default_rng(0), 20000), dtype=float)
    low, median, high = np.quantile(draws, [0.05, 0.5, 0.95])
    return float(low), float(median), float(high)


def _figure(table, trial, path):
    figure, ax = new_figure("Termination hazard by relationship age")
    middle = 0.5 * (table["age_from"] + table["age_to"])
    scale = WEEKS_PER_YEAR
    ax.fill_between(middle, table["low"] * scale, table["high"] * scale, step="mid",
                    color=OKABE_ITO[0], alpha=0.2)
    ax.step(middle, table["hazard"] * scale, where="mid", color=OKABE_ITO[0],
            label="hazard, 95% interval")
    if trial is not None:
        low, median, high = trial
        if high > low:
            ax.axvspan(low, high, color=OKABE_ITO[3], alpha=0.08,
                       label="trial periods of 90% of buyers")
        ax.axvline(median, color=OKABE_ITO[3], linestyle="--", linewidth=1.2,
                   label=f"median trial period ({median:.0f} weeks)")
    ax.set_xlabel("age of the relationship (weeks since the first trial order)")
    ax.set_ylabel("endings per relationship-year")
    ax.legend(loc="upper right")
    return save(figure, path)
