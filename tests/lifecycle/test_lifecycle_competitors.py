"""Competitors are real: a competitor ending names who took the business (C6).

A ``competitor`` ending's ``lost_to`` is a supplier the buyer could buy from,
and that supplier then gets the buyer's business (a relationship with it
starts at the ending and reaches trial orders); the spot market is its own
reason, ``outside_option``, lost to ``outside``. Suppliers judge prospects
before any relationship, so a rival that would not pursue the buyer never
wins it. Checked on the bundled baseline and on two markets unlike it, one
single-sourcing and one multi-sourcing.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from sim.engine import replication_seed
from sim.models.lifecycle import run_market
from sim.models.lifecycle.vocabulary import OUTSIDE, EndCause, EndReason, Stage
from sim.scenario import load_scenario

MARKETS = {
    "baseline": (),
    "single-sourcing": ("lifecycle.market.buyers.count=120", "lifecycle.market.suppliers.count=6",
                        "horizon=6 years", "lifecycle.market.buyers.sourcing_breadth=1"),
    "multi-sourcing": ("lifecycle.market.buyers.count=150", "lifecycle.market.suppliers.count=10",
                       "horizon=8 years", "lifecycle.market.buyers.sourcing_breadth=3",
                       "lifecycle.entry.times=[300 weeks]"),
}
REPLICATIONS = 1
_RANK = {stage.label: int(stage) for stage in Stage}


@cache
def _runs(market: str) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Pairs and timeseries of a few replications of ``market`` (cached), and how many
    relationships active at the horizon have a supplier that did not want the buyer."""
    scenario = load_scenario("baseline", overrides=list(MARKETS[market]))
    pairs, series, unwanted = [], [], 0
    for replication in range(REPLICATIONS):
        result = run_market(scenario, replication_seed(scenario.seed, replication))
        pairs.append(result.relationships.records.frame().assign(replication=replication))
        series.append(result.sampler.frame().assign(replication=replication))
        unwanted += sum(pair.supplier.prospects.get(pair.buyer) is not True
                        for pair in result.relationships.active)
    return pd.concat(pairs, ignore_index=True), pd.concat(series, ignore_index=True), unwanted


def _winner_takes_over(pairs: pd.DataFrame, row) -> bool:
    """Whether a relationship with ``row``'s winner starts at its ending and gets volume.

    Getting volume: it reaches trial orders, or it is still negotiating when
    the horizon comes or when the buyer or the winner leaves the market.
    """
    won = pairs[
        (pairs["replication"] == row.replication) & (pairs["buyer"] == row.buyer)
        & (pairs["supplier"] == row.lost_to) & (pairs["start"] == row.end)
    ]
    served = (
        (won["furthest_stage"].map(_RANK) >= Stage.EARLY) | won["censored"]
        | won["end_reason"].isin([EndReason.BUYER_EXIT, EndReason.SUPPLIER_EXIT])
    )
    return bool(served.any())


@pytest.mark.parametrize("market", list(MARKETS))
def test_every_competitor_ending_names_a_supplier_that_then_receives_the_buyers_volume(market):
    pairs, _, _ = _runs(market)
    lost = pairs[pairs["end_reason"] == EndReason.COMPETITOR]
    assert len(lost) >= 20, f"only {len(lost)} competitor endings"
    suppliers = set(pairs["supplier"])
    assert lost["lost_to"].isin(suppliers).all()
    assert (lost["lost_to"] != lost["supplier"]).all()
    missing = [row for row in lost.itertuples() if not _winner_takes_over(pairs, row)]
    assert missing == [], f"{len(missing)} of {len(lost)} winners never got the business"


@pytest.mark.parametrize("market", list(MARKETS))
def test_only_competitor_and_outside_option_endings_name_who_took_the_business(market):
    pairs, _, _ = _runs(market)
    outside = pairs["end_reason"] == EndReason.OUTSIDE_OPTION
    competitor = pairs["end_reason"] == EndReason.COMPETITOR
    assert outside.sum() > 0
    assert (pairs.loc[outside, "lost_to"] == OUTSIDE).all()
    assert (pairs.loc[~outside & ~competitor, "lost_to"] == "").all()


@pytest.mark.parametrize("market", list(MARKETS))
def test_a_prospect_not_worth_pursuing_is_counted_not_written_as_a_relationship(market):
    pairs, series, unwanted = _runs(market)
    assert unwanted == 0, f"{unwanted} relationships with a supplier that declined the buyer"
    last = series.groupby("replication").last()
    assert (last["prospects_declined"] > 0).all()
    assert (last["prospects_declined"] < last["prospects_judged"]).all()
    # A supplier declines a buyer before any relationship: no row ends in pre
    # because the supplier found the buyer unprofitable.
    in_pre = pairs["end_stage"] == Stage.PRE.label
    assert not (in_pre & (pairs["end_reason"] == EndReason.UNPROFITABLE)).any()


def _market():
    scenario = load_scenario("baseline", overrides=["lifecycle.market.buyers.count=30",
                                                    "horizon=4 weeks"])
    return run_market(scenario, np.random.SeedSequence(5))


def test_a_competitor_ending_must_name_its_rival_and_only_a_competitor_ending_may():
    market = _market()
    pair = next(iter(market.relationships.active))
    with pytest.raises(ValueError, match="names the rival"):
        market.relationships.end(pair, EndReason.COMPETITOR, EndCause.BETTER_ALTERNATIVE)
    with pytest.raises(ValueError, match="names the rival"):
        market.relationships.end(pair, EndReason.DISTANCE, rival=market.suppliers[0])
    assert not pair.ended


def test_a_supplier_does_not_court_a_buyer_it_declined():
    market = _market()
    supplier = market.suppliers[0]
    buyer = next(b for b in market.buyers if all(p.supplier is not supplier for p in b.pairs))
    supplier.prospects[buyer] = False
    aware = list(buyer.aware)
    assert not market.sourcing.contact(supplier, buyer)
    assert buyer.aware == aware
    supplier.prospects.update(dict.fromkeys(market.buyers, False))
    assert market.sourcing.target(supplier) is None
