"""Ford's stage profile and Morgan & Hunt's paths, on cross-sections built to a known answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from stub_runs import StubContext, results

from reproduce import commitment_trust_signs, ford_stage_profile, seed_claims
from reproduce.commitment_trust_signs import _regress
from reproduce.ford_stage_profile import STAGES, _adaptation_spending, _trend
from reproduce.framework import CONSISTENCY, REPRODUCTION, familywise
from reproduce.lifecycle import replications, run

SEEDS = 6


@pytest.fixture(autouse=True)
def no_drawing(monkeypatch):
    for module in (ford_stage_profile, commitment_trust_signs):
        monkeypatch.setattr(module, "_figure", lambda *args: args[-1])


# ---------------------------------------------------------------- ford-stage-profile


def profile(commitment=(0.1, 0.2, 0.3, 0.5), seed=4, per_stage=8):
    """Relationships active at the horizon, ``per_stage`` in each stage, Ford's way round."""
    rng = np.random.default_rng(seed)
    rows = []
    for replication in range(SEEDS):
        for rank, stage in enumerate(STAGES):
            for _ in range(per_stage):
                noise = rng.normal(0, 0.01)
                rows.append({
                    "replication": replication, "end_stage": stage, "censored": True,
                    "episodes": 5 * rank + int(rng.integers(0, 3)),
                    "uncertainty": 0.3 - 0.05 * rank + noise,
                    "social_distance": 0.9 - 0.2 * rank + noise,
                    "technological_distance": 0.8 - 0.1 * rank + noise,
                    "commitment_buyer": commitment[rank] + noise,
                    "commitment_supplier": commitment[rank] - noise,
                    "investment_buyer": 40.0 * max(0, rank - 1) + abs(noise),
                    "investment_supplier": 60.0 * max(0, rank - 1)})
        # an ended relationship is not in the snapshot, whatever its values
        rows.append({**rows[-1], "censored": False, "episodes": -1000})
    return pd.DataFrame(rows)


def spending(development=100.0, long_term=40.0):
    rows = []
    for replication in range(SEEDS):
        rows += [{"replication": replication, "kind": "adaptation", "stage": "development",
                  "amount": development + replication},
                 {"replication": replication, "kind": "adaptation", "stage": "long_term",
                  "amount": long_term},
                 {"replication": replication, "kind": "episode", "stage": "long_term",
                  "amount": 10_000.0}]
    return pd.DataFrame(rows)


def judge_profile(tmp_path, pairs, events):
    context = StubContext(lambda name, overrides, with_events: results(pairs, events=events),
                          tmp_path)
    return ford_stage_profile.reproduce(context), context


def test_a_market_in_fords_direction_passes_every_trend(tmp_path):
    check, context = judge_profile(tmp_path, profile(), spending())
    assert check.passed and check.measured == "all in Ford's direction"
    assert [v.label for v in check.verdicts[:6]] == [
        "experience (orders so far) rises", "uncertainty falls", "social distance falls",
        "technological distance falls", "commitment rises", "cumulative adaptation (money) rises"]
    assert all(v.kind == CONSISTENCY for v in check.verdicts[:6])
    assert check.verdicts[6].kind == REPRODUCTION
    assert check.notes == [f"{SEEDS} seeds of the bundled baseline; {SEEDS * 32} relationships "
                           "active at the horizon."]
    assert context.calls[0][4] is True  # the baseline with events


def test_the_change_from_pre_to_long_term_is_the_difference_of_pooled_means(tmp_path):
    check, _ = judge_profile(tmp_path, profile(), spending())
    # social distance: 0.9 in pre, 0.3 in long-term, noise 0.01 per pair
    social = check.verdicts[2].measured
    change = float(social.split("pre->long-term ")[1].split(" ")[0])
    assert change == pytest.approx(-0.6, abs=0.01)


def test_a_step_against_the_trend_is_named_even_when_the_whole_change_is_right(tmp_path):
    check, _ = judge_profile(tmp_path, profile(commitment=(0.1, 0.4, 0.2, 0.6)), spending())
    commitment = check.verdicts[4]
    assert not commitment.passed and commitment.measured.endswith("; wrong way: early->development")
    assert not check.passed
    assert check.measured == "against or unclear: commitment rises"


def test_adaptation_spending_must_peak_in_development_in_nine_seeds_of_ten(tmp_path):
    check, _ = judge_profile(tmp_path, profile(), spending(development=30.0, long_term=40.0))
    verdict = check.verdicts[6]
    assert not verdict.passed and verdict.measured.endswith("holds in 0 of 6 seeds")
    # of all adaptation spending (episodes are not adaptations): 195 of 435 in development
    assert verdict.measured.startswith(
        "pre-relationship 0%, early 0%, development 45%, long-term 55%, final 0% of all")


def test_adaptation_spending_counts_every_stage_and_every_replication():
    events = pd.DataFrame({"replication": [0, 0, 2], "kind": ["adaptation"] * 3,
                           "stage": ["development", "final", "development"],
                           "amount": [5.0, 2.0, 7.0]})
    table = _adaptation_spending(events, [2, 0, 1])
    assert list(table.columns) == ["pre", "early", "development", "long_term", "final"]
    assert table.index.tolist() == [0, 1, 2]
    assert table.loc[0].tolist() == [0.0, 0.0, 5.0, 0.0, 2.0]
    assert table.loc[1].sum() == 0.0 and table.loc[2, "development"] == 7.0


def test_a_trend_whose_interval_includes_zero_fails():
    rng = np.random.default_rng(2)
    counts = np.full((SEEDS, len(STAGES)), 10.0)
    sums = counts * 0.5 + rng.normal(0, 1.0, counts.shape)  # the same mean in every stage
    verdict = _trend("commitment", +1, sums, counts)
    assert not verdict.passed and verdict.kind == CONSISTENCY
    assert _trend("commitment", -1, -sums, counts).passed is False


def test_a_trend_is_judged_on_its_own_sign():
    counts = np.full((SEEDS, len(STAGES)), 10.0)
    rising = counts * np.array([0.1, 0.2, 0.3, 0.4]) * (1 + 0.01 * np.arange(SEEDS))[:, None]
    assert _trend("commitment", +1, rising, counts).passed
    assert not _trend("uncertainty", -1, rising, counts).passed
    assert _trend("uncertainty", -1, -rising, counts).passed


# ---------------------------------------------------------------- commitment-trust-signs


def confounded(seed=3, per_stage=200):
    """Within each stage y rises with x; across stages x rises while y falls."""
    rng = np.random.default_rng(seed)
    frames = []
    for rank, stage in enumerate(("early", "development", "long_term")):
        x = rng.normal(2.0 * rank, 1.0, per_stage)
        y = 0.5 * (x - 2.0 * rank) - 3.0 * rank + rng.normal(0, 0.5, per_stage)
        frames.append(pd.DataFrame({"x": x, "y": y, "stage": stage}))
    return pd.concat(frames, ignore_index=True)


def test_stage_fixed_effects_keep_the_stage_from_posing_as_the_predictor():
    data = confounded()
    within = _regress(data["y"], data[["x"]], data["stage"])
    pooled = np.polyfit(data["x"], data["y"], 1)[0]
    assert pooled < 0 < within[0]
    # the standardised coefficient: 0.5 sd(x) / sd(y)
    assert within[0] == pytest.approx(0.5 * data["x"].std(ddof=0) / data["y"].std(ddof=0),
                                      rel=0.1)


def test_two_predictors_get_their_own_standardised_coefficients():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"a": rng.normal(0, 1, 500), "b": rng.normal(0, 3, 500)})
    outcome = 2.0 * frame["a"] - 1.0 * frame["b"]
    coefficients = _regress(outcome, frame, pd.Series(["early"] * 500))
    scale = outcome.std(ddof=0)
    assert coefficients == pytest.approx([2.0 * frame["a"].std(ddof=0) / scale,
                                          -1.0 * frame["b"].std(ddof=0) / scale], rel=1e-9)


@pytest.mark.parametrize("constant", ["predictor", "outcome"])
def test_a_constant_variable_has_no_coefficient(constant):
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [0.5, 0.1, 0.9, 0.3]})
    outcome = pd.Series([1.0, 3.0, 2.0, 5.0])
    if constant == "predictor":
        frame["a"] = 7.0
    else:
        outcome[:] = 2.0
    assert np.isnan(_regress(outcome, frame, pd.Series(["early"] * 4))).all()


def path_market(trust_slope: float, seed: int = 6):
    """Active relationships whose commitment and trust follow Morgan & Hunt's signs."""
    rng = np.random.default_rng(seed)
    frames = []
    for replication in range(SEEDS):
        n = 120
        stage = rng.choice(["early", "development", "long_term"], n)
        switching = rng.gamma(2.0, 10.0, n)
        distance = rng.uniform(0, 1, n)
        attention = rng.uniform(0, 2, n)
        trust = 0.5 + trust_slope * (attention - distance) + rng.normal(0, 0.05, n)
        commitment = 0.01 * switching + 0.5 * trust + rng.normal(0, 0.05, n)
        frames.append(pd.DataFrame({
            "replication": replication, "buyer": np.arange(n), "supplier": 0,
            "t_early": 10.0, "end": 520.0, "censored": True, "end_stage": stage,
            "switching_cost": switching, "cultural_distance": distance, "attention": attention,
            "trust": trust, "commitment_buyer": commitment, "commitment_supplier": commitment}))
    return pd.concat(frames, ignore_index=True)


def leaving_events(pairs: pd.DataFrame, seed: int = 7):
    """One commitment mark per relationship; the ones with low commitment then leave."""
    rng = np.random.default_rng(seed)
    marks = pairs[["replication", "buyer", "supplier"]].copy()
    marks["commitment_after"] = rng.uniform(0, 1, len(marks))
    marks["trust_after"] = 0.5
    marks["time"], marks["kind"], marks["stage"], marks["new_stage"] = 20.0, "adaptation", \
        pairs["end_stage"].to_numpy(), None
    return marks


def judge_paths(tmp_path, trust_slope):
    pairs = path_market(trust_slope)
    events = leaving_events(pairs)
    # those marked with low commitment end within a year of the first snapshot
    low = events["commitment_after"].to_numpy() < 0.4
    pairs.loc[low, "end"] = 520.0 - 3 * 52 + 10
    pairs.loc[low, "censored"] = False
    pairs.loc[~low, "end"] = 600.0

    def make(name, overrides, with_events):
        return results(pairs, events=events if with_events else None, scenario=name)
    return commitment_trust_signs.reproduce(StubContext(make, tmp_path))


def test_paths_with_morgan_and_hunts_signs_pass_and_the_formula_paths_are_consistency(tmp_path):
    check = judge_paths(tmp_path, trust_slope=0.2)
    assert [v.passed for v in check.verdicts] == [True] * 5
    assert [v.kind for v in check.verdicts] == [CONSISTENCY, CONSISTENCY, REPRODUCTION,
                                               REPRODUCTION, REPRODUCTION]
    assert check.measured == "all 5 signs as expected"
    assert check.notes[1] == f"{SEEDS} seeds."


def test_trust_that_falls_with_attention_and_rises_with_distance_fails_both_paths(tmp_path):
    check = judge_paths(tmp_path, trust_slope=-0.2)
    assert [v.passed for v in check.verdicts] == [True, True, False, False, True]
    assert check.measured == ("3 of 5; not shown: cultural distance -> trust, "
                              "attention -> trust")


# ---------------------------------------------------------------- shared helpers


def test_lifecycle_runs_use_twelve_seeds_quick_and_twenty_in_full(tmp_path):
    served = []
    for quick in (True, False):
        context = StubContext(lambda *args: served.append(args) or "results", tmp_path,
                              quick=quick)
        assert replications(context) == (12 if quick else 20)
        run(context, "neglect", ["a=1"])
        assert context.calls == [("neglect", ("a=1",), 12 if quick else 20, 50000, False)]


def test_fords_constructs_are_read_from_the_pairs_columns():
    pairs = pd.DataFrame({"episodes": [3, 10], "uncertainty": [0.2, 0.1],
                          "social_distance": [0.8, 0.4], "technological_distance": [0.9, 0.6],
                          "commitment_buyer": [0.2, 0.6], "commitment_supplier": [0.4, 0.8],
                          "investment_buyer": [0.0, 30.0], "investment_supplier": [0.0, 50.0]})
    values = ford_stage_profile._variables(pairs)
    assert values["commitment"].tolist() == pytest.approx([0.3, 0.7])  # both sides' mean
    assert values["adaptation"].tolist() == [0.0, 80.0]                  # both sides' sum
    assert values["experience"].dtype == float and values["social"].tolist() == [0.8, 0.4]


def test_stage_sums_and_counts_have_a_cell_for_every_seed_and_stage_even_when_empty():
    pairs = pd.DataFrame({"replication": [0, 0, 1, 1], "end_stage": ["pre", "early", "early",
                                                                     "final"]})
    values = pd.DataFrame({"x": [1.0, 2.0, 4.0, 100.0]}, index=pairs.index)
    sums, counts = ford_stage_profile._by_replication(pairs, values)
    assert sums.shape == counts.shape == (2, len(STAGES), 1)
    assert sums[:, :, 0].tolist() == [[1.0, 2.0, 0.0, 0.0], [0.0, 4.0, 0.0, 0.0]]
    assert counts[:, :, 0].tolist() == [[1.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]]


def test_a_share_of_no_pairs_is_undefined_not_zero():
    assert np.isnan(seed_claims._share(pd.Series([], dtype=bool)))
    assert seed_claims._share(pd.Series([True, False, False, True])) == 0.5


def test_the_steps_of_a_variable_are_judged_together_at_a_familywise_level(monkeypatch):
    levels = []

    def recording(sums, counts, confidence=0.95):
        levels.append(confidence)
        return (1.0, 0.5, 1.5)

    monkeypatch.setattr(ford_stage_profile, "_difference", recording)
    counts = np.full((SEEDS, len(STAGES)), 10.0)
    assert _trend("commitment", +1, counts, counts).passed
    assert levels[0] == pytest.approx(0.95)  # the overall change: one interval
    assert levels[1:] == pytest.approx([1 - 0.05 / 3] * 3)  # three steps: one family


def test_a_family_of_intervals_shares_the_error_rate_of_one():
    # three independent statistics with no effect: how often does any one of
    # them fall outside its interval?
    from scipy import stats

    z = np.random.default_rng(11).standard_normal((20_000, 3))
    def any_outside(level):
        return float((np.abs(z) > stats.norm.ppf(0.5 + level / 2)).any(axis=1).mean())
    alone, together = any_outside(0.95), any_outside(familywise(3))
    assert alone == pytest.approx(1 - 0.95**3, abs=0.01)  # about 14%: three chances to fail
    assert together <= 0.05 + 0.005  # at most the error rate of one interval
    assert together > 0.045  # and not needlessly wider
