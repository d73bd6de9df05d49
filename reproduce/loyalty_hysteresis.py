"""loyalty-hysteresis: loyal buyers ignore a moderately better entrant.

Runs the bundled entrant scenario (two incumbents, an entrant on day 200) at
sensitivities above beta_c and for a range of profit advantages of the
entrant, and measures, seed by seed, the share of buyers loyal to an
incumbent before the entry whose favourite is the entrant at the end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots import OKABE_ITO, new_figure, save
from analysis.stats import mean_interval
from reproduce.framework import Check, Context, Verdict, vote
from sim.models.loyalty import critical_beta, in_days, mean_field
from sim.scenario import load_scenario

NAME = "loyalty-hysteresis"
SOURCE = ("Weisbuch, G., Kirman, A. & Herreiner, D. (2000) Market organisation and trading "
          "relationships. Economic Journal 110(463): 411-436.")
CLAIM = ("Above beta_c, buyers loyal to a seller stay with it when an entrant offers a "
         "moderately better profit, and switch only beyond a threshold advantage that grows "
         "with beta.")
CRITERION = ("In at least 90% of seeds, at every beta tried: fewer than half of the loyal "
             "buyers switch to an entrant with the bundled moderate advantage; more than half "
             "switch at some advantage on the grid (a threshold exists); and the advantage at "
             "which half switch (interpolated in log(1 + advantage)) rises strictly with beta. "
             "The mean-field thresholds are shown for comparison: noise lets buyers escape "
             "before the deterministic threshold, so only the direction is judged.")

SCENARIO = "loyalty_entrant"
SEED = 40000
HALF = 0.5


def reproduce(context: Context) -> Check:
    """Sweep the entrant's advantage at several beta and judge stay/switch and the threshold."""
    settings = context.settings
    base = load_scenario(SCENARIO)
    config = base.loyalty
    incumbent = float(np.mean(config.profits))
    moderate = config.entrant.profit / incumbent - 1
    ratios = settings.pick((2.0, 3.0), (2.0, 2.5, 3.0))
    advantages = settings.pick((moderate, 1.0, 4.0, 16.0, 32.0),
                               (moderate, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0))
    seeds = settings.pick(4, 20)
    buyers = settings.pick(200, 400)
    beta_c = critical_beta(config.sellers, config.gamma, incumbent)
    switched = np.empty((len(ratios), len(advantages), seeds))
    for i, ratio in enumerate(ratios):
        for j, advantage in enumerate(advantages):
            profit = incumbent * (1 + advantage)
            results = context.run(SCENARIO, replications=seeds, seed=SEED, parallel=False,
                                  overrides=(f"loyalty.beta={ratio * beta_c!r}",
                                             f"loyalty.entrant.profit={profit!r}",
                                             f"loyalty.buyers={buyers}"))
            switched[i, j] = switched_share(results.pairs)
    thresholds = np.array([[threshold(advantages, switched[i, :, s]) for s in range(seeds)]
                           for i in range(len(ratios))])
    theory = [mean_field_threshold(base, ratio * beta_c) for ratio in ratios]
    verdicts = _judge(ratios, advantages, switched, thresholds, theory)
    figure = _figure(ratios, advantages, switched, theory, context.figure_path(NAME))
    medians = ", ".join(f"{np.nanmedian(row):.2g}" for row in thresholds)
    return Check.from_verdicts(
        __name__, verdicts,
        expected=f"stay at +{moderate:.0%}; threshold rises with beta",
        measured=f"half switch at +{medians} (times the incumbents' profit) for beta/beta_c = "
                 f"{', '.join(f'{r:g}' for r in ratios)}",
        figure=figure,
        notes=[f"{seeds} seeds of {buyers} buyers per point; entrant opens on day "
               f"{in_days(config.entrant.at)} of {in_days(base.horizon)}; other parameters as "
               "bundled."])


def switched_share(pairs) -> np.ndarray:
    """Per replication, the share of buyers loyal to an incumbent before the entry who
    prefer the entrant at the end."""
    loyal = pairs["favourite_before_entry"].str.startswith("seller_").fillna(False)
    counts = pd.DataFrame({
        "replication": pairs["replication"],
        "loyal": loyal.astype(float),
        "moved": (loyal & (pairs["favourite"] == "entrant")).astype(float),
    }).groupby("replication").sum()
    return (counts["moved"] / counts["loyal"]).to_numpy()


def threshold(advantages, shares) -> float:
    """The advantage at which ``shares`` first reaches one half, interpolated in log(1 + a)."""
    x = np.log1p(np.asarray(advantages, dtype=float))
    for index in range(1, len(x)):
        if shares[index - 1] < HALF <= shares[index]:
            part = (HALF - shares[index - 1]) / (shares[index] - shares[index - 1])
            return float(np.expm1(x[index - 1] + part * (x[index] - x[index - 1])))
    return float("nan") if shares[0] < HALF else float(advantages[0])


def mean_field_threshold(scenario, beta: float) -> float:
    """The entrant's advantage beyond which the mean-field buyer leaves its seller.

    The buyer starts from the loyal state the mean-field dynamics reaches
    before the entry; the threshold is the smallest advantage (on a fine
    grid) for which the entrant is its favourite at the horizon.
    """
    config = scenario.loyalty
    incumbent = float(np.mean(config.profits))
    entry = in_days(config.entrant.at)
    after = in_days(scenario.horizon) - entry
    lead = np.zeros((1, config.sellers))
    lead[0, 0] = incumbent / config.gamma
    loyal = mean_field(config.profits, beta, config.gamma, lead, max(entry, 500))
    grid = np.geomspace(0.01, 100.0, 241)
    start = np.repeat(np.column_stack([loyal, [[0.0]]]), grid.size, axis=0)
    profits = np.column_stack([np.tile(config.profits, (grid.size, 1)), incumbent * (1 + grid)])
    final = mean_field(profits, beta, config.gamma, start, after)
    leaves = np.argmax(final, axis=1) == config.sellers
    return float(grid[np.argmax(leaves)]) if leaves.any() else float("inf")


def _judge(ratios, advantages, switched, thresholds, theory) -> list[Verdict]:
    moderate, top = advantages[0], max(advantages)
    verdicts = []
    for i, ratio in enumerate(ratios):
        stay = switched[i, 0]
        passed, count = vote(stay < HALF)
        mean, lo, hi = mean_interval(stay)
        verdicts.append(Verdict(
            f"beta = {ratio:g} beta_c, entrant +{moderate:.0%}: loyal buyers stay",
            f"switched < {HALF:g}", f"{mean:.3f} [{lo:.3f}, {hi:.3f}]; holds in {count}",
            passed))
        exists = np.isfinite(thresholds[i])
        passed, count = vote(exists)
        verdicts.append(Verdict(
            f"beta = {ratio:g} beta_c: a large enough advantage wins them",
            f"half switch at an advantage up to +{top:g} (mean field: +{theory[i]:.3g})",
            f"median threshold +{np.nanmedian(thresholds[i]):.3g}; found in {count}", passed))
    rising = np.all(np.diff(thresholds, axis=0) > 0, axis=0)
    passed, count = vote(rising)
    verdicts.append(Verdict(
        "threshold rises with beta", "strictly increasing in beta",
        " < ".join(f"{np.nanmedian(row):.3g}" for row in thresholds) + f"; holds in {count}",
        passed))
    return verdicts


def _figure(ratios, advantages, switched, theory, path):
    figure, ax = new_figure("Loyal buyers leave only for a much better entrant")
    x = np.asarray(advantages)
    for colour, ratio, shares, limit in zip(OKABE_ITO, ratios, switched, theory, strict=False):
        mean = shares.mean(axis=1)
        band = np.array([mean_interval(row)[1:] for row in shares])
        ax.fill_between(x, band[:, 0], band[:, 1], color=colour, alpha=0.2)
        ax.plot(x, mean, "o-", color=colour, label=f"beta = {ratio:g} beta_c")
        if np.isfinite(limit):
            ax.axvline(limit, color=colour, linestyle="--", linewidth=1.2)
    ax.axhline(HALF, color="black", linewidth=0.8, linestyle=":")
    ax.set_xscale("log")
    ax.set_xlabel("entrant's profit advantage (fraction of the incumbents' profit; "
                  "dashed: mean-field threshold)")
    ax.set_ylabel("loyal buyers who switched")
    ax.set_ylim(-0.02, 1.02)
    ax.legend(loc="upper left")
    return save(figure, path)
