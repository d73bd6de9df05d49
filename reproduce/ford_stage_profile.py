"""ford-stage-profile: Ford's variables change in his direction from pre to long-term.

A snapshot of the baseline market at the horizon: the relationships active
then, grouped by the stage they are in, as Ford describes relationships at
different stages side by side. Constructs (pairs table columns):
experience = orders so far (``episodes``), uncertainty = spread of the
buyer's belief (``uncertainty``), social and technological distance
(``social_distance``, ``technological_distance``), commitment = mean of both
sides' (``commitment_buyer``, ``commitment_supplier``), cumulative adaptation
= both sides' adaptation investments. Adaptation spending by stage comes
from the adaptation events (their amount and the stage they happened in).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots import OKABE_ITO, new_figure, panel_title, save, stage_label
from analysis.stats import pooled_contrast, pooled_interval
from reproduce.framework import CONFIDENCE, Check, Context, Verdict, consistency, familywise, vote
from reproduce.lifecycle import BOOTSTRAP_SEED, baseline

NAME = "ford-stage-profile"
SOURCE = ("Ford, D. (1980) The development of buyer-seller relationships in industrial "
          "markets. European Journal of Marketing 14(5/6): 339-353.")
CLAIM = ("From the pre-relationship stage to the long-term stage, experience rises, "
         "uncertainty falls, social and technological distance fall, commitment and cumulative "
         "adaptation rise; adaptation spending is highest in the development stage.")
CRITERION = ("Stage means over the relationships active at the horizon of the baseline, pooled "
             "over seeds, with 95% percentile-t bootstrap intervals resampling seeds: for each "
             "variable the change from pre to long-term has the stated sign with its interval "
             "excluding 0, "
             "and no step between adjacent stages has an interval wholly on the wrong side; "
             "the three steps of a variable are judged together, each at the familywise "
             "level 1 - 0.05/3 (98.3%), so that the three of them fail a true trend by chance "
             "no more often than one 95% interval. "
             "Adaptation spending is larger in development than in any other stage in at least "
             "90% of seeds.")

STAGES = ("pre", "early", "development", "long_term")
VARIABLES = (
    ("experience (orders so far)", +1),
    ("uncertainty", -1),
    ("social distance", -1),
    ("technological distance", -1),
    ("commitment", +1),
    ("cumulative adaptation (money)", +1),
)

CONSTRUCTION = {
    "experience (orders so far)":
        "A pair reaches each later stage only through further orders and reviews (trial "
        "orders before development, reviews before long-term), and orders only accumulate, "
        "so the rise follows from the order of the stages.",
    "uncertainty":
        "Uncertainty is the spread of the buyer's Beta belief, which narrows with every "
        "order observed, and later stages are reached only after more orders.",
    "social distance":
        "Every order multiplies the pair's social distance by the fixed factor social_keep "
        "below one, so it falls with the orders that later stages require.",
    "technological distance":
        "Each adaptation multiplies technological distance by 1 - adaptation_effect, and "
        "adaptations are considered only at development and long-term reviews.",
    "commitment":
        "A pair enters long-term only when both commitments clear the development "
        "commitment_threshold, so the promotion rule states the rise.",
    "cumulative adaptation (money)":
        "Adaptations are considered only at development and long-term reviews and "
        "investments only accumulate, so adaptation is zero before development by rule.",
}
"""Why each of Ford's six trends follows from the model's construction (consistency checks)."""


def reproduce(context: Context) -> Check:
    """Judge the stage profile of the active relationships and the adaptation spending."""
    results = baseline(context)
    active = results.pairs[results.pairs["censored"]]
    values = _variables(active)
    sums, counts = _by_replication(active, values)
    mean, low, high = pooled_interval(sums, counts, seed=BOOTSTRAP_SEED)
    verdicts = []
    for index, (label, sign) in enumerate(VARIABLES):
        verdicts.append(_trend(label, sign, sums[:, :, index], counts[:, :, index]))
    spending = _adaptation_spending(results.events, results.pairs["replication"].unique())
    others = spending.drop(columns="development")
    highest = (spending["development"].to_numpy()[:, None] > others.to_numpy()).all(axis=1)
    passed, count = vote(highest)
    shares = spending.sum() / spending.to_numpy().sum()
    verdicts.append(Verdict(
        "adaptation spending highest in development", "development > every other stage",
        ", ".join(f"{stage_label(s)} {shares[s]:.0%}" for s in spending.columns)
        + f" of all spending; holds in {count}", passed))
    figure = _figure(mean, low, high, shares, context.figure_path(NAME))
    failing = [v.label for v in verdicts if not v.passed]
    return Check.from_verdicts(
        __name__, verdicts, expected="6 trends in Ford's direction; adaptation peaks in "
        "development", measured="all in Ford's direction" if not failing
        else "against or unclear: " + ", ".join(failing), figure=figure,
        notes=[f"{len(sums)} seeds of the bundled baseline; {int(counts[:, :, 0].sum())} "
               "relationships active at the horizon."])


def _variables(pairs: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "experience": pairs["episodes"].astype(float),
        "uncertainty": pairs["uncertainty"],
        "social": pairs["social_distance"],
        "technological": pairs["technological_distance"],
        "commitment": 0.5 * (pairs["commitment_buyer"] + pairs["commitment_supplier"]),
        "adaptation": pairs["investment_buyer"] + pairs["investment_supplier"],
    }, index=pairs.index)


def _by_replication(pairs, values) -> tuple[np.ndarray, np.ndarray]:
    """Sums and counts per replication, stage and variable."""
    frame = values.assign(replication=pairs["replication"], stage=pairs["end_stage"])
    frame = frame[frame["stage"].isin(STAGES)]
    replications = np.sort(pairs["replication"].unique())
    index = pd.MultiIndex.from_product([replications, STAGES])
    grouped = frame.groupby(["replication", "stage"])
    sums = grouped[list(values.columns)].sum().reindex(index, fill_value=0.0)
    counts = grouped.size().reindex(index, fill_value=0)
    shape = (len(replications), len(STAGES), len(values.columns))
    sums = sums.to_numpy().reshape(shape)
    counts = np.repeat(counts.to_numpy().reshape(shape[:2])[:, :, None], shape[2], axis=2)
    return sums, counts.astype(float)


def _trend(label: str, sign: int, sums: np.ndarray, counts: np.ndarray) -> Verdict:
    """Overall change pre -> long-term and steps between adjacent stages, bootstrapped."""
    steps = [(0, 3)] + [(i, i + 1) for i in range(3)]
    levels = _step_levels(len(steps) - 1)
    differences = []
    for (first, last), level in zip(steps, levels, strict=True):
        # a difference of pooled means: bootstrap both with the same resampled seeds
        pair_sums = np.stack([sums[:, last], sums[:, first]], axis=1)
        pair_counts = np.stack([counts[:, last], counts[:, first]], axis=1)
        differences.append(_difference(pair_sums, pair_counts, level))
    (overall, low, high), *adjacent = differences
    right_side = low > 0 if sign > 0 else high < 0
    wrong_step = [f"{stage_label(STAGES[i])}->{stage_label(STAGES[i + 1])}"
                  for i, (_, lo, hi) in enumerate(adjacent)
                  if (hi < 0 if sign > 0 else lo > 0)]
    measured = f"pre->long-term {overall:+.3g} [{low:+.3g}, {high:+.3g}]"
    if wrong_step:
        measured += "; wrong way: " + ", ".join(wrong_step)
    verdict = Verdict(f"{label} {'rises' if sign > 0 else 'falls'}",
                      f"change {'> 0' if sign > 0 else '< 0'}, no step against",
                      measured, bool(right_side and not wrong_step))
    return consistency(verdict, CONSTRUCTION[label])


def _step_levels(steps: int) -> list[float]:
    """Confidence of the overall change (one interval) and of each adjacent step (a family)."""
    return [CONFIDENCE] + [familywise(steps)] * steps


def _difference(sums: np.ndarray, counts: np.ndarray,
                confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Difference of two pooled means (column 0 minus column 1) with a seed bootstrap."""
    return pooled_contrast(sums[:, ::-1], counts[:, ::-1], confidence, seed=BOOTSTRAP_SEED)


def _adaptation_spending(events: pd.DataFrame, replications) -> pd.DataFrame:
    """Adaptation spending (money) per replication and stage in which it was made."""
    adaptations = events[events["kind"] == "adaptation"]
    table = adaptations.pivot_table(index="replication", columns="stage", values="amount",
                                    aggfunc="sum", fill_value=0.0)
    stages = ["pre", "early", "development", "long_term", "final"]
    return table.reindex(index=sorted(replications), columns=stages, fill_value=0.0)


def _figure(mean, low, high, shares, path):
    figure, axes = new_figure("Ford's stages: relationships active at the horizon, by stage",
                              ncols=4, nrows=2)
    positions = np.arange(len(STAGES))
    for index, (label, _) in enumerate(VARIABLES):
        ax = axes[index]
        ax.errorbar(positions, mean[:, index],
                    yerr=[mean[:, index] - low[:, index], high[:, index] - mean[:, index]],
                    fmt="o-", color=OKABE_ITO[index % len(OKABE_ITO)], capsize=4)
        ax.set_xticks(positions, [stage_label(s) for s in STAGES], rotation=40, ha="right",
                      fontsize=9)
        panel_title(ax, label, width=24)
    ax = axes[len(VARIABLES)]
    ax.bar(np.arange(len(shares)), shares.to_numpy(), color=OKABE_ITO[2])
    ax.set_xticks(np.arange(len(shares)), [stage_label(s) for s in shares.index], rotation=40,
                  ha="right", fontsize=9)
    panel_title(ax, "share of adaptation spending", width=24)
    axes[-1].set_visible(False)
    return save(figure, path)
