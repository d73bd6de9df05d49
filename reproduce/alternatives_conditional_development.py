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
             "development, and the number of pairs that begin trial orders; each mean "
             "difference has a 95% Student-t interval over seeds below 0.")

REFERENCE, ATTRACTIVE = "baseline", "attractive_alternatives"
TIME_TO_DEVELOP = WEEKS_PER_YEAR
"""A pair must have begun this long before the horizon to count (weeks)."""


def conditional_share(pairs: pd.DataFrame, horizon: float) -> pd.Series:
    """Per replication: among pairs whose first trial order came at least
    ``TIME_TO_DEVELOP`` weeks before ``horizon``, the share that reached development."""
    begun = pairs[pairs["t_early"].notna() & (pairs["t_early"] <= horizon - TIME_TO_DEVELOP)]
    return begun.groupby("replication")["t_development"].apply(lambda t: t.notna().mean())


def begun_count(pairs: pd.DataFrame) -> pd.Series:
    """Per replication: the number of pairs that placed a first trial order."""
    return pairs.groupby("replication")["t_early"].apply(lambda t: float(t.notna().sum()))


def reproduce(context: Context) -> Check:
    """Compare the conditional share and the number of begun pairs, seed by seed."""
    reference, attractive = run(context, REFERENCE), run(context, ATTRACTIVE)
    horizon = horizon_of(reference)
    shares = [conditional_share(r.pairs, horizon) for r in (reference, attractive)]
    counts = [begun_count(r.pairs) for r in (reference, attractive)]
    verdicts = [
        _paired("among begun pairs, a lower share reaches development", shares, "share", 100,
                "points"),
        _paired("fewer pairs begin trial orders", counts, "pairs per market", 1, "pairs"),
    ]
    everyone = [r.pairs[r.pairs["t_early"].notna()].groupby("replication")["t_development"]
                .apply(lambda t: t.notna().mean()) for r in (reference, attractive)]
    unrestricted = mean_interval((everyone[1] - everyone[0]).to_numpy())
    figure = _figure(shares, counts, context.figure_path(NAME))
    difference = mean_interval((shares[1] - shares[0]).to_numpy())
    return Check.from_verdicts(
        __name__, verdicts, expected="conditional share lower, and fewer begin",
        measured=f"conditional share {100 * difference[0]:+.1f} points "
                 f"[{100 * difference[1]:+.1f}, {100 * difference[2]:+.1f}]; begun pairs "
                 f"{(counts[1] - counts[0]).mean():+.0f} per market",
        figure=figure,
        notes=[f"{len(shares[0])} seeds of the bundled {REFERENCE} and {ATTRACTIVE}. Counting "
               "every begun pair, also those that began in the last year: "
               f"{100 * unrestricted[0]:+.1f} points [{100 * unrestricted[1]:+.1f}, "
               f"{100 * unrestricted[2]:+.1f}]."])


def _paired(label: str, values, unit: str, scale: float, shown: str) -> Verdict:
    first, second = values
    mean, low, high = mean_interval((second - first).to_numpy())
    return Verdict(label, f"{ATTRACTIVE} < {REFERENCE}",
                   f"{scale * first.mean():.3g} -> {scale * second.mean():.3g} "
                   f"({unit}{' x 100' if scale != 1 else ''}); difference "
                   f"{scale * mean:+.3g} [{scale * low:+.3g}, {scale * high:+.3g}] {shown}",
                   bool(high < 0))


def _figure(shares, counts, path):
    figure, (left, right) = new_figure("Attractive alternatives: fewer begin, and of those?",
                                       ncols=2)
    for ax, values, label in ((left, shares, "share of begun pairs reaching development"),
                              (right, counts, "pairs beginning trial orders per market")):
        for position, (series, colour) in enumerate(zip(values, OKABE_ITO, strict=False)):
            mean, low, high = mean_interval(series)
            ax.errorbar([position], [mean], yerr=[[mean - low], [high - mean]], fmt="o",
                        color=colour, capsize=6)
            ax.scatter(np.full(len(series), position + 0.15), series, color=colour, alpha=0.35,
                       s=12)
        ax.set_xticks([0, 1], [REFERENCE.replace("_", " "), ATTRACTIVE.replace("_", " ")])
        ax.set_ylabel(label)
    return save(figure, path)
