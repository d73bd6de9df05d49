"""The emergent behaviour of MODEL.md, each shown by comparing scenarios.

Each test runs bundled scenarios with common random numbers (the same seeds
for every scenario) and asserts that the 95% confidence interval of the
difference, from the standard error across replications, lies on the
predicted side of zero. The default run uses a few replications; the slow
variants (``-m slow``) use many. Nothing in the model writes these outcomes:
they follow from trust, distance, alternatives, attention, entry and skills.
"""

from __future__ import annotations

import pytest
from lifecycle_runs import interval, paired_interval, replicate

from sim.models.lifecycle.config import Development, Policy

LIGHT, HEAVY = 8, 30
REPLICATIONS = [pytest.param(LIGHT, id="light"), pytest.param(HEAVY, id="heavy",
                                                               marks=pytest.mark.slow)]


def _above_zero(base, other, figure):
    mean, low, high = paired_interval(base[figure], other[figure])
    assert low > 0, f"{figure}: difference {mean:.4g} with 95% CI [{low:.4g}, {high:.4g}]"


@pytest.mark.parametrize("replications", REPLICATIONS)
def test_high_distance_ends_more_pairs_in_pre_and_early_with_reason_distance(replications):
    base = replicate("baseline", replications)
    far = replicate("high_distance", replications)
    _above_zero(base, far, "distance_ends_pre_early")


@pytest.mark.parametrize("replications", REPLICATIONS)
def test_attractive_alternatives_let_fewer_pairs_reach_development(replications):
    """Fewer relationships per market get to development when outside options are attractive.

    The count is what the claim is about; the share among evaluated pairs is
    not, since attractive alternatives also make fewer offers persuasive.
    """
    base = replicate("baseline", replications)
    tempted = replicate("attractive_alternatives", replications)
    _above_zero(tempted, base, "reached_development")


@pytest.mark.parametrize("replications", REPLICATIONS)
def test_adaptations_follow_trust_and_concentrate_in_development(replications):
    """Adaptations wait until trust has built up; most spending falls in development.

    Trust starts wary (no goodwill with a stranger) and builds with shared
    history, so it is higher at an adaptation than when trial orders begin,
    the belief about reliability is less uncertain, and trust clears each
    side's adaptation threshold.
    """
    told = replicate("baseline", replications, events=True)
    assert (told["adaptations_before_development"] == 0).all()
    threshold = min(Development().adaptation_trust, Policy().adaptation_trust)
    assert (told["lowest_trust_at_adaptation"] >= threshold).all()
    _above_zero(told.assign(t=told["trust_entering_early"]),
                told.assign(t=told["trust_at_adaptation"]), "t")
    _above_zero(told.assign(u=told["uncertainty_at_adaptation"]),
                told.assign(u=told["uncertainty_entering_early"]), "u")
    mean, low, high = interval(told["adaptation_share_development"])
    assert low > 0.5, f"development's share of spending {mean:.3f} [{low:.3f}, {high:.3f}]"
    _above_zero(told.assign(s=told["adaptation_share_long_term"]),
                told.assign(s=told["adaptation_share_development"]), "s")
    hurdle = replicate("adaptation_hurdle", replications)
    _above_zero(hurdle, replicate("baseline", replications), "reach_long_term")


@pytest.mark.parametrize("replications", REPLICATIONS)
def test_cost_to_serve_per_revenue_is_lower_in_long_term_than_in_development(replications):
    base = replicate("baseline", replications)
    _above_zero(
        base.assign(c=base["cost_per_revenue_long_term"]),
        base.assign(c=base["cost_per_revenue_development"]), "c",
    )


@pytest.mark.parametrize("replications", REPLICATIONS)
def test_low_attention_in_long_term_lowers_satisfaction_and_loses_more_to_competitors(
    replications,
):
    base = replicate("baseline", replications)
    neglect = replicate("neglect", replications)
    _above_zero(neglect, base, "satisfaction_long_term")
    _above_zero(base, neglect, "long_term_lost_to_competitor")


@pytest.mark.parametrize("replications", REPLICATIONS)
def test_final_stage_is_rare_commoner_under_weak_competition_and_lost_after_entry(replications):
    base = replicate("baseline", replications)
    mean, low, high = interval(base["reach_final"])
    assert high < 0.1, f"share of pairs reaching final {mean:.3f} [{low:.3f}, {high:.3f}]"
    # Promotions to final are few events per run: judged on at least twice the
    # light count of replications. At 8, the interval's lower end ranged from
    # -0.0017 to +0.0162 over four seed sets of the same model; at 16, from
    # +0.0039 to +0.0123.
    promoted = max(replications, 2 * LIGHT)
    weak = replicate("weak_competition", promoted)
    _above_zero(replicate("baseline", promoted), weak, "reach_final")
    entry = replicate("competitor_entry", replications)
    _above_zero(base, entry, "final_lost_to_competitor")


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "in the entry market more pairs that reached final end for a reason other than a "
    "competitor than are lost to one: competitor minus other -0.7 [-1.30, -0.10] per market "
    "over 30 seeds; losses to competitors still rise with entry (seed-claims, C12)"))
def test_after_entry_final_pairs_are_lost_mainly_to_competitors():
    # A direction within one scenario, paired by replication; at the light
    # count its interval is too wide to tell, so it runs only at the heavy one.
    entry = replicate("competitor_entry", HEAVY)
    _above_zero(entry.assign(lost=entry["final_lost_otherwise"]),
                entry.assign(lost=entry["final_lost_to_competitor"]), "lost")


@pytest.mark.parametrize("replications", REPLICATIONS)
def test_most_pairs_end_before_long_term(replications):
    base = replicate("baseline", replications)
    mean, low, high = interval(base["ended_before_long_term_of_ended"])
    assert low > 0.5, f"ended pairs ending before long-term {mean:.3f} [{low:.3f}, {high:.3f}]"


@pytest.mark.parametrize("replications", REPLICATIONS)
def test_skilled_problem_solving_and_conflict_resolution_mean_fewer_poor_performance_ends(
    replications,
):
    base = replicate("baseline", replications)
    skilled = replicate("skilled_supplier", replications)
    _above_zero(skilled, base, "poor_performance_ends")
