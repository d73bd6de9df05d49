"""The story: runs of orders that went well are summarised, every turn of the plot is kept."""

from __future__ import annotations

import itertools
import re
from types import SimpleNamespace

import numpy as np
import pytest
from lifecycle_runs import small_scenario

from sim.models.lifecycle import simulate
from sim.models.lifecycle.story import _line, pick_pair, tell_story

KEPT = ("stage ", "conflict", "adapts", "forecasts", "requirements shift", "went wrong",
        "approaches", "ends in")


@pytest.fixture(scope="module")
def long_story():
    scenario = small_scenario(market={"buyers": {"count": 60}})
    scenario = scenario.model_copy(update={"horizon": 260.0})
    tables = simulate(scenario, np.random.SeedSequence(5), events=True)
    pairs, events = tables["pairs"], tables["events"]
    buyer, supplier = pick_pair(pairs)
    return (tell_story(events, pairs, buyer, supplier),
            tell_story(events, pairs, buyer, supplier, full=True),
            pairs[(pairs["buyer"] == buyer) & (pairs["supplier"] == supplier)])


def test_summary_keeps_every_stage_change_conflict_adaptation_and_decision(long_story):
    summary, full, _ = long_story
    for phrase in KEPT:
        assert sum(phrase in line for line in summary) == sum(phrase in line for line in full), \
            phrase
    assert len(summary) < len(full) * 0.7


def test_summary_counts_every_order_once_in_ranges_that_follow_each_other(long_story):
    summary, full, chosen = long_story
    single = sum(line.startswith("week ") and "an order worth" in line for line in summary)
    ranges = [tuple(map(int, m.groups())) for line in summary
              if (m := re.search(r"orders (\d+)-(\d+) went well", line))]
    assert ranges, "a developed relationship has runs of good orders"
    assert all(first < last for first, last in ranges)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(ranges))
    in_ranges = sum(last - first + 1 for first, last in ranges)
    assert single + in_ranges == int(chosen["episodes"].sum())
    assert sum("an order worth" in line for line in full) == int(chosen["episodes"].sum())


def _shift(cause: str, before: float, after: float):
    nan = float("nan")
    return SimpleNamespace(kind="requirement_shift", cause=cause, fit_before=before,
                           fit_after=after, trust_before=nan, trust_after=nan,
                           satisfaction_before=nan, satisfaction_after=nan,
                           commitment_before=nan, commitment_after=nan,
                           uncertainty_before=nan, uncertainty_after=nan)


def test_a_missed_shift_that_raises_fit_says_it_was_chance():
    assert _line(_shift("missed", 0.82, 0.95), "B1", "S2") == (
        "B1's requirements shift; S2 misses it, but by chance the new needs suit its "
        "unchanged offering better (fit 0.82 -> 0.95)")
    assert _line(_shift("missed", 0.95, 0.82), "B1", "S2") == (
        "B1's requirements shift; S2 misses it, so its offering fits the buyer less "
        "(fit 0.95 -> 0.82)")
    assert _line(_shift("noticed", 0.97, 0.85), "B1", "S2").endswith(
        "re-tailors its offering, which still fits them less than before (fit 0.97 -> 0.85)")


def test_story_full_flag_gives_one_line_per_event(capsys):
    from sim import cli

    def told(*extra: str) -> list[str]:
        with pytest.raises(SystemExit) as stop:
            cli.main(["story", "baseline", "--set", "horizon=2 years", *extra])
        assert stop.value.code == 0
        return capsys.readouterr().out.splitlines()

    summary, full = told(), told("--full")
    assert any(line.startswith("weeks ") and "went well" in line for line in summary)
    assert not any(line.startswith("weeks ") for line in full)
    assert len(full) > len(summary)


def test_every_end_reason_and_cause_of_the_vocabulary_has_words_in_the_story():
    # A reason or cause added to the vocabulary without a sentence would be told
    # to students as a bare code.
    from sim.models.lifecycle import story
    from sim.models.lifecycle.vocabulary import STAGE_NAMES, EndCause, EndReason

    assert {reason.value for reason in EndReason} <= set(story._REASONS)
    assert {cause.value for cause in EndCause} <= set(story._CAUSES)
    assert set(STAGE_NAMES) <= set(story._STAGE_WORDS)
    assert list(story._RANK) == list(STAGE_NAMES)


@pytest.mark.parametrize(("orders", "said"), [(1, "in all: 1 order,"), (0, "in all: 0 orders,"),
                                              (7, "in all: 7 orders,")])
def test_the_closing_line_counts_orders_with_their_noun_in_the_singular_for_one(orders, said):
    import pandas as pd

    pairs = pd.DataFrame([{"buyer": "B1", "supplier": "S1", "start": 0.0, "end": 30.0,
                           "censored": False, "end_stage": "early", "episodes": orders,
                           "revenue": 12.0, "npv": -3.0, "npv_forecast": 5.0}])
    events = pd.DataFrame({"buyer": pd.Series(dtype=str), "supplier": pd.Series(dtype=str),
                           "kind": pd.Series(dtype=str), "time": pd.Series(dtype=float)})
    closing = tell_story(events, pairs, "B1", "S1")[-1]
    assert closing.startswith(said)
