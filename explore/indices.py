"""Sensitivity indices with SALib, as one tidy table.

Morris (elementary effects): ``mu_star`` (mean absolute effect: how much a
parameter moves the metric over its range), ``sigma`` (spread of the effects:
interactions or a non-linear response) and ``mu``, each with a bootstrap
interval over trajectories. Sobol' (variance decomposition): ``S1`` (share of
the metric's variance due to the parameter alone), ``ST`` (share including
all its interactions) and, on request, ``S2`` for each pair.

The table has one row per metric, parameter and index: ``metric``,
``parameter`` (scenario path), ``name`` (plain name), ``index``, ``value``,
``conf`` (half-width of the interval), ``low``, ``high``, ``conf_level`` and
``other`` (the second parameter of an ``S2`` row, else empty).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.stats import normal_half_width
from explore.design import Design
from explore.space import ParameterSpace
from sim.units import counted

__all__ = ["COLUMNS", "RANKED_BY", "analyse", "ranking"]

COLUMNS = ["metric", "parameter", "name", "index", "value", "conf", "low", "high",
           "conf_level", "other"]
RANKED_BY = {"morris": "mu_star", "sobol": "ST"}
"""The index that ranks the parameters of each method."""
RESAMPLES = 1000


def analyse(space: ParameterSpace, design: Design, point_means: pd.DataFrame,
            metrics: Sequence[str], rng: np.random.Generator, conf_level: float = 0.95
            ) -> tuple[pd.DataFrame, list[str]]:
    """The indices of each metric, and notes on metrics that could not be analysed.

    ``point_means`` holds one row per point (in design order) and one column
    per metric: the mean over the point's replications.
    """
    frames, notes = [], []
    for metric in metrics:
        if metric not in point_means.columns:
            notes.append(f"{metric}: not reported by this model")
            continue
        y = point_means[metric].to_numpy(dtype=float)
        undefined = int((~np.isfinite(y)).sum())
        if undefined:
            notes.append(f"{metric}: undefined at {undefined} of {counted(y.size, 'point')} "
                         "(for example no relationship reached the stage it needs); not analysed")
            continue
        if np.ptp(y) == 0:
            notes.append(f"{metric}: the same value at every point; no parameter moves it")
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if design.method == "morris":
                rows = _morris(space, design, y, rng, conf_level)
            else:
                rows = _sobol(space, design, y, rng, conf_level)
        frame = pd.DataFrame(rows, columns=COLUMNS[1:])
        frame.insert(0, "metric", metric)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=COLUMNS), notes
    return pd.concat(frames, ignore_index=True), notes


def _row(parameter, index, value, conf, conf_level, other=""):
    value, conf = float(value), float(conf)
    return [parameter.path, parameter.label, index, value, conf, value - conf, value + conf,
            conf_level, other]


def _morris(space, design, y, rng, conf_level) -> list[list]:
    effects = _elementary_effects(space.problem(), design, y, rng) * step_factors(space, design)
    sigma_conf, mu_conf = _bootstrap_conf(effects, rng, conf_level)
    _, mu_star_conf = _bootstrap_conf(np.abs(effects), rng, conf_level)
    rows = []
    for i, parameter in enumerate(space.parameters):
        effect = effects[:, i]
        rows.append(_row(parameter, "mu_star", np.abs(effect).mean(), mu_star_conf[i],
                         conf_level))
        rows.append(_row(parameter, "sigma", effect.std(ddof=1), sigma_conf[i], conf_level))
        rows.append(_row(parameter, "mu", effect.mean(), mu_conf[i], conf_level))
    return rows


def step_factors(space: ParameterSpace, design: Design) -> np.ndarray:
    """Per trajectory and parameter: the grid's step over the step the parameter took.

    SALib divides each elementary effect by the grid's step in probability (the
    unit interval its levels divide). A whole-number parameter's values are
    rounded, so it moves by ``F(b) - F(a)`` of the values run (``F`` its
    distribution function); SALib's effect times this factor is divided by that
    step instead. The factor is 1 for a parameter on its grid.
    """
    nominal = design.levels / (2 * (design.levels - 1))
    count = len(space.parameters)
    points = design.matrix.reshape(-1, count + 1, count)  # trajectory, step, parameter
    factors = np.ones((points.shape[0], count))
    for i, parameter in enumerate(space.parameters):
        if parameter.integer:
            shares = parameter.distribution().cdf(points[:, :, i])
            factors[:, i] = nominal / np.abs(np.diff(shares, axis=1)).max(axis=1)
    return factors


def _elementary_effects(problem, design, y, rng) -> np.ndarray:
    """One elementary effect per trajectory and parameter, as SALib computes them.

    SALib's ``mu`` of a single trajectory is that trajectory's effect, so the
    effects come from SALib's own scaling rather than a copy of it.
    """
    from SALib.analyze import morris

    steps = problem["num_vars"] + 1
    effects = []
    for start in range(0, design.points, steps):
        part = slice(start, start + steps)
        single = morris.analyze(problem, design.matrix[part], y[part], num_resamples=1,
                                num_levels=design.levels, seed=rng)
        effects.append(np.asarray(single["mu"], dtype=float))
    return np.array(effects)


def _bootstrap_conf(effects: np.ndarray, rng, conf_level) -> tuple[np.ndarray, np.ndarray]:
    """Half-widths for sigma and mu, resampling trajectories as SALib does for mu*."""
    count = effects.shape[0]
    picks = rng.integers(0, count, size=(RESAMPLES, count))
    resampled = effects[picks]
    sigma = normal_half_width(resampled.std(axis=1, ddof=1).std(axis=0, ddof=1), conf_level)
    mu = normal_half_width(resampled.mean(axis=1).std(axis=0, ddof=1), conf_level)
    return sigma, mu


def _sobol(space, design, y, rng, conf_level) -> list[list]:
    from SALib.analyze import sobol

    result = sobol.analyze(space.problem(), y, calc_second_order=design.second_order,
                           num_resamples=RESAMPLES, conf_level=conf_level, seed=rng)
    rows = []
    parameters = space.parameters
    for i, parameter in enumerate(parameters):
        rows.append(_row(parameter, "S1", result["S1"][i], result["S1_conf"][i], conf_level))
        rows.append(_row(parameter, "ST", result["ST"][i], result["ST_conf"][i], conf_level))
    if design.second_order:
        for i, first in enumerate(parameters):
            for j in range(i + 1, len(parameters)):
                rows.append(_row(first, "S2", result["S2"][i, j], result["S2_conf"][i, j],
                                 conf_level, parameters[j].path))
    return rows


def ranking(indices: pd.DataFrame, metric: str, method: str) -> pd.DataFrame:
    """The parameters of ``metric`` from most to least influential.

    One row per parameter with its plain name and, side by side, each index
    of the method with its interval (``<index>`` and ``<index>_conf``).
    """
    rows = indices[(indices["metric"] == metric) & (indices["other"] == "")]
    if rows.empty:
        return pd.DataFrame(columns=["parameter", "name"])
    values = rows.pivot(index=["parameter", "name"], columns="index", values="value")
    confs = rows.pivot(index=["parameter", "name"], columns="index", values="conf")
    table = values.join(confs.add_suffix("_conf")).reset_index()
    table = table.sort_values(RANKED_BY[method], ascending=False, kind="stable")
    return table.reset_index(drop=True)
