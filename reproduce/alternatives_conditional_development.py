"""alternatives-conditional-development: attractive alternatives stop development among begun pairs.

Ford's C6 says attractive alternatives hold a relationship back from
development. Fewer pairs reaching development could be a volume effect only
(fewer pairs begin trial orders at all); the claim is about the pairs that do
begin. So the statistic is conditional: among the pairs that placed a first
trial order (reached early) at least a year before the horizon, so that each
had time to reach development, the share that reached development. It is
compared between the bundled ``attractive_alternatives`` and ``baseline``
(same seeds, common random numbers) by the per-seed difference; the number
of pairs that begin trial orders is compared the same way.

Between two markets, the pairs that begin are not the same pairs: against
attractive alternatives only better prospects get past pre, so that
comparison mixes the alternatives' effect with the selection of who begins.
A third statement holds the begun pairs fixed: the baseline, and the baseline
into which ``RIVALS`` competitors enter at ``ENTRY_AT`` (the bundled entrant
profile). Entry draws from its own random stream, so the two runs of a seed
are the same until the entry; the pairs in trial orders at that moment are
the same pairs in both, and the per-seed difference in the share of them that
reaches development is the effect of the alternatives that arrived, on pairs
that had already begun.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots import OKABE_ITO, new_figure, save
from analysis.stats import mean_interval
from reproduce.framework import Check, Context, Verdict
from reproduce.lifecycle import WEEKS_PER_YEAR, horizon_of, run

NAME = "alternatives-conditional-development"
SOURCE = ("Ford, D. (1980) The development of buyer-seller relationships in industrial "
          "markets. European Journal of Marketing 14(5/6): 339-353 (claim C6 in dyadsim's "
          "MODEL.md).")
CLAIM = ("More attractive alternatives lower the share of relationships that reach development "
         "among those that begin trial orders, besides fewer relationships beginning.")
CRITERION = ("Per seed, attractive_alternatives minus baseline (same seeds): the share of "
             "begun pairs (first trial order at least a year before the horizon) that reach "
             "development, and the number of pairs that begin trial orders; and, among the "
             "pairs in trial orders when three rivals enter the baseline in year 3 (the same "
             "pairs with and without the entry), the share that reaches development, with "
             "entry minus without; each mean difference has a 95% Student-t interval over "
             "seeds below 0.")

REFERENCE, ATTRACTIVE = "baseline", "attractive_alternatives"
TIME_TO_DEVELOP = WEEKS_PER_YEAR
"""A pair must have begun this long before the horizon to count (weeks)."""
ENTRY_AT = 3 * WEEKS_PER_YEAR
"""When the rivals enter the baseline (weeks)."""
RIVALS = 3
"""How many rivals enter then: enough that most buyers in trial hear of one before their
trial ends (a single entrant reaches a buyer about once in two years)."""
ENTRY = (f"lifecycle.entry.times=[{', '.join([f'{ENTRY_AT:g} weeks'] * RIVALS)}]",)
"""The overrides that make the baseline's rivals enter."""


def conditional_share(pairs: pd.DataFrame, horizon: float) -> pd.Series:
    """Per replication: among pairs whose first trial order came at least
    ``TIME_TO_DEVELOP`` weeks before ``horizon``, the share that reached development."""
    begun = pairs[pairs["t_early"].notna() & (pairs["t_early"] <= horizon - TIME_TO_DEVELOP)]
    return begun.groupby("replication")["t_development"].apply(lambda t: t.notna().mean())


def begun_count(pairs: pd.DataFrame) -> pd.Series:
    """Per replication: the number of pairs that placed a first trial order."""
    return pairs.groupby("replication")["t_early"].apply(lambda t: float(t.notna().sum()))


def in_trial_at(pairs: pd.DataFrame, time: float) -> pd.DataFrame:
    """The pairs in trial orders (early) at ``time``: first trial order before it, not yet
    developed and not ended by then."""
    return pairs[(pairs["t_early"] < time) & (pairs["end"] > time)
                 & ~(pairs["t_development"] <= time)]


def developed_after(pairs: pd.DataFrame, time: float) -> pd.Series:
    """Per replication: of the pairs in trial orders at ``time``, the share that reached
    development later."""
    return in_trial_at(pairs, time).groupby("replication")["t_development"].apply(
        lambda t: t.notna().mean())


def same_history(first: pd.DataFrame, second: pd.DataFrame, time: float) -> bool:
    """Whether two runs' pairs agree up to ``time``: the same pairs began at the same times,
    and the same of them were in trial orders at ``time``."""
    columns = ["replication", "buyer", "supplier", "start"]
    begun = [p.loc[p["start"] < time, columns].sort_values(columns).reset_index(drop=True)
             for p in (first, second)]
    trial = [in_trial_at(p, time)[columns].sort_values(columns).reset_index(drop=True)
             for p in (first, second)]
    return begun[0].equals(begun[1]) and trial[0].equals(trial[1])


def reproduce(context: Context) -> Check:
    """Compare the conditional share and the number of begun pairs, seed by seed, and the
    same pairs in trial with and without rivals entering."""
    reference, attractive = run(context, REFERENCE), run(context, ATTRACTIVE)
    entered = run(context, REFERENCE, ENTRY)
    horizon = horizon_of(reference)
    shares = [conditional_share(r.pairs, horizon) for r in (reference, attractive)]
    counts = [begun_count(r.pairs) for r in (reference, attractive)]
    held = [developed_after(r.pairs, ENTRY_AT) for r in (reference, entered)]
    verdicts = [
        _paired("among begun pairs, a lower share reaches development", shares, "share", 100,
                "points"),
        _paired("fewer pairs begin trial orders", counts, "pairs per market", 1, "pairs"),
        _paired("pairs in trial when rivals enter reach development less often", held,
                "share", 100, "points", ("with entry", "without")),
    ]
    everyone = [r.pairs[r.pairs["t_early"].notna()].groupby("replication")["t_development"]
                .apply(lambda t: t.notna().mean()) for r in (reference, attractive)]
    unrestricted = mean_interval((everyone[1] - everyone[0]).to_numpy())
    figure = _figure(shares, counts, held, context.figure_path(NAME))
    difference = mean_interval((shares[1] - shares[0]).to_numpy())
    after_entry = mean_interval((held[1] - held[0]).to_numpy())
    trial = in_trial_at(reference.pairs, ENTRY_AT).groupby("replication").size()
    history = ("the same" if same_history(reference.pairs, entered.pairs, ENTRY_AT)
               else "NOT the same (the comparison is then only paired by seed)")
    return Check.from_verdicts(
        __name__, verdicts, expected="conditional share lower, and fewer begin",
        measured=f"conditional share {100 * difference[0]:+.1f} points "
                 f"[{100 * difference[1]:+.1f}, {100 * difference[2]:+.1f}]; begun pairs "
                 f"{(counts[1] - counts[0]).mean():+.0f} per market; pairs in trial at entry "
                 f"{100 * after_entry[0]:+.1f} points [{100 * after_entry[1]:+.1f}, "
                 f"{100 * after_entry[2]:+.1f}]",
        figure=figure,
        notes=[f"{len(shares[0])} seeds of the bundled {REFERENCE} and {ATTRACTIVE}. Counting "
               "every begun pair, also those that began in the last year: "
               f"{100 * unrestricted[0]:+.1f} points [{100 * unrestricted[1]:+.1f}, "
               f"{100 * unrestricted[2]:+.1f}].",
               f"Entry: {RIVALS} rivals enter the {REFERENCE} at week {ENTRY_AT:g}; "
               f"{trial.mean():.0f} pairs per market are in trial orders then; the runs with "
               f"and without entry are {history} up to the entry."])


def _paired(label: str, values, unit: str, scale: float, shown: str,
            names: tuple[str, str] = (ATTRACTIVE, REFERENCE)) -> Verdict:
    first, second = values
    mean, low, high = mean_interval((second - first).to_numpy())
    return Verdict(label, f"{names[0]} < {names[1]}",
                   f"{scale * first.mean():.3g} -> {scale * second.mean():.3g} "
                   f"({unit}{' x 100' if scale != 1 else ''}); difference "
                   f"{scale * mean:+.3g} [{scale * low:+.3g}, {scale * high:+.3g}] {shown}",
                   bool(high < 0))


def _figure(shares, counts, held, path):
    figure, (left, middle, right) = new_figure(
        "Attractive alternatives: fewer begin, and of those?", ncols=3)
    for ax, values, label, names in (
            (left, shares, "share of begun pairs reaching development", (REFERENCE, ATTRACTIVE)),
            (middle, counts, "pairs beginning trial orders per market", (REFERENCE, ATTRACTIVE)),
            (right, held, "share of pairs in trial at entry\nreaching development",
             ("no entry", "entry"))):
        for position, (series, colour) in enumerate(zip(values, OKABE_ITO, strict=False)):
            mean, low, high = mean_interval(series)
            ax.errorbar([position], [mean], yerr=[[mean - low], [high - mean]], fmt="o",
                        color=colour, capsize=6)
            ax.scatter(np.full(len(series), position + 0.15), series, color=colour, alpha=0.35,
                       s=12)
        ax.set_xticks([0, 1], [name.replace("_", " ") for name in names])
        ax.set_ylabel(label)
    return save(figure, path)
