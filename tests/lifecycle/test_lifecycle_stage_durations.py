"""Stages take time for reasons: the emergent durations of development, long-term and final.

Development lasts as long as the adaptation projects that build commitment
(C8, C9); long-term becomes final through a hazard that grows with the stay
(C12); a final relationship whose supplier's attention lapses can end
without any entry (C11, C12). Each statement is judged over seeds with a
Student-t 95% interval (``analysis.stats.mean_interval``) on the baseline and
on a market of another size, horizon and sourcing breadth; two scenarios of a
comparison share their seeds, so their differences are paired.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from functools import cache

import numpy as np
import pandas as pd
import pytest

from analysis.stats import mean_interval
from sim.engine import replication_seed
from sim.models.lifecycle import simulate
from sim.models.lifecycle.vocabulary import EXITS
from sim.scenario import load_scenario

SEEDS = 8
MULTI_SOURCING = (
    "lifecycle.market.buyers.count=150", "lifecycle.market.suppliers.count=10",
    "horizon=12 years", "lifecycle.market.buyers.sourcing_breadth=3",
)
"""A market unlike the baseline: half the buyers, fewer suppliers, longer, three suppliers each."""
MARKETS = {"baseline": (), "multi_sourcing": MULTI_SOURCING}
NO_ENTRY = ("lifecycle.entry.rate=0", "lifecycle.entry.times=[]")
EARLY_STAY, LATE_STAY = (0.0, 104.0), (104.0, 208.0)
"""Two windows of the stay in long-term, weeks since entering it."""


def _promotion_rate(long_term: pd.DataFrame, window: tuple[float, float]) -> float:
    """Promotions to final per year of long-term stay within ``window`` (weeks into the stay)."""
    low, high = window
    left = np.where(long_term["t_final"].notna(), long_term["t_final"], long_term["end"])
    stay = left - long_term["t_long_term"].to_numpy()
    exposure = np.clip(stay, low, high) - low
    promoted = long_term["t_final"].notna() & (stay >= low) & (stay < high)
    return float(promoted.sum() / (exposure.sum() / 52.0))


def figures(pairs: pd.DataFrame, review: float) -> dict[str, float]:
    """One replication's stage durations and transitions."""
    long_term = pairs[pairs["t_long_term"].notna()]
    development = (long_term["t_long_term"] - long_term["t_development"]) / review
    final = pairs[pairs["t_final"].notna()]
    exits = {reason.value for reason in EXITS}
    return {
        "development_reviews": float(development.median()),
        "at_first_review": float((development <= 1.0).mean()),
        "rate_early_stay": _promotion_rate(long_term, EARLY_STAY),
        "rate_late_stay": _promotion_rate(long_term, LATE_STAY),
        "final_decayed": float(
            (~final["censored"] & ~final["end_reason"].isin(exits)).sum()
        ),
    }


def _one(job) -> dict[str, float]:
    name, overrides, replication = job
    scenario = load_scenario(name, overrides=list(overrides))
    review = scenario.lifecycle.relationship.review_interval.development
    pairs = simulate(scenario, replication_seed(scenario.seed, replication))["pairs"]
    return figures(pairs, review)


@cache
def replicate(name: str, overrides: tuple[str, ...], seeds: int) -> pd.DataFrame:
    """Figures per replication of a bundled scenario (cached for the session)."""
    with ProcessPoolExecutor(2) as pool:
        return pd.DataFrame(pool.map(_one, [(name, overrides, r) for r in range(seeds)]))


@pytest.mark.parametrize("market", list(MARKETS))
def test_development_spans_several_reviews_as_adaptation_projects_build_commitment(market):
    runs = replicate("baseline", MARKETS[market], SEEDS)
    mean, low, high = mean_interval(runs["development_reviews"])
    assert low >= 3.0, (mean, low, high)
    assert runs["at_first_review"].mean() < 0.2


@pytest.mark.parametrize("market", list(MARKETS))
def test_longer_stays_in_long_term_raise_the_hazard_of_becoming_final(market):
    runs = replicate("baseline", MARKETS[market], SEEDS)
    mean, low, high = mean_interval(runs["rate_late_stay"] - runs["rate_early_stay"])
    assert low > 0.0, (mean, low, high)


@pytest.mark.slow
@pytest.mark.parametrize("market", [
    pytest.param("baseline", marks=pytest.mark.xfail(strict=True, reason=(
        "not detected on the current model: +0.0625 [-0.349, +0.474] decays per market over "
        "16 seeds, against +0.69 [+0.22, +1.15] before buyers adapted only for their own "
        "gain, which about halved the relationships reaching final"))),
    # detected on the random streams of the merged buyers' clocks, +0.3125 [+0.057, +0.568]
    # over 16 seeds (5 decays under neglect); before them +0.375 [-0.008, +0.758]
    "multi_sourcing",
])
def test_final_relationships_whose_attention_lapses_decay_without_entry(market):
    overrides = MARKETS[market] + NO_ENTRY
    base = replicate("baseline", overrides, 16)
    neglect = replicate("neglect", overrides, 16)
    mean, low, high = mean_interval(neglect["final_decayed"] - base["final_decayed"])
    assert low > 0.0, (mean, low, high)
    assert neglect["final_decayed"].sum() > 0
