"""loyalty-transition: from spread visits to loyal buyers around beta_c = n gamma / profit.

Runs the bundled two- and three-seller loyalty scenarios at sensitivities
beta from a quarter to three times the mean-field threshold and measures the
order parameter y at the end of each run (its mean over the last fifth of
the horizon and over buyers), seed by seed.
"""

from __future__ import annotations

import numpy as np

from analysis.plots import OKABE_ITO, new_figure, save
from analysis.stats import mean_interval
from reproduce.framework import Check, Context, Verdict, vote
from sim.models.loyalty import critical_beta, mean_field, order_parameter
from sim.scenario import load_scenario

NAME = "loyalty-transition"
SOURCE = ("Weisbuch, G., Kirman, A. & Herreiner, D. (2000) Market organisation and trading "
          "relationships. Economic Journal 110(463): 411-436.")
CLAIM = ("Buyers who reinforce their preference for the sellers they visit spread their "
         "visits (y near 1/n) when beta is below beta_c = n gamma / profit and become loyal "
         "to one seller (y near 1) above it.")
CRITERION = ("In at least 90% of seeds, for 2 and 3 sellers: y at beta_c/2 lies in the lowest "
             "quarter of [1/n, 1] (disorder), y at 2 beta_c in the highest quarter (order), "
             "and y crosses the middle of [1/n, 1] at a beta within a factor 1.5 of beta_c "
             "(the mean-field curve itself crosses at 1.25 beta_c for 2 sellers and jumps "
             "there just above beta_c for 3).")

SEED = 30000
SCENARIOS = ("loyalty_two_sellers", "loyalty_three_sellers")
LOW, HIGH = 0.5, 2.0
"""Sensitivities (multiples of beta_c) judged as disordered and ordered."""
FACTOR = 1.5
"""How far from beta_c (as a factor) the middle of the transition may lie."""
RATIOS = ((0.5, 1.0, 1.5, 2.0), (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0))
"""Sensitivities (multiples of beta_c) of the quick and of the full sweep."""
THEORY_GRID = np.linspace(0.25, 3.0, 111)
"""Sensitivities (multiples of beta_c) at which the mean-field curve is drawn."""
SETTLED = 0.8
"""y is averaged over the samples after this fraction of the horizon."""


def reproduce(context: Context) -> Check:
    """Sweep beta around beta_c for two and three sellers and judge the transition."""
    settings = context.settings
    ratios = settings.pick(*RATIOS)
    seeds = settings.pick(5, 20)
    buyers = settings.pick(300, 1000)
    verdicts, curves = [], {}
    for name in SCENARIOS:
        base = load_scenario(name)
        config = base.loyalty
        n = config.sellers
        beta_c = critical_beta(n, config.gamma, float(np.mean(config.profits)))
        y = np.empty((len(ratios), seeds))
        for index, ratio in enumerate(ratios):
            results = context.run(name, replications=seeds, seed=SEED, parallel=False,
                                  overrides=(f"loyalty.beta={ratio * beta_c!r}",
                                             f"loyalty.buyers={buyers}"))
            y[index] = _settled_y(results.timeseries, SETTLED)
        curves[n] = (y, mean_field_curve(config, THEORY_GRID))
        verdicts += judge(n, ratios, y)
    figure = _figure(ratios, curves, context.figure_path(NAME))
    return Check.from_verdicts(
        __name__, verdicts, expected=EXPECTED,
        measured=summary({n: y for n, (y, _) in curves.items()}, ratios), figure=figure,
        notes=[f"{seeds} seeds of {buyers} buyers per point; beta/beta_c in "
               f"{', '.join(f'{r:g}' for r in ratios)}; other parameters as bundled."])


EXPECTED = "y near 1/n below beta_c, near 1 above, crossing near beta_c"


def summary(curves: dict, ratios, noun: str = "sellers") -> str:
    """Mean y at beta_c/2 and 2 beta_c for each ``n`` of ``curves`` (n -> y by ratio, seed)."""
    return "; ".join(
        f"{n} {noun}: y = {y[ratios.index(LOW)].mean():.2f} at beta_c/2, "
        f"{y[ratios.index(HIGH)].mean():.2f} at 2 beta_c" for n, y in curves.items())


def _settled_y(timeseries, fraction: float) -> np.ndarray:
    """Each replication's mean y over its samples after ``fraction`` of the horizon."""
    late = timeseries[timeseries["day"] >= fraction * timeseries["day"].max()]
    return late.groupby("replication")["y"].mean().to_numpy()


def mean_field_curve(config, ratios) -> np.ndarray:
    """y of the state the mean-field dynamics reaches from a nearly even start.

    ``ratios`` are sensitivities as multiples of beta_c; one y per ratio.
    """
    n = config.sellers
    profit = float(np.mean(config.profits))
    beta_c = critical_beta(n, config.gamma, profit)
    start = np.full((len(ratios), n), profit / config.gamma / n)
    start[:, 0] *= 1.01
    betas = np.asarray(ratios, dtype=float) * beta_c
    return order_parameter(mean_field(config.profits, betas, config.gamma, start, 3000))


def crossing(ratios, y, level: float) -> float:
    """The first beta/beta_c at which ``y`` reaches ``level`` (interpolated); nan if never."""
    for index in range(1, len(ratios)):
        if y[index - 1] < level <= y[index]:
            share = (level - y[index - 1]) / (y[index] - y[index - 1])
            return ratios[index - 1] + share * (ratios[index] - ratios[index - 1])
    return float("nan")


def judge(n: int, ratios, y: np.ndarray, noun: str = "sellers") -> list[Verdict]:
    """The transition's three statements for ``n`` ``noun``, by vote over seeds.

    ``y`` has one row per sensitivity of ``ratios`` (multiples of beta_c),
    one column per seed: disorder at beta_c/2, order at 2 beta_c, and the
    middle of [1/n, 1] crossed within :data:`FACTOR` of beta_c.
    """
    disordered, ordered = 1.0 / n, 1.0
    quarter = (ordered - disordered) / 4
    middle = (ordered + disordered) / 2
    low, high = y[ratios.index(LOW)], y[ratios.index(HIGH)]
    where = np.array([crossing(ratios, y[:, seed], middle) for seed in range(y.shape[1])])
    checks = (
        (f"{n} {noun}, beta = beta_c/2: disorder", f"y < {disordered + quarter:.3f}",
         low < disordered + quarter, mean_interval(low)),
        (f"{n} {noun}, beta = 2 beta_c: order", f"y > {ordered - quarter:.3f}",
         high > ordered - quarter, mean_interval(high)),
        (f"{n} {noun}: y crosses {middle:.3f} near beta_c",
         f"beta/beta_c in [{1 / FACTOR:.2f}, {FACTOR:.2f}]",
         (where >= 1 / FACTOR) & (where <= FACTOR), mean_interval(where)),
    )
    verdicts = []
    for label, expected, holds, (mean, lo, hi) in checks:
        passed, count = vote(np.asarray(holds, dtype=bool))
        verdicts.append(Verdict(label, expected,
                                f"{mean:.3f} [{lo:.3f}, {hi:.3f}]; holds in {count}", passed))
    return verdicts


def _figure(ratios, curves, path):
    figure, ax = new_figure("Loyalty appears around beta_c = n gamma / profit")
    for colour, (n, (y, theory)) in zip(OKABE_ITO, sorted(curves.items()), strict=False):
        means = y.mean(axis=1)
        spread = np.array([mean_interval(row)[1:] for row in y])
        ax.fill_between(ratios, spread[:, 0], spread[:, 1], color=colour, alpha=0.2)
        ax.plot(ratios, means, "o-", color=colour, label=f"{n} sellers, simulated")
        ax.plot(THEORY_GRID, theory, "--", color=colour, linewidth=1.5,
                label=f"{n} sellers, mean field")
        ax.axhline(1 / n, color=colour, linewidth=0.8, linestyle=":")
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xlim(min(ratios) - 0.05, max(ratios) + 0.05)
    ax.set_xlabel("sensitivity beta / beta_c")
    ax.set_ylabel("order parameter y (1/n: spread, 1: loyal)")
    ax.set_ylim(0.25, 1.02)
    ax.legend(loc="lower right")
    return save(figure, path)
