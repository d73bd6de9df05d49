"""Sampling a parameter space with SALib: Morris trajectories or Sobol' (Saltelli) designs.

- ``morris``: ``samples`` trajectories (r) of D + 1 points each on a grid of
  ``levels`` levels; one elementary effect per parameter per trajectory.
- ``sobol``: Saltelli's extension of a Sobol' sequence, ``samples`` (N, a
  power of two) base points, N (D + 2) points, or N (2D + 2) with second-order
  indices.

Sampling draws from a numpy Generator derived from the study's seed; the same
seed gives the same design.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from explore.space import ParameterSpace
from sim.yamlsource import Problem, ScenarioError

__all__ = ["DEFAULT_SAMPLES", "METHODS", "Design", "check_grid", "point_count", "sample"]

METHODS = ("morris", "sobol")
DEFAULT_SAMPLES = {"morris": 10, "sobol": 256}
"""Trajectories (Morris) or base samples (Sobol) when none are asked for."""


@dataclass(frozen=True)
class Design:
    """The sampled points of a study: one row per point, one column per parameter."""

    method: str
    samples: int
    levels: int
    second_order: bool
    matrix: np.ndarray

    @property
    def points(self) -> int:
        return int(self.matrix.shape[0])


def point_count(method: str, samples: int, parameters: int, second_order: bool = False) -> int:
    """How many points a design of ``samples`` has for ``parameters`` parameters."""
    if method == "morris":
        return samples * (parameters + 1)
    return samples * (2 * parameters + 2 if second_order else parameters + 2)


def check_design(method: str, samples: int, levels: int, second_order: bool) -> None:
    """Raise ValueError with a one-line message when the design cannot be sampled."""
    if method not in METHODS:
        raise ValueError(f"--method must be one of {', '.join(METHODS)}, got {method!r}")
    if method == "morris":
        if samples < 2:
            raise ValueError(f"-N: Morris needs at least 2 trajectories, got {samples}")
        if levels < 2 or levels % 2:
            raise ValueError(f"--levels: Morris needs an even number of levels, got {levels}")
        if second_order:
            raise ValueError("--second-order applies to sobol only")
    elif samples < 2 or samples & (samples - 1):
        raise ValueError(f"-N: Sobol needs a power of two (64, 128, 256 ...), got {samples}")


def check_grid(space: ParameterSpace, method: str, levels: int) -> None:
    """Raise ScenarioError when a whole-number parameter cannot sit on the Morris grid.

    SALib divides each elementary effect by the grid's step; a uniform
    whole-number parameter whose range is not a multiple of ``levels - 1`` is
    rounded off the grid, so its steps are longer or shorter than that and its
    effects come out wrong (an eighth too large for [2, 6] on 4 levels). The
    grid of other distributions lies at their quantiles, which no range makes
    whole numbers: their values are rounded, and their effects divided by the
    step the rounded values take (:func:`explore.indices.step_factors`); a step
    whose two levels round to the same number would not move the parameter.
    """
    if method != "morris":
        return
    problems = [Problem(space.file, p.line, p.path,
                        f"Morris on {levels} levels needs the range of a whole-number "
                        f"parameter to be a multiple of {levels - 1}, so that its grid is "
                        f"whole numbers; got [{p.low:g}, {p.high:g}]")
                for p in space.parameters
                if p.integer and p.dist == "uniform"
                and not float((p.high - p.low) / (levels - 1)).is_integer()]
    problems += [Problem(space.file, p.line, p.path, message) for p in space.parameters
                 if p.integer and p.dist != "uniform" and (message := _unmoved(p, levels))]
    if problems:
        raise ScenarioError(problems)


def level_values(parameter, levels: int) -> list[float]:
    """The values of a parameter at the Morris grid's levels: its quantiles, rounded if whole."""
    values = parameter.distribution().ppf(np.linspace(0, 1, levels))
    return [float(round(v)) if parameter.integer else float(v) for v in values]


def _unmoved(parameter, levels: int) -> str:
    """Why a Morris step would leave the rounded parameter where it was ('' if none does)."""
    values, half = level_values(parameter, levels), levels // 2
    for low in range(half):
        if values[low] == values[low + half]:
            return (f"Morris on {levels} levels cannot move this whole-number parameter: its "
                    f"levels {low + 1} and {low + half + 1} both round to {values[low]:g}; "
                    "use fewer levels or a wider range")
    return ""


def sample(space: ParameterSpace, method: str, samples: int, rng: np.random.Generator, *,
           levels: int = 4, second_order: bool = False) -> Design:
    """Sample ``space`` with SALib; values of whole-number parameters are rounded."""
    check_design(method, samples, levels, second_order)
    check_grid(space, method, levels)
    problem = space.problem()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib's notes on design sizes go to the user as errors
        if method == "morris":
            from SALib.sample import morris

            matrix = morris.sample(problem, samples, num_levels=levels, seed=rng)
        else:
            from SALib.sample import sobol

            matrix = sobol.sample(problem, samples, calc_second_order=second_order,
                                  scramble=True, seed=rng)
    rounded = np.array([list(space.values(row).values()) for row in matrix], dtype=float)
    return Design(method, samples, levels, second_order, rounded.reshape(matrix.shape))
