"""lifecycle-wkh-hysteresis: loyal buyers stay with their incumbent against a better entrant.

Runs the lifecycle market reduced to Weisbuch, Kirman & Herreiner's case
(:mod:`reproduce.lifecycle_wkh`) with one incumbent supplier; after two
years an entrant opens whose orders are worth more (a lower price, an
offering tailored to each buyer), and every buyer takes it on as a second
supplier. Seed by seed, it measures the share of buyers whose largest
volume share at the horizon is the entrant's, at a low and at high
sensitivities beta (multiples of beta_c of two equal suppliers).
"""

from __future__ import annotations

import numpy as np

from analysis.plots import OKABE_ITO, new_figure, save
from analysis.stats import mean_interval
from reproduce import lifecycle_wkh as wkh
from reproduce.framework import Check, Context, Verdict, vote

NAME = "lifecycle-wkh-hysteresis"
SOURCE = ("Weisbuch, G., Kirman, A. & Herreiner, D. (2000) Market organisation and trading "
          "relationships. Economic Journal 110(463): 411-436.")
CLAIM = ("In the lifecycle market reduced to the source's case, buyers with a high beta stay "
         "loyal to their incumbent supplier when an entrant's orders are worth moderately more, "
         "while buyers with a low beta move most of their volume to the entrant.")
CRITERION = ("In at least 90% of seeds: at beta_c/2 more than half of the buyers give the "
             "entrant their largest volume share at the horizon; at 2 beta_c and at 3 beta_c "
             "fewer than half do; and at 3 beta_c a much larger advantage wins more of them "
             "than the moderate one (a paired 95% interval over seeds above 0).")

SEED = 70000
ENTRY_WEEK = 104
YEARS = 4.0
MODERATE = 0.8
"""The entrant's price: its orders are worth 1.2 against the incumbent's 0.98 (+23%)."""
LARGE = 0.2
"""A much lower price: orders worth 1.8 (+84%)."""
LOW, HIGH = 0.5, (2.0, 3.0)


def entrant(price: float) -> tuple[str, ...]:
    """Overrides: an entrant at :data:`ENTRY_WEEK` like the incumbents but for its price,
    its offering tailored to each buyer's requirements, and frequent contacts."""
    return (f"lifecycle.entry.times=[{ENTRY_WEEK}]",
            "lifecycle.entry.entrant.technology_noise=0",
            "lifecycle.entry.entrant.quality=1",
            "lifecycle.entry.entrant.culture=0.5",
            "lifecycle.entry.entrant.location=0.5",
            f"lifecycle.entry.entrant.price={price!r}",
            "lifecycle.entry.entrant.marketing_rate=2000")


def entrant_value(price: float) -> float:
    """Value of an order with the entrant (fit 1): ``1 - (price - 1)``."""
    return 2.0 - price


def run(context: Context, ratio: float, price: float, *, seeds: int, buyers: int):
    """One reduced market with an entrant at ``price`` and beta = ``ratio`` beta_c."""
    extra = entrant(price)
    return context.run(wkh.BASE, replications=seeds, seed=SEED, parallel=False,
                       overrides=wkh.overrides(1, ratio * wkh.beta_c(2), buyers, YEARS,
                                               breadth=2, extra=extra))


def won_share(results) -> np.ndarray:
    """Per replication, the share of buyers whose largest volume share is an entrant's."""
    shares = wkh.buyer_shares(results.pairs)
    favourite = shares.idxmax(axis=1).str.startswith("E")
    return favourite.groupby(level="replication").mean().to_numpy()


def reproduce(context: Context) -> Check:
    """Judge stay and switch at low and high beta, and the larger advantage."""
    settings = context.settings
    seeds = settings.pick(5, 20)
    buyers = settings.pick(150, 300)
    ratios = (LOW, *HIGH)
    won = {(ratio, price): won_share(run(context, ratio, price, seeds=seeds, buyers=buyers))
           for ratio in ratios for price in (MODERATE, LARGE)}
    advantage = entrant_value(MODERATE) / wkh.VALUE - 1
    verdicts = [_vote(f"beta = beta_c/2, entrant +{advantage:.0%}: buyers switch",
                      "won > 0.5", won[LOW, MODERATE], above=True)]
    for ratio in HIGH:
        verdicts.append(_vote(f"beta = {ratio:g} beta_c, entrant +{advantage:.0%}: loyal "
                              "buyers stay", "won < 0.5", won[ratio, MODERATE], above=False))
    gain = won[HIGH[-1], LARGE] - won[HIGH[-1], MODERATE]
    mean, lo, hi = mean_interval(gain)
    large = entrant_value(LARGE) / wkh.VALUE - 1
    verdicts.append(Verdict(
        f"beta = {HIGH[-1]:g} beta_c: +{large:.0%} wins more loyal buyers than "
        f"+{advantage:.0%}", "paired difference > 0",
        f"{mean:+.3f} [{lo:+.3f}, {hi:+.3f}]", lo > 0))
    figure = _figure(ratios, won, context.figure_path(NAME), (advantage, large))
    return Check.from_verdicts(
        __name__, verdicts,
        expected=f"switch at beta_c/2, stay at 2 and 3 beta_c against +{advantage:.0%}",
        measured=", ".join(f"{won[r, MODERATE].mean():.2f} at {r:g} beta_c" for r in ratios)
        + " of buyers won by the entrant",
        figure=figure,
        notes=[f"{seeds} seeds of {buyers} buyers per point; entrant on week {ENTRY_WEEK} of "
               f"{YEARS:g} years; beta_c = {wkh.beta_c(2):.3f} (two suppliers of value "
               f"{wkh.VALUE:.3f}); the reduced case's overrides are in "
               "reproduce/lifecycle_wkh.py and docs/model.md."])


def _vote(label: str, expected: str, shares: np.ndarray, above: bool) -> Verdict:
    holds = shares > 0.5 if above else shares < 0.5
    passed, count = vote(holds)
    mean, lo, hi = mean_interval(shares)
    return Verdict(label, expected, f"{mean:.3f} [{lo:.3f}, {hi:.3f}]; holds in {count}", passed)


def _figure(ratios, won, path, advantages):
    figure, ax = new_figure("Loyal buyers stay with their incumbent; others move to the entrant")
    for colour, price, advantage in zip(OKABE_ITO, (MODERATE, LARGE), advantages, strict=False):
        rows = [won[ratio, price] for ratio in ratios]
        band = np.array([mean_interval(row)[1:] for row in rows])
        ax.fill_between(ratios, band[:, 0], band[:, 1], color=colour, alpha=0.2)
        ax.plot(ratios, [row.mean() for row in rows], "o-", color=colour,
                label=f"entrant +{advantage:.0%}")
    ax.axhline(0.5, color="black", linewidth=0.8, linestyle=":")
    ax.set_xlabel("sensitivity beta / beta_c")
    ax.set_ylabel("buyers giving the entrant their largest share")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(loc="upper right")
    return save(figure, path)
