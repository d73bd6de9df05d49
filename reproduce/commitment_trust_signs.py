"""commitment-trust-signs: the signs of Morgan & Hunt's paths in a cross-section of pairs.

Mapping of Morgan & Hunt's constructs to the model (pairs table columns):

- relationship termination cost -> ``switching_cost`` (the buyer's adaptation
  investments, lost if it leaves);
- shared values -> low ``cultural_distance``;
- communication -> ``attention`` (account-management attention per week);
- trust -> ``trust`` (mean of the buyer's belief in the supplier's
  reliability);
- relationship commitment -> mean of ``commitment_buyer`` and
  ``commitment_supplier``;
- propensity to leave -> the relationship ended within the following year.

Regressions use standardised variables with stage fixed effects: the
suppliers' policy sets attention by stage, so without them "attention"
would only measure the stage. Trust and commitment are read from the
relationships active at the horizon of the baseline and of ``neglect`` (same
seeds), which differ only in attention to long-term and final accounts, so
attention varies within a stage. Leaving is read from snapshots of the
baseline one, two and three years before its horizon: each relationship
active then is one observation of its commitment (recorded at its last stage
change or adaptation) and whether it ended in the following year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots import OKABE_ITO, new_figure, save
from analysis.stats import mean_interval
from reproduce.framework import Check, Context, Verdict, consistency
from reproduce.lifecycle import WEEKS_PER_YEAR, baseline, horizon_of, run, snapshot

NAME = "commitment-trust-signs"
SOURCE = ("Morgan, R. M. & Hunt, S. D. (1994) The commitment-trust theory of relationship "
          "marketing. Journal of Marketing 58(3): 20-38.")
CLAIM = ("Termination costs and trust raise commitment, shared values and communication raise "
         "trust, and commitment lowers the propensity to leave.")
CRITERION = ("For each path, the standardised coefficient estimated seed by seed (with stage "
             "fixed effects) has a mean whose 95% Student-t interval over seeds lies on the "
             "sign Morgan & Hunt report.")

SNAPSHOTS = 3
"""Yearly snapshots before the horizon whose following year shows who left."""

PATHS = (
    ("switching cost -> commitment", +1),
    ("trust -> commitment", +1),
    ("cultural distance -> trust (shared values -> trust +)", -1),
    ("attention -> trust (communication -> trust +)", +1),
    ("commitment -> leaving within a year", -1),
)

CONSTRUCTION = {
    "switching cost -> commitment":
        "Each side's commitment is defined as a weighted sum with a positive weight on its "
        "sunk adaptation investment (formulas.commitment), which is the switching cost.",
    "trust -> commitment":
        "Each side's commitment is defined as a weighted sum with a positive weight on trust "
        "(formulas.commitment).",
}
"""The paths the commitment formula states: consistency checks, not reproductions."""


def reproduce(context: Context) -> Check:
    """Estimate each path per seed and judge the sign of its mean."""
    base = baseline(context)
    neglect = run(context, "neglect")
    cross_section = pd.concat([_active(base.pairs), _active(neglect.pairs)])
    horizon = horizon_of(base)
    later = pd.concat([snapshot(base, horizon - years * WEEKS_PER_YEAR)
                       for years in range(1, SNAPSHOTS + 1)])
    estimates = []
    for replication, group in cross_section.groupby("replication"):
        commitment = _regress(group["commitment"], group[["switching_cost", "trust"]],
                              group["end_stage"])
        trust = _regress(group["trust"], group[["cultural_distance", "attention"]],
                         group["end_stage"])
        snap = later[later["replication"] == replication]
        leaving = _regress(snap["left_within"].astype(float), snap[["commitment_after"]],
                           snap["stage"])
        estimates.append([*commitment, *trust, *leaving])
    estimates = np.array(estimates)
    verdicts, intervals = [], []
    for index, (label, sign) in enumerate(PATHS):
        mean, low, high = mean_interval(estimates[:, index])
        intervals.append((mean, low, high))
        verdict = Verdict(label, "negative" if sign < 0 else "positive",
                          f"{mean:+.3f} [{low:+.3f}, {high:+.3f}]",
                          bool(low > 0 if sign > 0 else high < 0))
        verdicts.append(consistency(verdict, CONSTRUCTION[label]) if label in CONSTRUCTION
                        else verdict)
    figure = _figure(intervals, context.figure_path(NAME))
    wrong = [v.label.split(" (")[0] for v in verdicts if not v.passed]
    return Check.from_verdicts(
        __name__, verdicts, expected="5 paths with Morgan & Hunt's signs",
        measured="all 5 signs as expected" if not wrong
        else f"{len(PATHS) - len(wrong)} of 5; not shown: {', '.join(wrong)}",
        figure=figure, notes=[_mapping_note(), f"{len(estimates)} seeds."])


def _active(pairs: pd.DataFrame) -> pd.DataFrame:
    active = pairs[pairs["censored"] & pairs["t_early"].notna()]
    return active.assign(commitment=0.5 * (active["commitment_buyer"]
                                           + active["commitment_supplier"]))


def _regress(outcome: pd.Series, predictors: pd.DataFrame, stage: pd.Series) -> np.ndarray:
    """Standardised OLS coefficients of ``predictors`` with stage fixed effects."""
    def standardised(values) -> np.ndarray:
        values = np.asarray(values, dtype=float)
        spread = values.std()
        return (values - values.mean()) / spread if spread > 0 else np.full(values.shape, np.nan)

    columns = [standardised(predictors[name]) for name in predictors.columns]
    dummies = pd.get_dummies(stage.astype(str), drop_first=True).to_numpy(dtype=float)
    design = np.column_stack([np.ones(len(outcome)), *columns, dummies])
    y = standardised(outcome)
    if not np.isfinite(design).all() or not np.isfinite(y).all():
        return np.full(len(columns), np.nan)
    coefficients = np.linalg.lstsq(design, y, rcond=None)[0]
    return coefficients[1:1 + len(columns)]


def _mapping_note() -> str:
    return ("Constructs: termination cost = switching_cost; shared values = low "
            "cultural_distance; communication = attention; trust = trust; commitment = mean of "
            "both sides' commitment; propensity to leave = ended within the next year. Stage "
            "fixed effects in every regression; trust and commitment from the relationships "
            "active at the horizon of baseline and neglect (attention differs within stage); "
            "leaving from yearly snapshots of the baseline in the three years before its "
            "horizon (did the relationship end within the year).")


def _figure(intervals, path):
    figure, ax = new_figure("Morgan & Hunt's paths: standardised coefficients over seeds")
    positions = np.arange(len(PATHS))[::-1]
    for position, (_, sign), (mean, low, high) in zip(positions, PATHS, intervals,
                                                          strict=True):
        colour = OKABE_ITO[2] if (low > 0 if sign > 0 else high < 0) else OKABE_ITO[3]
        ax.errorbar(mean, position, xerr=[[mean - low], [high - mean]], fmt="o",
                    color=colour, capsize=5)
        ax.annotate("expected +" if sign > 0 else "expected -", (mean, position),
                    textcoords="offset points", xytext=(0, 8), ha="center", fontsize=9)
    ax.axvline(0, color="black", linewidth=1)
    ax.set_yticks(positions, [label.split(" (")[0] for label, _ in PATHS])
    ax.set_xlabel("standardised coefficient (95% interval over seeds)")
    return save(figure, path)
