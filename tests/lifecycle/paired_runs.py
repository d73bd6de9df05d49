"""Whole replications of two versions of the model compared figure by figure.

An exact re-arrangement of the model (the order book's counts of outside
orders, the merged clocks of the buyers) must leave every outcome unchanged
in distribution. ``differing`` runs the new version and the reference on the
same seeds (so each replication's market at week 0 is the same) and returns
the figures whose mean paired difference is significant: Student's t over
the replications, two-sided, Bonferroni to a family-wise ``LEVEL`` over the
figures that vary.
"""

from __future__ import annotations

import math
from functools import cache
from unittest import mock

import numpy as np
from scipy import stats

from sim.engine import replication_seed
from sim.models.lifecycle import clocks
from sim.models.lifecycle.agents import STAGE_NAMES
from sim.models.lifecycle.vocabulary import EndReason, Message
from sim.scenario import load_scenario

WEEKS = 52.0
LEVEL = 0.01  # family-wise level of a market's thirty-odd paired comparisons (Bonferroni)


def _counting(counts: dict[str, int], name: str, function):
    def counted(*args):
        counts[name] += 1
        return function(*args)
    return counted


@cache
def replication_figures(market_class, overrides: tuple[str, ...], replication: int
                        ) -> dict[str, float]:
    """The yearly spends, the buyers' clock events and the relationship outcomes of one
    replication (cached: the reference runs serve several tests)."""
    scenario = load_scenario("baseline", overrides=list(overrides))
    counts = dict.fromkeys(("requirement_shifts", "key_persons_left", "buyer_exits",
                            "reviews"), 0)
    # both versions call the buyers' events through ``clocks``'s names
    with mock.patch.multiple(
        clocks,
        requirement_shift=_counting(counts, "requirement_shifts", clocks.requirement_shift),
        key_person_leaves=_counting(counts, "key_persons_left", clocks.key_person_leaves),
        buyer_leaves=_counting(counts, "buyer_exits", clocks.buyer_leaves),
    ):
        market = market_class(scenario, replication_seed(scenario.seed, replication))
        sampler, spends = market.sampler, {}
        take, post = sampler.take, market.relationships.post

        def recorded(time):
            take(time)
            spends[time] = (market.spend_incumbents + market.spend_entrants,
                            market.spend_outside)

        def posted(pair, message):
            counts["reviews"] += message[0] == Message.REVIEW
            post(pair, message)

        sampler.take, market.relationships.post = recorded, posted
        market.run()
    figures: dict[str, float] = {name: float(count) for name, count in counts.items()}
    for year in range(1, int(market.horizon // WEEKS) + 1):
        now, before = spends[year * WEEKS], spends[(year - 1) * WEEKS]
        figures[f"supplier_spend_y{year}"] = now[0] - before[0]
        figures[f"outside_spend_y{year}"] = now[1] - before[1]
    figures["share_outside"] = float(market.sampler.frame()["share_outside"].mean())
    pairs = market.relationships.records.frame()
    figures["pairs_begun"] = float(len(pairs))
    for stage in STAGE_NAMES:
        figures[f"furthest_{stage}"] = float((pairs["furthest_stage"] == stage).mean())
    for reason in (*EndReason, ""):
        figures[f"ended_{reason or 'censored'}"] = float((pairs["end_reason"] == reason).sum())
    ended = pairs[~pairs["censored"]]
    figures["duration_ended"] = float((ended["end"] - ended["start"]).mean())
    figures["duration_all"] = float((pairs["end"] - pairs["start"]).mean())
    figures["orders_with_suppliers"] = float(pairs["episodes"].sum())
    figures["shifts_noticed"] = float(pairs["noticed_shifts"].sum())
    figures["shifts_missed"] = float(pairs["missed_shifts"].sum())
    return figures


def differing(overrides: tuple[str, ...], replications: int, market_class, reference
              ) -> dict[str, float]:
    """The figures whose mean paired difference between ``market_class`` and
    ``reference`` is significant, each with its t statistic."""
    runs = [(replication_figures(market_class, overrides, r),
             replication_figures(reference, overrides, r))
            for r in range(replications)]
    varying = [name for name in runs[0][0]
               if len({run[name] for pair in runs for run in pair}) > 1]
    critical = stats.t.ppf(1.0 - LEVEL / 2.0 / len(varying), replications - 1)
    out = {}
    for name in varying:
        d = np.array([new[name] - old[name] for new, old in runs])
        se = d.std(ddof=1) / math.sqrt(replications)
        if (se == 0.0 and d.mean() != 0.0) or (se > 0.0 and abs(d.mean()) > critical * se):
            out[name] = d.mean() / se if se > 0.0 else math.inf
    return out
