"""Each stage function on its own, driven with a small stub market (``stub_market.py``)."""

from __future__ import annotations

import pytest
from stub_market import StubMarket, make_buyer, make_pair, make_supplier

from sim.models.lifecycle.agents import DEVELOPMENT, EARLY, FINAL, LONG_TERM
from sim.models.lifecycle.episodes import APPROACH, EPISODE, PROBLEM, REVIEW
from sim.models.lifecycle.stages import (
    development,
    early,
    final,
    long_term,
    pre,
)
from sim.models.lifecycle.vocabulary import EndCause, EndReason, EntryCause

WAITING = "waiting"


def step(stage, market, pair, *messages):
    """Hand ``messages`` to ``stage``; return the next stage function, or WAITING."""
    pair.inbox = [tuple(m) for m in messages]
    process = stage(market, pair)
    try:
        next(process)
    except StopIteration as stop:
        return stop.value
    return WAITING


def believing(pair, successes: float, failures: float, goodwill: float = 0.0):
    pair.alpha, pair.beta, pair.goodwill = successes, failures, goodwill
    return pair


def in_stage(pair, stage, since: float = 0.0):
    pair.stage, pair.stage_since = stage, since
    return pair


# -- pre -----------------------------------------------------------------------


def test_pre_ends_for_distance_when_a_draw_falls_under_the_abandonment_hazard():
    # cultural distance 0.5 against tolerance 0.4: hazard 1 - exp(-4 x 0.1) = 0.33
    market = StubMarket(draw=0.1)
    pair = make_pair(market, supplier=make_supplier(culture=(0.0, 0.0)))
    assert step(pre, market, pair) is None
    assert market.relationships.ended == [(EndReason.DISTANCE, EndCause.TOO_FAR_APART, None)]


def test_pre_goes_on_to_negotiate_when_the_draw_is_above_the_hazard():
    market = StubMarket(draw=0.4)
    pair = make_pair(market, supplier=make_supplier(culture=(0.0, 0.0)))
    assert step(pre, market, pair) == WAITING
    assert market.relationships.ended == []


def test_pre_ends_for_the_spot_market_when_the_outside_option_is_worth_more_than_the_prospect():
    market = StubMarket()
    pair = make_pair(market, buyer=make_buyer(alternative_value=0.95))  # prospect 0.9
    assert step(pre, market, pair) is None
    assert market.relationships.ended == [
        (EndReason.OUTSIDE_OPTION, EndCause.BETTER_ALTERNATIVE, None)
    ]
    assert market.relationships.started == []


def test_pre_loses_to_a_better_known_rival_and_the_buyer_starts_evaluating_it():
    market = StubMarket()
    buyer = make_buyer()
    rival = make_supplier("S2", reputation=0.98)  # prospect 0.98 > 0.9
    buyer.aware.append(rival)
    pair = make_pair(market, buyer=buyer)
    assert step(pre, market, pair) is None
    assert market.relationships.ended == [
        (EndReason.COMPETITOR, EndCause.BETTER_ALTERNATIVE, "S2")
    ]
    assert market.relationships.started == [("S2", "switched_from_S1")]
    (evaluated,) = buyer.pairs
    assert evaluated.supplier is rival and evaluated.chosen


def test_a_rival_that_would_not_pursue_the_buyer_is_no_alternative():
    market = StubMarket()
    buyer = make_buyer()
    unwilling = make_supplier("S2", reputation=0.98, margin=0.0)  # forecasts a loss
    buyer.aware.append(unwilling)
    pair = make_pair(market, buyer=buyer)
    process = market.env.process(pre(market, pair))
    market.env.run()
    assert market.relationships.ended == []
    assert process.value is early
    assert unwilling.prospects == {buyer: False}


def test_pre_negotiates_for_a_time_set_by_social_distance_and_skill_then_enters_early():
    market = StubMarket()
    pair = make_pair(market)
    process = market.env.process(pre(market, pair))
    market.env.run()
    # 6 weeks x (0.5 + social distance 0.5) x (1.5 - negotiation skill 0.5)
    assert market.relationships.entered == [(EARLY, EntryCause.NEGOTIATED, 6.0)]
    assert process.value is early
    assert pair.npv_forecast > 0


# -- early ---------------------------------------------------------------------


def test_early_ends_an_order_after_which_the_buyer_foresees_problems():
    market = StubMarket()
    pair = believing(in_stage(make_pair(market), EARLY), successes=1, failures=9)
    pair.episodes = 3
    assert step(early, market, pair, (EPISODE,)) is None
    assert market.relationships.ended == [
        (EndReason.POOR_PERFORMANCE, EndCause.FORESEES_PROBLEMS, None)
    ]


def test_early_moves_to_development_once_enough_orders_built_trust():
    market = StubMarket()
    pair = believing(in_stage(make_pair(market), EARLY), successes=19, failures=1)
    pair.episodes = 3  # trust 0.7 x 0.95 = 0.665 >= 0.65
    assert step(early, market, pair, (REVIEW,)) is development
    assert market.relationships.entered == [(DEVELOPMENT, EntryCause.TRUST_BUILT, 0.0)]


def test_early_waits_for_more_orders_before_the_minimum_trial():
    market = StubMarket()
    pair = believing(in_stage(make_pair(market), EARLY), successes=19, failures=1)
    pair.episodes = 2
    assert step(early, market, pair, (REVIEW,)) == WAITING
    assert market.relationships.entered == []
    assert market.relationships.reviews == 1


def test_early_lets_go_a_supplier_that_built_no_trust_by_the_end_of_the_trial_period():
    market = StubMarket()
    pair = believing(in_stage(make_pair(market), EARLY, since=-80.0), successes=6, failures=4)
    pair.episodes = 10  # trial period 78 weeks, trust 0.42
    assert step(early, market, pair, (REVIEW,)) is None
    assert market.relationships.ended == [
        (EndReason.POOR_PERFORMANCE, EndCause.TRUST_NOT_BUILT, None)
    ]


# -- development and long-term --------------------------------------------------------


def committed(pair, share: float, investment: float):
    believing(pair, successes=19, failures=1, goodwill=1.0)
    pair.share, pair.satisfaction = share, 0.8
    pair.investment_buyer = pair.investment_supplier = investment
    return pair


def test_development_becomes_long_term_at_a_review_once_both_sides_are_committed():
    market = StubMarket()
    scale = market.rel.switching.switching_cost_scale
    pair = committed(in_stage(make_pair(market), DEVELOPMENT), share=0.5, investment=scale)
    assert step(development, market, pair, (REVIEW,)) is long_term
    assert market.relationships.entered == [(LONG_TERM, EntryCause.MUTUAL_COMMITMENT, 0.0)]
    assert pair.commitment_buyer == pytest.approx(0.35 * 0.965 + 0.3 * 0.5 + 0.35 * 0.5)


def test_a_busy_supplier_drops_a_developing_account_it_forecasts_at_a_loss():
    market = StubMarket()
    pair = committed(in_stage(make_pair(market), DEVELOPMENT), share=0.1, investment=0.0)
    pair.supplier.attention_demand = pair.supplier.capacity  # its attention is all taken
    assert step(development, market, pair, (REVIEW,)) is None
    assert market.relationships.ended == [
        (EndReason.UNPROFITABLE, EndCause.FORECAST_NEGATIVE, None)
    ]
    assert pair.forecast_last < 0
    assert pair.supplier.prospects == {pair.buyer: False}


def test_an_idle_supplier_keeps_the_same_account_since_its_attention_costs_it_little():
    market = StubMarket()
    pair = committed(in_stage(make_pair(market), DEVELOPMENT), share=0.1, investment=0.0)
    pair.supplier.attention_demand = 0.1 * pair.supplier.capacity
    assert step(development, market, pair, (REVIEW,)) == WAITING
    assert market.relationships.ended == []
    assert pair.forecast_last > 0


def test_development_stays_while_the_buyer_is_not_yet_committed():
    market = StubMarket()
    pair = make_pair(market, buyer=make_buyer(order_value=40.0))  # worth keeping
    committed(in_stage(pair, DEVELOPMENT), share=0.25, investment=0.0)
    assert step(development, market, pair, (REVIEW,)) == WAITING
    assert market.relationships.ended == []
    assert market.relationships.entered == []
    assert market.relationships.reviews == 1
    assert pair.commitment_buyer < market.rel.development.commitment_threshold


def test_an_open_conflict_makes_a_developing_buyer_review_out_of_turn():
    market = StubMarket()
    pair = believing(in_stage(make_pair(market), DEVELOPMENT), successes=1, failures=9)
    assert step(development, market, pair, (PROBLEM,)) is None
    assert market.relationships.ended == [
        (EndReason.POOR_PERFORMANCE, EndCause.FORESEES_PROBLEMS, None)
    ]


def _long_term_for(market, weeks: float, satisfaction: float = 0.8):
    scale = market.rel.switching.switching_cost_scale
    pair = committed(in_stage(make_pair(market), LONG_TERM, since=-weeks), 0.5, scale)
    pair.satisfaction = satisfaction
    return pair


def test_long_term_is_institutionalised_when_a_draw_falls_under_the_hazard_of_its_stay():
    # 160 weeks in, reviewed 52 weeks ago, satisfaction 0.8, no credible alternative:
    # chance 1 - exp(-0.5 x (0.8 - 0.55) / 0.45 x (160^2 - 108^2) / (2 x 156 x 52)) = 0.21
    market = StubMarket(draw=0.2)
    assert step(long_term, market, _long_term_for(market, 160.0), (REVIEW,)) is final
    assert market.relationships.entered == [(FINAL, EntryCause.INSTITUTIONALISED, 0.0)]
    market = StubMarket(draw=0.22)
    assert step(long_term, market, _long_term_for(market, 160.0), (REVIEW,)) == WAITING
    assert market.relationships.entered == []


def test_a_longer_stay_in_long_term_raises_the_chance_of_institutionalisation():
    # the same draw: 0.21 after 160 weeks, 0.59 after 520 weeks
    market = StubMarket(draw=0.5)
    assert step(long_term, market, _long_term_for(market, 160.0), (REVIEW,)) == WAITING
    assert step(long_term, market, _long_term_for(market, 520.0), (REVIEW,)) is final


def test_an_unsatisfied_long_term_buyer_is_never_institutionalised():
    market = StubMarket(draw=0.0)
    pair = _long_term_for(market, 520.0, satisfaction=0.55)
    assert step(long_term, market, pair, (REVIEW,)) == WAITING
    assert market.relationships.entered == []


def test_credible_alternatives_lower_the_chance_of_institutionalisation():
    market = StubMarket(draw=0.5)
    pair = _long_term_for(market, 520.0)
    rival = make_supplier("S2", reputation=0.98, price=0.9)
    pair.buyer.aware.append(rival)
    assert step(long_term, market, pair, (REVIEW,)) == WAITING  # 0.59 x exp(-1) < 0.5


# -- final -------------------------------------------------------------------------


def test_final_absorbs_an_open_conflict_until_its_next_review():
    market = StubMarket()
    pair = believing(in_stage(make_pair(market), FINAL), successes=1, failures=9)
    assert step(final, market, pair, (PROBLEM,)) == WAITING
    assert market.relationships.ended == []
    assert step(final, market, pair, (REVIEW,)) is None
    assert market.relationships.ended == [
        (EndReason.POOR_PERFORMANCE, EndCause.FORESEES_PROBLEMS, None)
    ]


def _final_with_rival(market, care: float):
    pair = committed(in_stage(make_pair(market), FINAL), share=0.5, investment=0.0)
    pair.care = care
    rival = make_supplier("S2", price=0.8, reputation=0.98)  # offer 1.18 against 1.03
    pair.buyer.aware.append(rival)
    return pair


def test_a_final_buyer_whose_supplier_neglected_it_looks_around_and_can_leave_without_entry():
    # care 0: it looks around with probability 1 - exp(-0.5) = 0.39
    market = StubMarket(draw=0.3)
    assert step(final, market, _final_with_rival(market, care=0.0), (REVIEW,)) is None
    assert market.relationships.ended == [(EndReason.COMPETITOR, None, "S2")]
    assert market.sourcing.searches == 1


def test_a_final_buyer_looked_after_by_its_supplier_does_not_look_around():
    market = StubMarket(draw=0.0)
    assert step(final, market, _final_with_rival(market, care=1.0), (REVIEW,)) == WAITING
    assert market.relationships.ended == []
    assert market.sourcing.searches == 0


def test_a_final_buyer_switches_to_an_entrant_whose_offer_beats_the_incumbent():
    market = StubMarket()
    pair = committed(in_stage(make_pair(market), FINAL), share=0.5, investment=0.0)
    entrant = make_supplier("E1", entrant=True, price=0.8, reputation=0.98)  # offer 1.18
    pair.buyer.aware.append(entrant)  # the entrant's contact made the buyer aware of it
    assert step(final, market, pair, (APPROACH, entrant)) is None
    assert market.relationships.ended == [(EndReason.COMPETITOR, None, "E1")]
    assert market.relationships.started == [("E1", "switched_from_S1")]


def test_a_final_buyer_keeps_its_supplier_against_a_weaker_entrant():
    market = StubMarket()
    pair = committed(in_stage(make_pair(market), FINAL), share=0.5, investment=0.0)
    entrant = make_supplier("E1", entrant=True, reputation=0.9)  # offer 0.9 < 1.03
    assert step(final, market, pair, (APPROACH, entrant)) == WAITING
    assert market.relationships.ended == []
