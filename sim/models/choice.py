"""The buyer's choice among suppliers: reinforced preferences and a logit rule.

Weisbuch, Kirman & Herreiner (2000) describe buyers who remember the value
each seller gave them and choose among sellers with a logit over that memory:

    J_j <- (1 - gamma) * J_j + pi_j          (preference update)
    P_j  = exp(beta * J_j) / sum_k exp(beta * J_k)   (choice probability)

``pi_j`` is the value realised with seller ``j`` in the period (zero for a
seller not visited), ``gamma`` in (0, 1] is the memory decay and ``beta`` >= 0
the sensitivity: ``beta = 0`` makes every seller equally likely, a large
``beta`` makes the buyer loyal to the seller it prefers. A constant payoff
``pi`` makes the preference converge to ``pi / gamma``.

``decayed_preference`` is the same memory over any number of periods without
payoff, ``J (1 - gamma)^periods``: a model in continuous time can store a
preference with the time it was last updated and decay it when it is read.

Both functions are pure: the lifecycle model and the loyalty reference model
call the very same ones, so their buyers choose by the same rule. The
lifecycle model passes one buyer's preferences as a list; the loyalty model
passes all its buyers at once as a 2-D array (one row per buyer).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["choice_probabilities", "decayed_preference", "update_preference"]


def choice_probabilities(
    preferences: Sequence[float] | np.ndarray, beta: float
) -> list[float] | np.ndarray:
    """Logit choice probabilities over ``preferences`` with sensitivity ``beta``.

    ``preferences`` are the smoothed realised values ``J_j`` (value units);
    the result has one probability per entry, in [0, 1], summing to 1. The
    largest preference is subtracted before exponentiating, so large values
    never overflow. A numpy array is read as one buyer per row (sellers along
    the last axis) and the probabilities come back as an array of the same
    shape, each row summing to 1; ``-inf`` marks a seller a buyer cannot
    choose (probability 0).

    >>> choice_probabilities([1.0, 1.0], beta=2.0)
    [0.5, 0.5]
    >>> choice_probabilities([3.0, 0.0], beta=0.0)
    [0.5, 0.5]
    >>> choice_probabilities(np.array([[1.0, 1.0], [0.0, -np.inf]]), beta=2.0)
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    if beta < 0:
        raise ValueError(f"beta must be >= 0, got {beta}")
    if isinstance(preferences, np.ndarray):
        return _choice_probabilities_array(preferences, beta)
    if not preferences:
        return []
    top = max(preferences)
    weights = [math.exp(beta * (value - top)) for value in preferences]
    total = sum(weights)
    return [weight / total for weight in weights]


def _choice_probabilities_array(preferences: np.ndarray, beta: float) -> np.ndarray:
    """The logit rule applied along the last axis of ``preferences``."""
    top = preferences.max(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore"):
        # -inf - top is -inf and exp(beta * -inf) is 0, as it should be, for beta > 0;
        # with beta = 0 an unavailable seller must still get nothing
        weights = np.where(np.isneginf(preferences), 0.0,
                           np.exp(beta * (preferences - top)))
    return weights / weights.sum(axis=-1, keepdims=True)


def update_preference(
    preference: float | np.ndarray, payoff: float | np.ndarray, gamma: float
) -> float | np.ndarray:
    """The preference after one period: ``(1 - gamma) * preference + payoff``.

    ``payoff`` is the value realised with the seller in the period (0 when
    the buyer did not buy from it); ``gamma`` in (0, 1] is the memory decay.
    Numpy arrays of preferences and payoffs are updated element by element; a
    ``-inf`` preference (a seller the buyer cannot choose) stays ``-inf``.

    >>> update_preference(10.0, 1.0, gamma=0.1)
    10.0
    """
    if not 0 < gamma <= 1:
        raise ValueError(f"gamma must be in (0, 1], got {gamma}")
    # A seller marked -inf (not open yet) stays unavailable: with gamma = 1 the decay
    # (1 - gamma) * -inf would be nan and spoil every later choice of the buyer.
    if isinstance(preference, np.ndarray):
        with np.errstate(invalid="ignore"):
            updated = (1.0 - gamma) * preference + payoff
        return np.where(np.isneginf(preference), -np.inf, updated)
    if preference == -math.inf:
        return preference
    return (1.0 - gamma) * preference + payoff


def decayed_preference(preference: float, periods: float, gamma: float) -> float:
    """The preference after ``periods`` (>= 0, any real number) without payoff.

    ``preference x (1 - gamma) ** periods``: the update rule with payoff 0
    applied ``periods`` times, and its continuous extension in between.

    >>> decayed_preference(10.0, 2, gamma=0.5)
    2.5
    >>> decayed_preference(10.0, 0.5, gamma=0.75)
    5.0
    >>> decayed_preference(3.0, 0.0, gamma=1.0)
    3.0
    """
    if not 0 < gamma <= 1:
        raise ValueError(f"gamma must be in (0, 1], got {gamma}")
    if periods < 0:
        raise ValueError(f"periods must be >= 0, got {periods}")
    if periods == 0 or preference == -math.inf:
        return preference
    return preference * (1.0 - gamma) ** periods
