"""Trial periods: each buyer's own patience with a trial supplier (C4, C5, C6)."""

from __future__ import annotations

import numpy as np
import pytest
from lifecycle_runs import small_scenario

from sim.models.lifecycle import run_market
from sim.models.lifecycle.market import Market
from sim.models.lifecycle.outputs import events_frame

TRIAL_ENDS = ("trust_not_built", "alternative_better_after_trial", "trial_disappointed")


def _market(trial_period, buyers: int = 200) -> Market:
    scenario = small_scenario(
        market={"buyers": {"count": buyers}}, relationship={"trial": {"period": trial_period}})
    return Market(scenario, np.random.SeedSequence(4))


def test_buyers_differ_in_patience_around_the_median_by_default():
    scenario = small_scenario(market={"buyers": {"count": 400}})
    periods = np.array([b.trial_period for b in Market(scenario, np.random.SeedSequence(4)).buyers])
    assert len(set(periods)) == len(periods)
    # lognormal, median 78 weeks, sigma 0.3: the sample median is within a few weeks
    assert np.median(periods) == pytest.approx(78, rel=0.06)
    assert np.std(np.log(periods)) == pytest.approx(0.3, rel=0.15)


@pytest.mark.parametrize("period", [52, "1 year"])
def test_a_constant_trial_period_is_every_buyers(period):
    assert {buyer.trial_period for buyer in _market(period).buyers} == {52.0}


def test_drawing_patience_leaves_every_other_draw_of_the_market_as_it_was():
    patient = _market({"dist": "lognormal", "median": 200, "sigma": 0.5})
    hasty = _market(10)
    assert [b.trial_period for b in patient.buyers] != [b.trial_period for b in hasty.buyers]
    for first, second in zip(patient.buyers, hasty.buyers, strict=True):
        assert (first.order_rate, first.tolerance, first.requirements) == (
            second.order_rate, second.tolerance, second.requirements)
    assert [s.quality for s in patient.suppliers] == [s.quality for s in hasty.suppliers]


def test_a_trial_ends_for_time_only_after_the_buyers_own_trial_period():
    scenario = small_scenario(
        market={"buyers": {"count": 80}},
        relationship={"trial": {"period": {"dist": "uniform", "low": 8, "high": 40}}})
    market = run_market(scenario, np.random.SeedSequence(9), events=True)
    patience = {buyer.name: buyer.trial_period for buyer in market.buyers}
    events = events_frame(market.log)
    starts = events[events["new_stage"] == "early"].set_index(["buyer", "supplier"])["time"]
    ends = events[(events["new_stage"] == "ended") & events["cause"].isin(TRIAL_ENDS)]
    checked = 0
    for row in ends.itertuples():
        if row.buyer in patience and (row.buyer, row.supplier) in starts.index:
            began = starts.loc[(row.buyer, row.supplier)]
            began = began if np.isscalar(began) else began.iloc[-1]
            assert row.time - began >= patience[row.buyer] - 1e-9
            checked += 1
    assert checked >= 5
