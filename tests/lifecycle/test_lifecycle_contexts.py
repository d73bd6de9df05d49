"""The emergent behaviours of docs/model.md in markets unlike the bundled ones.

Each behaviour of the model doc's list is judged, with the statistic and the
criterion of the ``seed-claims`` reproduction, in three markets built by
overriding the bundled scenarios: they differ from the bundled 300 buyers,
12 suppliers and ten years in size and horizon, and their buyers source from
one supplier or from three. Every comparison uses the same seeds in both
scenarios (common random numbers) and judges the per-seed difference by its
95% Student-t interval (:func:`analysis.stats.mean_interval`); the statements
the reproduction judges by a vote over seeds are judged here by the interval
of the per-seed statistic minus its threshold instead.

A behaviour that does not hold in a market is kept honest: the test is a
strict xfail whose reason holds the interval measured, and nothing is tuned.
The results are tabulated in docs/model.md ("Tested in").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from analysis.stats import mean_interval
from reproduce import alternatives_conditional_development as conditional
from reproduce import seed_claims
from reproduce.framework import Context, Settings, Verdict
from reproduce.lifecycle import began, horizon_of, run

pytestmark = pytest.mark.slow

SEEDS = 12
"""Replications per scenario and market (the same seeds in every scenario)."""
SEED = 70000
ENTRY_AT = (0.5, 0.6, 0.7)
"""Entrants open at these fractions of the horizon (the bundled entry is at 5, 6, 7 of 10 years)."""


@dataclass(frozen=True)
class Market:
    """A market unlike the bundled ones: size, horizon and sourcing breadth."""

    name: str
    buyers: int
    suppliers: int
    years: int
    breadth: int

    def overrides(self, scenario: str) -> tuple[str, ...]:
        """The overrides that put ``scenario``'s difference from the baseline into this market."""
        # weak competition is the baseline with half the suppliers: keep that ratio
        suppliers = max(3, self.suppliers // 2) if scenario == "weak_competition" else \
            self.suppliers
        overrides = [f"lifecycle.market.buyers.count={self.buyers}",
                     f"lifecycle.market.suppliers.count={suppliers}",
                     f"horizon={self.years} years",
                     f"lifecycle.market.buyers.sourcing_breadth={self.breadth}"]
        if scenario == "competitor_entry":
            times = ", ".join(f"{share * self.years * 52:g} weeks" for share in ENTRY_AT)
            overrides.append(f"lifecycle.entry.times=[{times}]")
        return tuple(overrides)


MARKETS = (
    Market("small, single-sourcing", buyers=60, suppliers=6, years=6, breadth=1),
    Market("large, multi-sourcing", buyers=150, suppliers=10, years=12, breadth=3),
    Market("mid-size, long, single-sourcing", buyers=100, suppliers=8, years=15, breadth=1),
)


class MarketContext(Context):
    """A reproduction context whose every run is moved into one market, in this process."""

    def __init__(self, market: Market):
        super().__init__(Settings(quick=True, workers=1))
        self.market = market

    def run(self, scenario, *, replications, seed, overrides=(), events=False, parallel=True):
        # the reproduction's own overrides (entry removed) come last, so they win
        return super().run(scenario, replications=SEEDS, seed=SEED,
                           overrides=(*self.market.overrides(scenario), *overrides),
                           events=events, parallel=False)


def _interval_verdict(label: str, values, side: int, threshold: float = 0.0) -> Verdict:
    """Judge per-seed ``values`` minus ``threshold`` by its t interval on ``side`` of 0."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)] - threshold
    if values.size < 2:
        return Verdict(label, f"{'>' if side > 0 else '<'} {threshold:g}",
                       f"{values.size} seeds with a value", False)
    mean, low, high = mean_interval(values)
    return Verdict(label, f"{'>' if side > 0 else '<'} {threshold:g}",
                   f"{mean + threshold:.3g}; minus {threshold:g}: {mean:+.3g} "
                   f"[{low:+.3g}, {high:+.3g}] over {values.size} seeds",
                   bool(low > 0 if side > 0 else high < 0))


def adaptation_in_development(context) -> Verdict:
    """C8: more than half of the adaptation spending falls in development."""
    events = seed_claims.run(context, "baseline", events=True).events
    adaptations = events[events["kind"] == "adaptation"]
    totals = adaptations.groupby("replication")["amount"].sum()
    inside = (adaptations[adaptations["stage"] == "development"]
              .groupby("replication")["amount"].sum().reindex(totals.index, fill_value=0))
    return _interval_verdict("adaptation spending concentrated in development (C8)",
                             inside / totals, +1, 0.5)


def cheaper_long_term(context) -> Verdict:
    """C10: cost to serve per unit of revenue, long-term minus development, per seed."""
    pairs = seed_claims.run(context, "baseline").pairs
    sums = pairs.groupby("replication")[["cost_development", "revenue_development",
                                         "cost_long_term", "revenue_long_term"]].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        difference = (sums["cost_long_term"] / sums["revenue_long_term"]
                      - sums["cost_development"] / sums["revenue_development"])
    return _interval_verdict("long-term costs less to serve per revenue than development (C10)",
                             difference.replace([np.inf, -np.inf], np.nan), -1)


def most_end_before_long_term(context) -> Verdict:
    """C13: more than half of the ended begun relationships end before long-term."""
    pairs = began(seed_claims.run(context, "baseline").pairs)
    ended = pairs[~pairs["censored"]]
    share = ended.groupby("replication")["end_stage"].apply(
        lambda s: s.isin(["early", "development"]).mean())
    return _interval_verdict("most relationships end before long-term (C13)", share, +1, 0.5)


def alternatives_lower_conditional_development(context) -> Verdict:
    """C6 among begun pairs: attractive alternatives lower the share reaching development.

    The ``alternatives-conditional-development`` statistic: per seed, the
    share of pairs that began trial orders at least a year before the horizon
    and reached development, attractive alternatives minus baseline.
    """
    reference, attractive = (run(context, name)
                             for name in (conditional.REFERENCE, conditional.ATTRACTIVE))
    horizon = horizon_of(reference)
    first, second = (conditional.conditional_share(r.pairs, horizon)
                     for r in (reference, attractive))
    return _interval_verdict("attractive alternatives: a lower share of begun pairs reaches "
                             "development (C6)", (second - first).to_numpy(), -1)


def arriving_rivals_hold_trial_pairs_back(context) -> Verdict:
    """C6 on the same begun pairs: of those in trial orders when rivals enter, a lower share
    reaches development than without the entry (``alternatives-conditional-development``)."""
    without = run(context, conditional.REFERENCE)
    entered = run(context, conditional.REFERENCE, conditional.ENTRY)
    first, second = (conditional.developed_after(r.pairs, conditional.ENTRY_AT)
                     for r in (without, entered))
    return _interval_verdict("rivals entering: a lower share of the pairs in trial develops (C6)",
                             (second - first).to_numpy(), -1)


def _claim(function):
    return lambda context: function(context)[0]


BEHAVIOURS = {
    "distance ends pre/early (C3, C5)": _claim(seed_claims.distance_ends_early),
    "alternatives: fewer reach development (C6)":
        _claim(seed_claims.alternatives_stop_development),
    "alternatives: lower share of begun pairs develops (C6)":
        alternatives_lower_conditional_development,
    "rivals entering: fewer trial pairs develop (C6)": arriving_rivals_hold_trial_pairs_back,
    "adaptation after trust (C8)": _claim(seed_claims.adaptation_follows_trust),
    "adaptation spending in development (C8)": adaptation_in_development,
    "long-term cheaper to serve (C10)": cheaper_long_term,
    "neglect: lower satisfaction (C11)": _claim(seed_claims.neglect_lowers_satisfaction),
    "neglect: more losses to competitors (C11)":
        _claim(seed_claims.neglect_loses_to_competitors),
    "final is rare (C12)": _claim(seed_claims.final_is_rare),
    "weak competition: more final (C12)": _claim(seed_claims.final_under_weak_competition),
    "final lost after entry (C12)": _claim(seed_claims.final_lost_after_entry),
    "most end before long-term (C13)": most_end_before_long_term,
    "skills: fewer poor-performance endings (C15)":
        _claim(seed_claims.skills_prevent_poor_performance),
}
"""Each statement of the model doc's list of emergent behaviours, by its short name."""

SMALL, LARGE, LONG = MARKETS[0].name, MARKETS[1].name, MARKETS[2].name

DOES_NOT_HOLD: dict[tuple[str, str], str] = {
    (LARGE, "neglect: more losses to competitors (C11)"):
        "0.417 -> 1.17 long-term and final pairs lost to competitors per market; difference "
        "+0.75 [-0.0684, +1.57]: not detected on the random streams of the merged buyers' "
        "clocks (+0.75 [+0.14, +1.36] before)",
    (SMALL, "alternatives: lower share of begun pairs develops (C6)"):
        "the share of begun pairs reaching development rises by +0.0506 [+0.00166, +0.0996]: "
        "only better-fitting, more reliable pairs begin against attractive alternatives",
    (LARGE, "alternatives: lower share of begun pairs develops (C6)"):
        "the share of begun pairs reaching development rises by +0.0569 [+0.0409, +0.0729]: "
        "only better-fitting, more reliable pairs begin against attractive alternatives",
    (LONG, "alternatives: lower share of begun pairs develops (C6)"):
        "the share of begun pairs reaching development rises by +0.0472 [+0.0148, +0.0796]: "
        "only better-fitting, more reliable pairs begin against attractive alternatives",
    (SMALL, "neglect: more losses to competitors (C11)"):
        "0.583 -> 0.75 long-term pairs lost to competitors per market; difference +0.167 "
        "[-0.289, +0.623]: too few long-term pairs in six years to tell",
    (SMALL, "final lost after entry (C12)"):
        "no final pair is lost to a competitor from the first entry (3 of 6 years) on, with "
        "entry or without it: difference +0 [+0, +0] per final year",
    (SMALL, "skills: fewer poor-performance endings (C15)"):
        "0.239 -> 0.216 of begun pairs end for poor performance; difference -0.0233 "
        "[-0.0508, +0.00415]",
    (LONG, "weak competition: more final (C12)"):
        "0.103 -> 0.116 moves to final per long-term year; difference +0.0129 "
        "[-0.0118, +0.0376]",
}
"""(market, behaviour) pairs where the behaviour was measured not to hold, with the interval."""

_CONTEXTS: dict[str, MarketContext] = {}


def context_of(market: Market) -> MarketContext:
    """One context per market, so its runs are shared by the behaviours judged on it."""
    if market.name not in _CONTEXTS:
        _CONTEXTS[market.name] = MarketContext(market)
    return _CONTEXTS[market.name]


def _cases():
    for market in MARKETS:
        for behaviour in BEHAVIOURS:
            reason = DOES_NOT_HOLD.get((market.name, behaviour))
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            yield pytest.param(market, behaviour, marks=marks, id=f"{market.name}: {behaviour}")


@pytest.mark.parametrize(("market", "behaviour"), list(_cases()))
def test_emergent_behaviour_holds_in_a_market_unlike_the_bundled_ones(market, behaviour):
    verdict = BEHAVIOURS[behaviour](context_of(market))
    assert verdict.passed, f"{market.name}: {verdict.label}: {verdict.measured}"
