"""seed-claims on hand-made markets: each claim passes where its effect is there, fails where not.

Every market is a few replications of a handful of pairs whose statistic is
known by construction, served through a context that runs nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from stub_runs import StubContext, pair_rows, results

from reproduce import seed_claims
from reproduce.framework import CONSISTENCY, REPRODUCTION

SEEDS = 6


def serve(tables: dict, tmp_path, events: dict | None = None, timeseries: dict | None = None):
    """A context serving ``tables[scenario]`` (pairs), with events and timeseries if given."""
    def make(name, overrides, with_events):
        return results(tables[name], (timeseries or {}).get(name),
                       (events or {}).get(name) if with_events else None, scenario=name)
    return StubContext(make, tmp_path)


def market(rows_of) -> pd.DataFrame:
    """``SEEDS`` replications, replication ``r`` holding the rows ``rows_of(r)``."""
    return pd.concat([pair_rows(r, rows_of(r)) for r in range(SEEDS)], ignore_index=True)


# ---------------------------------------------------------------- C3, C5: distance


def distance_market(ended_for_distance: int, censored: bool = False):
    """10 pairs per replication; ``ended_for_distance`` (+ r % 2) end early for distance."""
    def rows(r):
        count = ended_for_distance + r % 2
        return ([{"end_stage": "early", "end_reason": "distance", "censored": censored}] * count
                + [{"end_stage": "development", "end_reason": "competitor"}] * (10 - count))
    return market(rows)


def test_more_distance_ending_early_passes_with_the_shares_measured(tmp_path):
    context = serve({"baseline": distance_market(1), "high_distance": distance_market(5)},
                    tmp_path)
    verdict, panel = seed_claims.distance_ends_early(context)
    assert verdict.passed and verdict.kind == REPRODUCTION
    assert verdict.expected == "high_distance > baseline"
    # shares 0.1 / 0.2 alternating against 0.5 / 0.6: means 0.15 and 0.55, difference +0.4
    assert verdict.measured.startswith("0.15 -> 0.55 share of pairs; difference +0.4 [+0.4, +0.4]")
    assert panel.labels == ["baseline", "high distance"]
    assert panel.values[1][0] == pytest.approx(0.55)


def test_distance_endings_of_censored_pairs_do_not_count(tmp_path):
    context = serve({"baseline": distance_market(1),
                     "high_distance": distance_market(5, censored=True)}, tmp_path)
    verdict, _ = seed_claims.distance_ends_early(context)
    assert not verdict.passed  # 0 ended pairs for distance in high_distance


def test_a_difference_whose_interval_spans_zero_fails(tmp_path):
    def noisy(r):
        count = (3, 1, 4, 0, 2, 2)[r]
        return ([{"end_stage": "pre", "end_reason": "distance"}] * count
                + [{"end_stage": "early", "end_reason": "competitor"}] * (10 - count))
    baseline = market(lambda r: noisy(r)[:10])
    shifted = market(lambda r: noisy((r + 3) % SEEDS))
    verdict, _ = seed_claims.distance_ends_early(serve(
        {"baseline": baseline, "high_distance": shifted}, tmp_path))
    # per-seed differences -0.3, 0.1, -0.2, 0.3, -0.1, 0.2: mean 0, t interval +-0.248
    assert verdict.measured.endswith("[-0.248, +0.248]") and not verdict.passed


# ---------------------------------------------------------------- C6: alternatives


def developing(count: int):
    return market(lambda r: [{"t_early": 1.0, "t_development": 5.0}] * (count + r)
                  + [{"t_early": 1.0}] * 3)


@pytest.mark.parametrize("baseline, attractive, passed", [(8, 5, True), (5, 8, False),
                                                          (5, 5, False)])
def test_fewer_pairs_reaching_development_is_what_c6_needs(tmp_path, baseline, attractive,
                                                            passed):
    context = serve({"baseline": developing(baseline),
                     "attractive_alternatives": developing(attractive)}, tmp_path)
    verdict, panel = seed_claims.alternatives_stop_development(context)
    assert verdict.passed is passed
    assert panel.unit == "pairs per market"
    assert panel.values[0][0] == pytest.approx(baseline + 2.5)  # r = 0..5 adds 2.5 on average


# ---------------------------------------------------------------- C8: adaptation


def trusting(at_adaptation: float):
    return market(lambda r: [
        {"trust_at_start": 0.3 + 0.003 * r, "trust_at_first_adaptation": at_adaptation + 0.02 * r},
        {"trust_at_start": 0.5, "trust_at_first_adaptation": np.nan}])


def test_adaptation_after_trust_compares_with_the_trust_of_every_pair_at_entry(tmp_path):
    verdict, panel = seed_claims.adaptation_follows_trust(
        serve({"baseline": trusting(0.7)}, tmp_path))
    # entry: mean of (0.3 + 0.003 r, 0.5) = 0.4 + 0.0015 r; adaptation 0.7 + 0.02 r
    assert verdict.passed and verdict.kind == CONSISTENCY
    assert "threshold" in verdict.construction
    assert verdict.measured.startswith("0.404 -> 0.750")
    assert panel.labels == ["first trial order", "first adaptation"]


def test_adaptation_at_lower_trust_than_entry_fails(tmp_path):
    verdict, _ = seed_claims.adaptation_follows_trust(serve({"baseline": trusting(0.2)},
                                                            tmp_path))
    assert not verdict.passed


def adaptation_events(development_share_of_seed):
    rows = []
    for r in range(SEEDS):
        share = development_share_of_seed(r)
        rows += [{"replication": r, "kind": "adaptation", "stage": "development",
                  "amount": 100 * share},
                 {"replication": r, "kind": "adaptation", "stage": "long_term",
                  "amount": 100 * (1 - share)},
                 {"replication": r, "kind": "stage_change", "stage": "early", "amount": 1e6}]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("shares, passed, count", [
    ((0.8,) * 6, True, "6 of 6"),
    ((0.8,) * 5 + (0.4,), False, "5 of 6"),   # 83% of seeds: below 90%
    ((0.5,) * 6, False, "0 of 6"),            # half is not more than half
])
def test_adaptation_spending_in_development_is_voted_over_seeds(tmp_path, shares, passed,
                                                                 count):
    context = serve({"baseline": market(lambda r: [{}])}, tmp_path,
                    events={"baseline": adaptation_events(lambda r: shares[r])})
    verdict, _ = seed_claims.adaptation_in_development(context)
    assert verdict.passed is passed
    assert f"holds in {count} seeds" in verdict.measured
    assert context.calls[0][-1] is True  # the claim asks for events


# ---------------------------------------------------------------- C10, C11: cost and neglect


def costs(long_term_cost: float):
    return market(lambda r: [{"cost_development": 60.0, "revenue_development": 100.0,
                              "cost_long_term": long_term_cost, "revenue_long_term": 50.0},
                             {"cost_development": 20.0, "revenue_development": 100.0,
                              "cost_long_term": long_term_cost, "revenue_long_term": 50.0}])


def test_long_term_cost_to_serve_is_summed_over_pairs_before_dividing(tmp_path):
    # development: 80 / 200 = 0.4 in every seed; long-term 2 x 9 / 100 = 0.18
    verdict, panel = seed_claims.cheaper_long_term(serve({"baseline": costs(9.0)}, tmp_path))
    assert verdict.passed and verdict.measured == "0.400 vs 0.180; holds in 6 of 6 seeds"
    verdict, _ = seed_claims.cheaper_long_term(serve({"baseline": costs(25.0)}, tmp_path))
    assert not verdict.passed  # 50 / 100 = 0.5 > 0.4
    assert panel.unit == "cost / revenue"


def satisfaction(level: float):
    return pd.DataFrame([{"replication": r, "time": t, "satisfaction_long_term": level
                          + 0.01 * r + 0.02 * t} for r in range(SEEDS) for t in range(3)])


@pytest.mark.parametrize("neglect, passed", [(0.6, True), (0.8, False)])
def test_neglect_must_lower_long_term_satisfaction(tmp_path, neglect, passed):
    pairs = market(lambda r: [{}])
    context = serve({"baseline": pairs, "neglect": pairs}, tmp_path,
                    timeseries={"baseline": satisfaction(0.7), "neglect": satisfaction(neglect)})
    verdict, _ = seed_claims.neglect_lowers_satisfaction(context)
    assert verdict.passed is passed
    assert verdict.measured.startswith(f"0.745 -> {neglect + 0.045:.3f}")


def losses(lost: int):
    def rows(r):
        return ([{"end_stage": "long_term", "end_reason": "competitor"}] * (lost + r % 2)
                + [{"end_stage": "final", "end_reason": "competitor", "censored": True}] * 5
                + [{"end_stage": "early", "end_reason": "competitor"}] * 5)
    return market(rows)


def test_neglect_losing_accounts_counts_only_ended_long_term_and_final_losses(tmp_path):
    context = serve({"baseline": losses(1), "neglect": losses(3)}, tmp_path)
    verdict, panel = seed_claims.neglect_loses_to_competitors(context)
    assert verdict.passed
    assert [value[0] for value in panel.values] == pytest.approx([1.5, 3.5])


# ---------------------------------------------------------------- C12: final


def reaching_final(final_of_seed):
    """10 begun pairs per seed, ``final_of_seed(r)`` of them final, and 20 that never began."""
    return market(lambda r: [{"t_early": 1.0, "t_final": 50.0}] * final_of_seed(r)
                  + [{"t_early": 1.0}] * (10 - final_of_seed(r)) + [{"t_early": np.nan}] * 20)


@pytest.mark.parametrize("final_of_seed, passed", [
    (lambda r: 0, True),
    (lambda r: r % 2, False),  # 0% and 10% alternately: mean 5%, interval up to 10.7%
    (lambda r: 1, False),      # 10% is not fewer than 10%
])
def test_final_is_rare_when_the_whole_interval_is_below_ten_percent(tmp_path, final_of_seed,
                                                                    passed):
    verdict, _ = seed_claims.final_is_rare(serve({"baseline": reaching_final(final_of_seed)},
                                                 tmp_path))
    assert verdict.passed is passed


def test_final_share_counts_only_relationships_that_began(tmp_path):
    verdict, panel = seed_claims.final_is_rare(serve({"baseline": reaching_final(lambda r: 1)},
                                                     tmp_path))
    assert panel.values[0][0] == pytest.approx(0.10)  # 1 of 10 begun, not 1 of 30 pairs
    assert verdict.measured.startswith("10.0%")


def promotion(years_to_final: float):
    """Two long-term pairs per seed: one promoted after ``years_to_final``, one censored."""
    weeks = 52.0 * years_to_final
    return market(lambda r: [
        {"t_long_term": 100.0, "t_final": 100.0 + weeks * (1 + 0.05 * r), "end": 400.0},
        {"t_long_term": 100.0, "end": 100.0 + weeks, "censored": True}])


def test_promotion_to_final_is_a_rate_per_long_term_year(tmp_path):
    context = serve({"baseline": promotion(2.0), "weak_competition": promotion(1.0)}, tmp_path)
    verdict, panel = seed_claims.final_under_weak_competition(context)
    assert verdict.passed and panel.unit == "per long-term year"
    # seed r: one promotion over y (1 + 0.05 r) + y years at risk
    rates = [[1 / (years * (2 + 0.05 * r)) for r in range(SEEDS)] for years in (2.0, 1.0)]
    assert verdict.measured.startswith(f"{np.mean(rates[0]):.3g} -> {np.mean(rates[1]):.3g}")
    assert np.mean(rates[0]) == pytest.approx(0.236, abs=5e-4)
    reverse = serve({"baseline": promotion(1.0), "weak_competition": promotion(2.0)}, tmp_path)
    assert not seed_claims.final_under_weak_competition(reverse)[0].passed


def test_promotion_to_final_is_judged_on_twice_the_seeds_of_the_other_claims(tmp_path):
    context = serve({"baseline": promotion(2.0), "weak_competition": promotion(1.0)}, tmp_path)
    seed_claims.final_under_weak_competition(context)
    asked = {(name, replications) for name, _, replications, _, _ in context.calls}
    assert asked == {("baseline", 24), ("weak_competition", 24)}  # 12 seeds in a quick run
    other = serve({"baseline": distance_market(1), "high_distance": distance_market(5)},
                  tmp_path)
    seed_claims.distance_ends_early(other)
    assert {call[2] for call in other.calls} == {12}
    full = StubContext(context.make, tmp_path, quick=False)
    seed_claims.final_under_weak_competition(full)
    assert {call[2] for call in full.calls} == {40}


ENTRY = 260.0
"""The bundled competitor_entry's first entry (week 260, five years)."""


def final_market(lost_of, finals: int = 6, before: int = 0, other: int = 0):
    """Final pairs of one market: in seed ``r``, ``lost_of(r)`` of ``finals`` pairs (final at week
    100) are lost to competitors at week 300 and the rest are censored at the horizon;
    ``before`` more were lost to competitors at week 200, before the first entry, and
    ``other`` more ended at week 300 for another reason."""
    def rows(r):
        lost = lost_of(r)
        return ([{"t_final": 100.0, "end": 300.0, "end_reason": "competitor"}] * lost
                + [{"t_final": 100.0, "censored": True, "end_reason": None}] * (finals - lost)
                + [{"t_final": 100.0, "end": 200.0, "end_reason": "competitor"}] * before
                + [{"t_final": 100.0, "end": 300.0, "end_reason": "dissatisfaction"}] * other
                + [{"t_early": 50.0, "end": 400.0, "end_reason": "competitor"}])
    return market(rows)


def serve_entry(entered, without, tmp_path):
    """A context serving competitor_entry, and the same market when asked without entry."""
    def make(name, overrides, with_events):
        assert name == "competitor_entry"
        return results(without if overrides == seed_claims.NO_ENTRY else entered,
                       scenario=name)
    return StubContext(make, tmp_path)


def test_final_losses_after_entry_against_the_same_market_without_it_pass(tmp_path):
    def entered(r):
        return 3 + r % 2

    def without(r):
        return r % 2

    context = serve_entry(final_market(entered, before=2, other=1),
                          final_market(without, before=2, other=1), tmp_path)
    verdict, panel = seed_claims.final_lost_after_entry(context)
    # losses before the entry and for other reasons are not counted; their pairs add no
    # exposure after the entry, as they had ended by then (or end at 300 with 40 weeks)
    others = 40 * SEEDS  # the one pair per seed ending at 300 for dissatisfaction
    first = 52 * 3 / (sum(40 * without(r) + 260 * (6 - without(r)) for r in range(6)) + others)
    second = 52 * 21 / (sum(40 * entered(r) + 260 * (6 - entered(r)) for r in range(6)) + others)
    assert verdict.measured.startswith(f"{first:.3g} -> {second:.3g} per final year from week "
                                       "260 (3 -> 21 losses); difference")
    assert panel.labels == ["no entry", "entry"]
    assert panel.values[0][0] == pytest.approx(first)
    assert panel.values[1][0] == pytest.approx(second)
    assert verdict.kind == REPRODUCTION and not verdict.construction
    assert verdict.passed
    # both markets run at the same seed, the second with entry removed
    calls = context.calls
    assert [call[1] for call in calls] == [(), seed_claims.NO_ENTRY]
    assert calls[0][2:4] == calls[1][2:4]


@pytest.mark.parametrize("entered, without", [
    (lambda r: r % 3, lambda r: r % 3),            # the same losses: no effect of entry
    (lambda r: r % 3, lambda r: 2 - r % 3),        # the same rate on average, noisy
    (lambda r: r % 2, lambda r: 3 + r % 2),        # more lost without entry
])
def test_final_losses_no_higher_after_entry_than_without_it_fail(tmp_path, entered, without):
    context = serve_entry(final_market(entered), final_market(without), tmp_path)
    verdict, _ = seed_claims.final_lost_after_entry(context)
    assert not verdict.passed, verdict.measured


def test_losses_before_the_entry_do_not_make_the_entry_market_lose_more(tmp_path):
    # many final pairs lost before the entry in the entry market only; after it, the same
    context = serve_entry(final_market(lambda r: 1, before=5), final_market(lambda r: 1),
                          tmp_path)
    verdict, _ = seed_claims.final_lost_after_entry(context)
    assert "(6 -> 6 losses)" in verdict.measured and not verdict.passed


def test_final_losses_after_a_time_are_counted_with_their_exposure_per_seed():
    pairs = pd.concat([pair_rows(0, [
        {"t_final": 100.0, "end": 300.0, "end_reason": "competitor"},
        {"t_final": 400.0, "end": 450.0, "end_reason": "competitor"},
        {"t_final": 100.0, "end": 200.0, "end_reason": "competitor"},
        {"t_final": 300.0, "censored": True, "end_reason": None},
        {"t_final": np.nan, "end": 300.0, "end_reason": "competitor"},
    ]), pair_rows(2, [{"t_final": 100.0, "censored": True, "end_reason": None}])])
    table = seed_claims.final_losses_after(pairs, ENTRY, [0, 1, 2])
    assert table["losses"].tolist() == [2.0, 0.0, 0.0]
    assert table["exposure"].tolist() == [40.0 + 50.0 + 220.0, 0.0, 260.0]


def ended_stages(early: int, long_term: int):
    return market(lambda r: [{"t_early": 1.0, "end_stage": "early"}] * early
                  + [{"t_early": 1.0, "end_stage": "long_term"}] * long_term
                  + [{"t_early": 1.0, "end_stage": "long_term", "censored": True}] * 10
                  + [{"t_early": np.nan, "end_stage": "pre"}] * 10)


@pytest.mark.parametrize("early, long_term, passed", [(6, 4, True), (5, 5, False),
                                                      (2, 8, False)])
def test_most_ended_begun_relationships_end_before_long_term(tmp_path, early, long_term,
                                                             passed):
    verdict, _ = seed_claims.most_end_before_long_term(
        serve({"baseline": ended_stages(early, long_term)}, tmp_path))
    assert verdict.passed is passed
    assert verdict.measured.startswith(f"{early / (early + long_term):.0%}")


def poor(count: int):
    return market(lambda r: [{"t_early": 1.0, "end_reason": "poor_performance"}] * (count + r % 2)
                  + [{"t_early": 1.0, "end_reason": "competitor"}] * (10 - count - r % 2)
                  + [{"t_early": np.nan, "end_reason": "poor_performance"}] * 10)


def test_skilled_suppliers_lose_a_smaller_share_of_begun_pairs_for_poor_performance(tmp_path):
    context = serve({"baseline": poor(4), "skilled_supplier": poor(2)}, tmp_path)
    verdict, panel = seed_claims.skills_prevent_poor_performance(context)
    assert verdict.passed and panel.unit == "share of begun"
    assert panel.values[0][0] == pytest.approx(0.45)  # pairs that never began are left out
    context = serve({"baseline": poor(2), "skilled_supplier": poor(4)}, tmp_path)
    assert not seed_claims.skills_prevent_poor_performance(context)[0].passed


# ---------------------------------------------------------------- the whole check


def test_the_check_lists_every_claim_that_fails_by_its_short_name(tmp_path, monkeypatch):
    from reproduce.framework import Verdict
    from reproduce.seed_claims import Panel

    def claim(label, passed):
        def judge(context):
            return (Verdict(f"{label} (C0)", "e", "m", passed),
                    Panel(label, ["a", "b"], [(1.0, 0.5, 1.5), (2.0, np.nan, np.nan)], "u"))
        return judge

    monkeypatch.setattr(seed_claims, "CLAIMS", (claim("first", True), claim("second", False),
                                                claim("third", False)))
    check = seed_claims.reproduce(StubContext(lambda *a: None, tmp_path))
    assert not check.passed and check.expected == "all 3 claims"
    assert check.measured == "1 of 3; not shown: second, third"
    assert check.figure.is_file() and check.figure.name == "seed-claims.png"
    assert [v.label for v in check.verdicts] == ["first (C0)", "second (C0)", "third (C0)"]
