"""The lifecycle reproductions judged on hand-made markets with known hazards, trends and slopes."""

from __future__ import annotations

import copy
import re

import numpy as np
import pandas as pd
import pytest
from stub_runs import HORIZON, StubContext, manifest, pair_rows, results

from reproduce import (
    alternatives_conditional_development,
    competition_raises_dissolution,
    dwyer_fragile_exploration,
    liability_of_adolescence,
    trust_and_age,
)
from reproduce.alternatives_conditional_development import begun_count, conditional_share

SEEDS = 6
MODULES = (alternatives_conditional_development, competition_raises_dissolution,
           dwyer_fragile_exploration, liability_of_adolescence, trust_and_age)


@pytest.fixture
def drawn():
    """Requested by a test that checks the figure: the others skip drawing it."""


@pytest.fixture(autouse=True)
def figures_only_where_checked(request, monkeypatch):
    if "drawn" not in request.fixturenames:
        for module in MODULES:
            monkeypatch.setattr(module, "_figure", lambda *args: args[-1])


def serve(make_pairs, tmp_path, quick=True, events=None):
    """A context whose run of (scenario, overrides) has pairs ``make_pairs(name, overrides)``."""
    def make(name, overrides, with_events):
        return results(make_pairs(name, overrides), events=events if with_events else None,
                       scenario=name)
    return StubContext(make, tmp_path, quick=quick)


def seeds(rows_of) -> pd.DataFrame:
    return pd.concat([pair_rows(r, rows_of(r)) for r in range(SEEDS)], ignore_index=True)


# ---------------------------------------------------------------- dwyer-fragile-exploration


EARLY_END = {"t_early": 0.0, "end": 10.0, "end_stage": "early"}
LONG_TERM = {"t_early": 0.0, "t_development": 20.0, "t_long_term": 40.0, "end_stage": "long_term"}


def fragile(early_endings: int, long_term_endings: int, long_term_pairs: int = 3):
    def rows(r):
        ended = [{**LONG_TERM, "end": 240.0}] * long_term_endings
        kept = [{**LONG_TERM, "censored": True}] * (long_term_pairs - long_term_endings)
        return [EARLY_END] * early_endings + ended + kept
    return seeds(rows)


def test_exploration_is_fragile_when_early_ends_faster_than_long_term(tmp_path, drawn):
    check = dwyer_fragile_exploration.reproduce(serve(lambda *a: fragile(3, 1), tmp_path))
    # early: 3 endings over 3 x 10 + 3 x 20 weeks; long-term: 1 over 200 + 2 x 480 weeks
    early, long_term = 52 * 3 / 90, 52 * 1 / 1160
    assert check.passed
    assert check.measured == f"{early:.2f} vs {long_term:.2f} per year"
    verdict, = check.verdicts
    assert f"(ratio {early / long_term:.1f} [" in verdict.measured
    assert verdict.measured.endswith("holds in 6 of 6 seeds")
    assert "Development: 0.000 per year." in check.notes[0]
    assert check.figure.is_file()


def test_exploration_is_not_fragile_when_long_term_ends_faster(tmp_path):
    def rows(r):
        return ([{**EARLY_END, "end": 200.0}] + [{**EARLY_END, "censored": True, "end": 520.0}]
                + [{**LONG_TERM, "end": 50.0}] * 3)
    check = dwyer_fragile_exploration.reproduce(serve(lambda *a: seeds(rows), tmp_path))
    assert not check.passed and "holds in 0 of 6 seeds" in check.verdicts[0].measured


def test_a_seed_without_long_term_relationships_counts_against_the_claim(tmp_path):
    def pairs(*args):
        table = fragile(3, 1)
        return table[(table["replication"] > 0) | (table["end_stage"] == "early")]
    check = dwyer_fragile_exploration.reproduce(serve(pairs, tmp_path))
    assert "holds in 5 of 6 seeds" in check.verdicts[0].measured and not check.passed


# ---------------------------------------------------------------- liability-of-adolescence


def piecewise_market(hazards, pairs=2000, seed=5):
    """Begun pairs whose hazard is ``hazards[i]`` per week in [edges[i], edges[i+1]) of age."""
    edges = np.array([0.0, 13.0, 104.0, np.inf])
    rng = np.random.default_rng(seed)
    tables = []
    for replication in range(SEEDS):
        age = np.zeros(pairs)
        alive = np.ones(pairs, dtype=bool)
        for low, high, hazard in zip(edges[:-1], edges[1:], hazards, strict=True):
            life = rng.exponential(1 / hazard, pairs)
            ends = alive & (life < high - low)
            age[ends] = low + life[ends]
            age[alive & ~ends] = high
            alive &= ~ends
        censored = alive | (age > 400)
        age = np.where(censored, 400.0, age)
        tables.append(pd.DataFrame({"replication": replication, "t_early": 100.0,
                                    "end": 100.0 + age, "censored": censored}))
    return pd.concat(tables, ignore_index=True)


def test_a_honeymoon_then_a_peak_then_a_decline_passes(tmp_path, drawn):
    market = piecewise_market((0.002, 0.02, 0.004))
    check = liability_of_adolescence.reproduce(serve(lambda *a: market, tmp_path))
    assert [v.passed for v in check.verdicts] == [True, True, True]
    peak = re.search(r"peak at (\d+)-(\d+) weeks", check.verdicts[0].measured)
    assert int(peak[1]) >= 13 and int(peak[2]) <= 104
    assert check.notes[0] == f"6 seeds of the bundled baseline; {len(market)} begun relationships."
    assert check.figure == tmp_path / "figures" / "liability-of-adolescence.png"
    assert check.figure.is_file()


@pytest.mark.parametrize("hazards, verdicts", [
    ((0.002, 0.01, 0.03), [True, True, False]),  # rising, then flat: the fifth year is no lower
    ((0.03, 0.01, 0.002), [False, False, True]),   # falling from the start: no honeymoon
])
def test_a_hazard_that_only_rises_or_only_falls_is_no_liability_of_adolescence(
        tmp_path, hazards, verdicts):
    market = piecewise_market(hazards)
    check = liability_of_adolescence.reproduce(serve(lambda *a: market, tmp_path))
    assert [v.passed for v in check.verdicts] == verdicts and not check.passed


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_a_flat_hazard_has_no_honeymoon_and_no_decline(tmp_path, seed):
    # the highest of twenty noisy quarters, judged on the seeds that chose it, would clear
    # the other bins' bounds; chosen on half the seeds and judged on the rest, it does not
    market = piecewise_market((0.01, 0.01, 0.01), seed=seed)
    check = liability_of_adolescence.reproduce(serve(lambda *a: market, tmp_path))
    assert not check.verdicts[1].passed and not check.verdicts[2].passed
    assert not check.passed


def test_the_note_places_the_peak_against_the_buyers_trial_periods(tmp_path):
    market = piecewise_market((0.002, 0.02, 0.004))
    check = liability_of_adolescence.reproduce(serve(lambda *a: market, tmp_path))
    # the bundled trial period is lognormal with median 78 weeks and sigma 0.3
    low, high = 78 * np.exp(-1.645 * 0.3), 78 * np.exp(1.645 * 0.3)
    found = re.search(r"\((\d+)-(\d+) weeks for 90% of buyers, median (\d+)\); the peak bin "
                      r"(lies before|lies after|holds) that range", check.notes[1])
    assert abs(int(found[1]) - low) <= 2 and abs(int(found[2]) - high) <= 2
    assert abs(int(found[3]) - 78) <= 1


@pytest.mark.parametrize("period, where", [(5.0, "lies after"), (40.0, "holds"),
                                            (300.0, "lies before")])
def test_a_fixed_trial_period_is_one_age_placed_against_the_peak(tmp_path, period, where):
    market = piecewise_market((0.002, 0.02, 0.004))
    data = manifest("baseline")
    data["scenario"] = copy.deepcopy(data["scenario"])
    data["scenario"]["lifecycle"]["relationship"]["trial"]["period"] = period
    peak = liability_of_adolescence.reproduce(serve(lambda *a: market, tmp_path))
    bin_from, bin_to = map(int, re.search(r"peak at (\d+)-(\d+) weeks",
                                          peak.verdicts[0].measured).groups())
    if where == "holds":  # a period inside the peak's bin
        period = (bin_from + bin_to) / 2
        data["scenario"]["lifecycle"]["relationship"]["trial"]["period"] = period

    def make(name, overrides, with_events):
        return results(market, manifest_data=data)
    check = liability_of_adolescence.reproduce(StubContext(make, tmp_path))
    assert check.notes[1] == (f"Buyers let an unconvincing trial supplier go after their trial "
                              f"period ({period:.0f} weeks); the peak bin {where} that range.")


# ---------------------------------------------------------------- trust-and-age


def trust_market(trust_of_age, noise: float, per_seed: int = 300, seed: int = 1):
    """Relationships active at the horizon, begun up to ten years before it."""
    rng = np.random.default_rng(seed)
    tables = []
    for replication in range(SEEDS):
        age = rng.uniform(0, 10, per_seed)
        trust = trust_of_age(age) + rng.normal(0, noise, per_seed)
        tables.append(pd.DataFrame({"replication": replication,
                                    "t_early": HORIZON - 52.0 * age, "censored": True,
                                    "trust": trust}))
    ended = pd.DataFrame({"replication": 0, "t_early": [0.0], "censored": [False],
                          "trust": [100.0]})  # an ended relationship is no observation
    return pd.concat([*tables, ended], ignore_index=True)


def judge_trust(trust_of_age, noise, tmp_path):
    market = trust_market(trust_of_age, noise)
    return trust_and_age.reproduce(serve(lambda *a: market, tmp_path))


def test_a_weak_rise_that_bends_down_late_passes_and_recovers_the_curvature(tmp_path):
    check = judge_trust(lambda a: 0.5 + 0.014 * a - 0.001 * a ** 2, 0.1, tmp_path)
    assert [v.passed for v in check.verdicts] == [True, True, True, True]
    low, high = map(float, re.search(r"\[(-?[\d.]+), (-?[\d.]+)\]",
                                     check.verdicts[2].measured).groups())
    assert low <= -0.001 <= high  # the interval over seeds covers the curvature built in
    vertex = float(re.search(r"-b/2c = ([\d.]+) years", check.verdicts[3].measured)[1])
    assert vertex == pytest.approx(7.0, abs=1.5)


def test_a_straight_strong_rise_is_neither_weak_nor_bent(tmp_path):
    check = judge_trust(lambda a: 0.3 + 0.05 * a, 0.02, tmp_path)
    positive, weak, _, inside = (v.passed for v in check.verdicts)
    assert positive and not weak and not inside
    assert float(re.search(r"r = ([\d.]+)", check.verdicts[0].measured)[1]) > 0.95


def test_a_bend_beyond_the_oldest_relationship_is_not_inside_the_ages(tmp_path):
    # concave, but still rising at ten years: the vertex is at 25 years
    check = judge_trust(lambda a: 0.5 + 0.05 * a - 0.001 * a ** 2, 0.02, tmp_path)
    assert check.verdicts[2].passed and not check.verdicts[3].passed


def test_trust_falling_with_age_fails_the_positive_correlation(tmp_path):
    check = judge_trust(lambda a: 0.8 - 0.01 * a, 0.1, tmp_path)
    assert not check.verdicts[0].passed
    assert check.notes[0].startswith(f"6 seeds of the bundled baseline; {6 * 300} active")


# ---------------------------------------------------------------- competition-raises-dissolution


def begun_and_ended(ended_of, pairs: int):
    """Pairs begun at week 0 and living 100 weeks, ``ended_of(count, r)`` of ``pairs`` ended.

    ``count`` is the number of suppliers the run asked for, ``r`` the seed.
    """
    def make_pairs(name, overrides):
        from sim import load_scenario

        count = (int(overrides[0].split("=")[1]) if overrides
                 else load_scenario(name).lifecycle.market.suppliers.count)
        def rows(r):
            ended = ended_of(count, r)
            return ([{"t_early": 0.0, "end": 100.0}] * ended
                    + [{"t_early": 0.0, "end": 100.0, "censored": True}] * (pairs - ended))
        return seeds(rows)
    return make_pairs


def dissolution(endings_by_count):
    """Ten begun pairs per seed; the endings depend on the suppliers' count."""
    top = max(endings_by_count)
    return begun_and_ended(
        lambda count, r: endings_by_count[count] + (r % 2 if count == top else 0), 10)


def test_hazards_rising_with_the_number_of_suppliers_pass(tmp_path):
    context = serve(dissolution({6: 2, 12: 4, 24: 8}), tmp_path)
    check = competition_raises_dissolution.reproduce(context)
    verdict, = check.verdicts
    assert verdict.label == "baseline: hazard rises with suppliers 6 -> 12 -> 24"
    # 2 and 4 endings over 1,000 weeks; 8 or 9 alternately: pooled 8.5 / 1,000
    assert verdict.measured.startswith("0.104 -> 0.208 -> 0.442 per year; ratio 4.25 [")
    assert check.passed and check.measured == "rises in every market"
    assert [call[:2] for call in context.calls] == [
        ("baseline", ("lifecycle.market.suppliers.count=6",)), ("baseline", ()),
        ("baseline", ("lifecycle.market.suppliers.count=24",))]


@pytest.mark.parametrize("endings", [{6: 4, 12: 3, 24: 8},   # a step falls, with no noise
                                     {6: 5, 12: 5, 24: 4},   # flat
                                     {6: 8, 12: 4, 24: 2}])  # falling
def test_hazards_that_do_not_rise_at_every_step_fail(tmp_path, endings):
    check = competition_raises_dissolution.reproduce(serve(dissolution(endings), tmp_path))
    assert not check.passed and check.measured == "does not rise in: baseline"


def noisy_dissolution(mean_endings, offsets=(-3, -2, -1, 1, 2, 3)):
    """Twenty begun pairs per seed; endings vary from seed to seed around a mean.

    Each supplier count sees the offsets in its own order, so the counts' noise is not shared.
    """
    def ended_of(count, r):
        shift = sorted(mean_endings).index(count)
        return mean_endings[count] + offsets[(r * (shift + 1) + shift) % len(offsets)]
    return begun_and_ended(ended_of, 20)


def test_a_step_that_dips_within_its_noise_does_not_fail_a_clear_rise(tmp_path):
    context = serve(noisy_dissolution({6: 4, 12: 10, 24: 9}), tmp_path)
    verdict, = competition_raises_dissolution.reproduce(context).verdicts
    assert "0.277 -> 0.260 per year" in verdict.measured  # the point estimate dips
    assert "falls" not in verdict.measured and verdict.passed


def test_a_step_that_falls_beyond_its_noise_fails_even_when_double_beats_half(tmp_path):
    context = serve(noisy_dissolution({6: 4, 12: 14, 24: 8}), tmp_path)
    verdict, = competition_raises_dissolution.reproduce(context).verdicts
    ratio = re.search(r"ratio ([\d.]+) \[([\d.]+), ([\d.]+)\]", verdict.measured)
    assert float(ratio.group(2)) > 1  # double beats half ...
    assert verdict.measured.endswith("falls: 12 -> 24")  # ... but one step falls
    assert not verdict.passed


def test_hazards_equal_on_average_in_every_market_fail(tmp_path):
    check = competition_raises_dissolution.reproduce(
        serve(noisy_dissolution({6: 8, 12: 8, 24: 8}), tmp_path))
    assert not check.passed and check.measured == "does not rise in: baseline"


def test_a_seed_in_which_nobody_began_in_one_market_is_pooled_as_no_exposure(tmp_path):
    make = dissolution({6: 2, 12: 4, 24: 8})

    def thin(name, overrides):
        pairs = make(name, overrides)
        if overrides and overrides[0].endswith("=6"):  # nobody began in seed 0 of the half
            pairs = pairs[pairs["replication"] != 0]
            pairs = pd.concat([pairs, pair_rows(0, [{"t_early": np.nan}])], ignore_index=True)
        return pairs
    check = competition_raises_dissolution.reproduce(serve(thin, tmp_path))
    # half the suppliers: 2 endings over 1,000 weeks in each of the five other seeds
    assert check.verdicts[0].measured.startswith("0.104 -> 0.208 -> 0.442 per year")
    assert check.passed


def test_the_full_run_tries_three_markets_and_never_fewer_than_two_suppliers(tmp_path):
    endings = {3: 1, 6: 2, 12: 4, 24: 8}
    context = serve(dissolution(endings), tmp_path, quick=False)
    check = competition_raises_dissolution.reproduce(context)
    assert [v.label.split(":")[0] for v in check.verdicts] == [
        "baseline", "high_distance", "weak_competition"]
    assert check.verdicts[2].label.endswith("3 -> 6 -> 12")
    assert check.notes[0].startswith("Markets: baseline, high_distance, weak_competition")


# ---------------------------------------------------------------- alternatives-conditional


CONDITIONAL = pair_rows(0, [
    {"t_early": 100.0, "t_development": 150.0},   # begun early enough, developed
    {"t_early": 100.0},                            # begun early enough, did not develop
    {"t_early": 468.0},                            # exactly a year before the horizon: counts
    {"t_early": 500.0, "t_development": 510.0},   # too late to count
    {"t_early": np.nan},                           # never began
])


def test_the_conditional_share_counts_pairs_begun_a_year_before_the_horizon():
    assert conditional_share(CONDITIONAL, HORIZON).to_dict() == {0: pytest.approx(1 / 3)}
    assert begun_count(CONDITIONAL).to_dict() == {0: 4.0}


def test_the_conditional_share_follows_the_horizon_it_is_given():
    assert conditional_share(CONDITIONAL, 1000.0).to_dict() == {0: pytest.approx(0.5)}
    assert conditional_share(CONDITIONAL, 100.0).empty


ENTRY = alternatives_conditional_development.ENTRY


def alternatives(developed, begun, entered=None):
    """Pairs whose share reaching development is ``developed[name]`` (``entered`` for the
    baseline with rivals entering: the same pairs, another outcome)."""
    def make_pairs(name, overrides):
        share, count = developed[name], begun[name]
        if overrides == ENTRY:
            share = entered
        def rows(r):
            grown = round(share * 10) + r % 2
            made = ([{"t_early": 100.0, "t_development": 200.0}] * grown
                    + [{"t_early": 100.0}] * (10 - grown) + [{"t_early": 500.0}] * (count + r)
                    + [{"t_early": np.nan}] * 5)
            return [{**row, "buyer": buyer, "supplier": 0, "start": 90.0}
                    for buyer, row in enumerate(made)]
        return seeds(rows)
    return make_pairs


@pytest.mark.parametrize("shares, begun, entered, verdicts", [
    ((0.6, 0.3), (9, 2), 0.3, [True, True, True]),
    ((0.3, 0.6), (9, 2), 0.1, [False, True, True]),  # the volume effect alone is not the claim
    ((0.6, 0.3), (2, 9), 0.3, [True, False, True]),
    ((0.6, 0.3), (9, 2), 0.8, [True, True, False]),  # entry must hold trial pairs back
])
def test_development_must_fall_among_begun_pairs_and_fewer_must_begin(tmp_path, shares, begun,
                                                                       entered, verdicts):
    names = ("baseline", "attractive_alternatives")
    developed, begun = dict(zip(names, shares, strict=True)), dict(zip(names, begun, strict=True))
    context = serve(alternatives(developed, begun, entered), tmp_path)
    check = alternatives_conditional_development.reproduce(context)
    assert [v.passed for v in check.verdicts] == verdicts
    assert check.passed is all(verdicts)
    assert ("baseline", ENTRY) in {(call[0], call[1]) for call in context.calls}
    change = 100 * (developed["attractive_alternatives"] - developed["baseline"])
    assert check.measured.startswith(f"conditional share {change:+.1f} points")
    assert (f"begun pairs {begun['attractive_alternatives'] - begun['baseline']:+.0f} per market"
            in check.measured)
    assert check.measured.split("; ")[-1].startswith(
        f"pairs in trial at entry {100 * (entered - developed['baseline']):+.1f} points")
    assert "are the same up to the entry" in check.notes[-1]


def test_pairs_in_trial_at_a_time_have_begun_and_neither_developed_nor_ended_by_then():
    pairs = pair_rows(0, [
        {"t_early": 100.0, "t_development": 200.0},   # in trial at 150, developed later
        {"t_early": 100.0, "end": 180.0},              # in trial at 150, ended later
        {"t_early": 100.0, "t_development": 120.0},   # developed before 150
        {"t_early": 100.0, "end": 140.0},              # ended before 150
        {"t_early": 160.0},                            # began after 150
        {"t_early": np.nan},                           # never began
    ])
    trial = alternatives_conditional_development.in_trial_at(pairs, 150.0)
    assert list(trial.index) == [0, 1]
    assert alternatives_conditional_development.developed_after(pairs, 150.0).to_dict() == {
        0: 0.5}


def test_runs_with_another_history_before_the_entry_are_told_apart():
    same = alternatives_conditional_development.same_history
    first = pair_rows(0, [{"buyer": 1, "supplier": 2, "start": 90.0, "t_early": 100.0}])
    later = pair_rows(0, [{"buyer": 1, "supplier": 2, "start": 90.0, "t_early": 100.0,
                           "t_development": 300.0}])
    other = pair_rows(0, [{"buyer": 1, "supplier": 3, "start": 90.0, "t_early": 100.0}])
    assert same(first, later, 150.0)  # what happened after the entry may differ
    assert not same(first, other, 150.0)
