"""Test functions with known sensitivity indices, to check the machinery against theory.

A test function stands in for a scenario: :class:`explore.models.FunctionModel`
evaluates it at each sampled point through the same sampling, running and
analysis as a simulation study, so a study of a function whose indices are
known analytically checks the whole pipeline.

The Ishigami function (Ishigami & Homma 1990), on x1, x2, x3 uniform on
[-pi, pi]::

    f(x) = sin x1 + a sin^2 x2 + b x3^4 sin x1

has closed-form first-order and total indices (Saltelli et al. 2008,
Global Sensitivity Analysis: The Primer, section 4.9).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["FUNCTIONS", "KnownFunction", "ishigami", "ishigami_indices"]

ISHIGAMI_A = 7.0
ISHIGAMI_B = 0.1


@dataclass(frozen=True)
class KnownFunction:
    """A function of named inputs with its domain (each input's [low, high])."""

    name: str
    domain: Mapping[str, tuple[float, float]]
    outputs: tuple[str, ...]
    compute: Callable[[Mapping[str, float], np.random.Generator], dict[str, float]]
    description: str = ""


def ishigami(values: Mapping[str, float], rng: np.random.Generator) -> dict[str, float]:
    """The Ishigami function at ``values`` (x1, x2, x3); ``rng`` is not used (no noise)."""
    x1, x2, x3 = values["x1"], values["x2"], values["x3"]
    y = math.sin(x1) + ISHIGAMI_A * math.sin(x2) ** 2 + ISHIGAMI_B * x3**4 * math.sin(x1)
    return {"y": y}


def noisy_ishigami(values: Mapping[str, float], rng: np.random.Generator) -> dict[str, float]:
    """Ishigami plus standard normal noise drawn from the replication's generator."""
    return {"y": ishigami(values, rng)["y"] + float(rng.standard_normal())}


def ishigami_indices(a: float = ISHIGAMI_A, b: float = ISHIGAMI_B) -> dict[str, dict[str, float]]:
    """Analytic first-order (``S1``) and total (``ST``) indices of x1, x2, x3."""
    pi4 = math.pi**4
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    total = v1 + v2 + v13
    return {
        "S1": {"x1": v1 / total, "x2": v2 / total, "x3": 0.0},
        "ST": {"x1": (v1 + v13) / total, "x2": v2 / total, "x3": v13 / total},
    }


_PI = (-math.pi, math.pi)
FUNCTIONS: dict[str, KnownFunction] = {
    "ishigami": KnownFunction("ishigami", {"x1": _PI, "x2": _PI, "x3": _PI}, ("y",), ishigami,
                              "Ishigami & Homma's function, a = 7, b = 0.1"),
    "noisy_ishigami": KnownFunction("noisy_ishigami", {"x1": _PI, "x2": _PI, "x3": _PI}, ("y",),
                                    noisy_ishigami, "Ishigami plus standard normal noise"),
}
"""The registered test functions, by name (``function:ishigami`` on the command line)."""
