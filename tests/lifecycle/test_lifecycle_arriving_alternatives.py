"""C6 on pairs that have already begun: rivals arriving during trial orders hold them back.

Between two markets the pairs that begin are not the same pairs, so the
``alternatives-conditional-development`` reproduction also compares the same
pairs with and without rivals entering while they are in trial orders (entry
draws on its own random stream, so the two runs of a seed agree until the
entry). Here that comparison runs in markets unlike the bundled one: single
and multi-sourcing, other sizes and horizons, paired over seeds by a 95%
Student-t interval.
"""

from __future__ import annotations

from functools import cache

import pytest
from lifecycle_runs import market_overrides

import sim
from analysis.stats import mean_interval
from reproduce.alternatives_conditional_development import (
    ENTRY,
    ENTRY_AT,
    developed_after,
    same_history,
)

SEEDS = 12
MARKETS = {
    "single-sourcing, 120 buyers, 6 suppliers, 6 years": market_overrides("120", "6", "6 years",
                                                                          "1"),
    "multi-sourcing, 160 buyers, 10 suppliers, 5 years": market_overrides("160", "10", "5 years",
                                                                          "3"),
}


@cache
def _pairs(overrides: tuple[str, ...]):
    """The pairs of the baseline moved by ``overrides`` (each run once per session)."""
    return sim.run(sim.load_scenario("baseline", overrides=list(overrides)), replications=SEEDS,
                   seed=81000, workers=1).pairs


@pytest.mark.parametrize("overrides", MARKETS.values(), ids=MARKETS.keys())
def test_rivals_entering_lower_the_share_of_trial_pairs_that_develop(overrides):
    without, with_entry = _pairs(tuple(overrides)), _pairs((*overrides, *ENTRY))
    assert same_history(without, with_entry, ENTRY_AT)
    held = [developed_after(pairs, ENTRY_AT) for pairs in (without, with_entry)]
    assert held[0].size == SEEDS  # every market had pairs in trial at the entry
    mean, low, high = mean_interval((held[1] - held[0]).to_numpy())
    assert high < 0, f"{mean:+.3f} [{low:+.3f}, {high:+.3f}]"


def test_rivals_no_buyer_hears_of_change_nothing_for_the_pairs_in_trial():
    """The control: entrants that make no marketing contacts are alternatives no buyer knows,
    so the same pairs develop as often as without them (the design measures the rivals'
    effect, not a difference the entry makes by itself)."""
    overrides = MARKETS["single-sourcing, 120 buyers, 6 suppliers, 6 years"]
    silent = (*overrides, *ENTRY, "lifecycle.entry.entrant.marketing_rate=0")
    held = [developed_after(_pairs(o), ENTRY_AT) for o in (tuple(overrides), silent)]
    mean, low, high = mean_interval((held[1] - held[0]).to_numpy())
    assert low < 0 < high and abs(mean) < 0.03, f"{mean:+.3f} [{low:+.3f}, {high:+.3f}]"
