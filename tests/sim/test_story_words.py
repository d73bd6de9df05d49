"""The story's words for each kind of event, on records written by hand.

A record here is a row of the events table (``EVENT_COLUMNS``); the pairs
table gives the relationship's start, end and totals. Each test builds the
few rows it needs, so a sentence that changes or an event that is dropped
shows at once.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sim.models.lifecycle.outputs import EVENT_COLUMNS
from sim.models.lifecycle.story import pick_pair, tell_story

NAN = math.nan
TEXT = ("buyer", "supplier", "kind", "cause", "stage", "new_stage", "detail")


def event(time: float, kind: str, cause: str = "", buyer: str = "B1", supplier: str = "S2",
          **values) -> dict:
    """One row of the events table; numbers not given are unknown (NaN)."""
    row = {name: ("" if name in TEXT else NAN) for name in EVENT_COLUMNS}
    row.update(time=time, kind=kind, cause=cause, buyer=buyer, supplier=supplier,
               stage=values.pop("stage", "early"), **values)
    return row


def pair(buyer: str = "B1", supplier: str = "S2", **values) -> dict:
    """One row of the pairs table with the columns the story reads."""
    row = {"buyer": buyer, "supplier": supplier, "start": 0.0, "end": 100.0, "censored": False,
           "end_stage": "early", "furthest_stage": "early", "episodes": 0, "revenue": 0.0,
           "npv": 0.0, "npv_forecast": 0.0}
    row.update(values)
    return row


def story(events: list[dict], pairs: list[dict] | None = None, *, full: bool = False,
          buyer: str = "B1", supplier: str = "S2") -> list[str]:
    return tell_story(pd.DataFrame(events, columns=list(EVENT_COLUMNS)),
                      pd.DataFrame(pairs or [pair()]), buyer, supplier, full=full)


def told(row: dict) -> str:
    """The line one event gets (the story's first line)."""
    return story([row])[0]


@pytest.mark.parametrize(("cause", "words"), [
    ("marketing", "after a persuasive marketing contact"),
    ("search", "while searching for a supplier"),
    ("switched_from_S7", "after turning away from S7"),  # a competitor won the buyer over
    ("a_new_cause", "a new cause"),  # a cause without words stays readable
])
def test_a_relationship_starts_with_the_reason_the_buyer_looks_and_its_reputation_trust(
        cause, words):
    row = event(3.25, "stage_change", cause, stage="pre", new_stage="pre", trust_after=0.4)
    assert told(row) == f"week 3.2: B1 starts to evaluate S2 {words}; trust from reputation 0.40"


def test_a_stage_change_gives_its_reason_and_what_moved_but_not_what_stayed():
    row = event(40.0, "stage_change", "trust_built", stage="early", new_stage="development",
                trust_before=0.5, trust_after=0.5, commitment_before=0.2,
                commitment_after=0.35)
    assert told(row) == ("week 40.0: stage early -> development: trust has built up and the "
                         "supplier beats the alternatives (commitment 0.20 -> 0.35)")
    row.update(stage="development", new_stage="long_term", cause="mutual_commitment",
               commitment_before=NAN)
    assert told(row) == "week 40.0: stage development -> long-term: both sides are committed"


@pytest.mark.parametrize(("detail", "cause", "ending"), [
    ("distance", "too_far_apart", "the cultural or technological distance is too large "
                                  "(they are too far apart in culture or technology)"),
    ("unprofitable", "forecast_negative", "the supplier finds the account unprofitable "
                                          "(the supplier forecasts a loss on the account)"),
    ("buyer_exit", "buyer_exit", "the buyer leaves the market"),
    ("competitor", "E3", "a competing supplier takes the business (E3 wins the business)"),
    ("competitor", "better_alternative", "a competing supplier takes the business "
                                         "(the buyer knows a better alternative)"),
    ("a_new_reason", "a_new_reason", "a_new_reason"),  # a reason without words stays readable
])
def test_an_end_names_the_stage_the_reason_and_why(detail, cause, ending):
    row = event(12.0, "stage_change", cause, stage="long_term", new_stage="ended", detail=detail)
    assert told(row) == f"week 12.0: the relationship ends in the long-term stage: {ending}"


@pytest.mark.parametrize(("cause", "outcome"), [
    ("failure", "went wrong"),
    ("failure_conflict", "went wrong and led to a conflict"),
    ("late", "late"),
])
def test_an_order_that_did_not_go_well_keeps_its_own_line_with_its_worth(cause, outcome):
    row = event(5.0, "episode", cause, amount=12.345, trust_before=0.61, trust_after=0.55)
    assert told(row) == f"week 5.0: an order worth 12.3 {outcome} (trust 0.61 -> 0.55)"


@pytest.mark.parametrize(("row", "line"), [
    (event(1, "conflict", "resolved", satisfaction_before=0.7, satisfaction_after=0.6),
     "the conflict is resolved (satisfaction 0.70 -> 0.60)"),
    (event(1, "adaptation", "supplier", amount=8.0, fit_before=0.7, fit_after=0.8),
     "S2 adapts to the partner, investing 8.0 (fit 0.70 -> 0.80)"),
    (event(1, "adaptation", "buyer", amount=3.0, uncertainty_before=0.4,
           uncertainty_after=0.3),
     "B1 adapts to the partner, investing 3.0 (uncertainty 0.40 -> 0.30)"),
    (event(1, "decision", "pursue", forecast=123.44),
     "S2 forecasts the NPV of pursuing the buyer at 123.4"),
    (event(1, "decision", "keep", forecast=-5.0), "S2 forecasts the NPV of keeping the account "
                                                  "at -5.0"),
    (event(1, "decision", "adapt", forecast=2.0), "S2 forecasts the NPV of adapting (gain) at 2.0"),
    (event(1, "approach", "switched", detail="E1", forecast=0.256),
     "competitor E1 approaches B1 and wins it over (better by 0.26 per order)"),
    (event(1, "approach", "stayed", detail="S4", forecast=-0.5),
     "competitor S4 approaches B1, who stays (the offer falls short by 0.50 per order)"),
    (event(1, "turnover", "", trust_before=0.8, trust_after=0.6),
     "a key person leaves B1's buying centre (trust 0.80 -> 0.60)"),
    (event(1, "requirement_shift", "noticed", fit_before=0.9, fit_after=0.92),
     "B1's requirements shift; S2 notices and re-tailors its offering (fit 0.90 -> 0.92)"),
    (event(1, "requirement_shift", "missed", fit_before=0.9, fit_after=0.902),
     "B1's requirements shift; S2 misses it"),  # a change too small to mention
])
def test_each_kind_of_event_has_its_sentence(row, line):
    assert told(row) == f"week 1.0: {line}"


def test_an_event_of_an_unknown_kind_is_left_out_of_the_story():
    rows = [event(1, "gossip", "x"), event(2, "conflict", "escalated")]
    assert story(rows)[0] == "week 2.0: the conflict is escalated"
    assert len(story(rows)) == 2  # that line and the totals


def test_good_orders_in_a_row_share_a_line_with_their_total_worth_and_change():
    good = [event(10.0 + k, "episode", "success", amount=2.0, trust_before=0.5 + k / 10,
                  trust_after=0.6 + k / 10) for k in range(3)]
    bad = event(20.0, "episode", "failure", amount=1.0)
    lines = story([*good, bad, good[0] | {"time": 30.0}])
    assert lines[:3] == [
        "weeks 10.0-12.0: orders 1-3 went well (3 orders worth 6.0; trust 0.50 -> 0.80)",
        "week 20.0: an order worth 1.0 went wrong",
        "week 30.0: an order worth 2.0 went well (trust 0.50 -> 0.60)",  # a run of one
    ]


def test_orders_are_numbered_across_the_lines_that_interrupt_them():
    rows = [event(1, "episode", "success", amount=1.0), event(2, "episode", "success", amount=1),
            event(3, "conflict", "resolved"), event(4, "episode", "failure", amount=1.0),
            event(5, "episode", "success", amount=1.0), event(6, "episode", "success", amount=1)]
    lines = story(rows)
    assert lines[0].startswith("weeks 1.0-2.0: orders 1-2 went well")
    assert lines[3].startswith("weeks 5.0-6.0: orders 4-5 went well")  # order 3 went wrong


def test_full_gives_every_order_its_own_line():
    rows = [event(k, "episode", "success", amount=1.0) for k in range(4)]
    lines = story(rows, full=True)
    assert [line.split(":")[0] for line in lines[:4]] == [f"week {k}.0" for k in range(4)]
    assert len(story(rows)) == 2  # one line for the four, and the totals


def test_other_relationships_are_left_out_but_entries_during_this_one_are_told():
    rows = [event(5, "conflict", "resolved", supplier="S9"),
            event(6, "conflict", "escalated", buyer="B8"),
            event(7, "entry", "", buyer="", supplier="E1"),
            event(150, "entry", "", buyer="", supplier="E2")]  # after the relationship ended
    assert story(rows) == [
        "week 7.0: a new competitor, E1, enters the market",
        "in all: 0 orders, revenue 0.0, the supplier's discounted net value 0.0 "
        "(forecast when pursuing: 0.0)",
    ]


def test_a_censored_relationship_ends_with_the_stage_it_was_in_and_its_totals():
    row = pair(end=104.0, censored=True, end_stage="long_term", episodes=17, revenue=850.04,
               npv=120.46, npv_forecast=99.95)
    assert story([], [row]) == [
        "week 104.0: the simulation ends with the relationship in the long-term stage "
        "(censored)",
        "in all: 17 orders, revenue 850.0, the supplier's discounted net value 120.5 "
        "(forecast when pursuing: 100.0)",
    ]


def test_a_buyer_that_comes_back_to_a_supplier_has_both_relationships_told():
    pairs = [pair(start=0.0, end=30.0, episodes=2, revenue=10.0),
             pair(start=60.0, end=104.0, censored=True, end_stage="development", episodes=5)]
    rows = [event(20, "conflict", "resolved"), event(45, "entry", "", buyer="", supplier="E1"),
            event(70, "conflict", "escalated")]
    lines = story(rows, pairs)
    assert lines[:3] == ["week 20.0: the conflict is resolved",
                         "week 45.0: a new competitor, E1, enters the market",  # in between
                         "week 70.0: the conflict is escalated"]
    assert [line.split(",")[0] for line in lines[3:]] == [
        "in all: 2 orders",
        "week 104.0: the simulation ends with the relationship in the development stage "
        "(censored)",
        "in all: 5 orders"]


def test_a_pair_that_was_never_formed_has_no_story():
    with pytest.raises(ValueError, match="no relationship between B1 and S3"):
        story([], [pair()], supplier="S3")


def test_the_pair_told_is_the_furthest_then_the_longest_then_by_name():
    pairs = pd.DataFrame([
        pair("B1", "S1", furthest_stage="long_term", start=0.0, end=50.0),
        pair("B2", "S1", furthest_stage="long_term", start=0.0, end=80.0),
        pair("B0", "S1", furthest_stage="development", start=0.0, end=300.0),
        pair("B3", "S1", furthest_stage="long_term", start=10.0, end=90.0),
        pair("B9", "S1", furthest_stage="early", episodes=50),
    ])
    assert pick_pair(pairs) == ("B2", "S1")  # B2 and B3 both last 80 weeks; B2 comes first
    assert pick_pair(pairs[pairs["buyer"] != "B2"]) == ("B3", "S1")


def test_without_a_developed_pair_the_one_with_most_orders_is_told():
    pairs = pd.DataFrame([pair("B1", "S1", episodes=3), pair("B2", "S1", episodes=9),
                          pair("B0", "S2", episodes=9, furthest_stage="pre")])
    assert pick_pair(pairs) == ("B0", "S2")
    with pytest.raises(ValueError, match="no relationships"):
        pick_pair(pairs.iloc[0:0])
