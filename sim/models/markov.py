"""Reference model: customer relationships as Markov chains (Pfeifer & Carraway 2000).

Each customer moves between states (for example recency classes ``active``,
``lapsed_1`` ... ``gone``) once per period according to a transition matrix P,
and is worth ``reward[state]`` at the start of each period. With discount
rate d per period, the expected value of a customer starting in each state is

    V = [I - P/(1+d)]^-1 R            (infinite horizon)
    V = sum_{t=0}^{T-1} (P/(1+d))^t R  (a horizon of T periods)

The simulation draws every customer's path (vectorised with numpy) and books
``reward(state_t) / (1+d)^t``; its mean must agree with the closed form, which
is what makes this model a check of the whole pipeline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine import Streams
from sim.models.markov_config import MarkovConfig, finished_states
from sim.units import counted

__all__ = ["MarkovConfig", "analytic_value", "simulate", "summarize"]

DISCOUNT_FLOOR = 1e-9
"""An open-ended run stops once the discount factor falls below this."""


def analytic_value(config: MarkovConfig) -> dict[str, float]:
    """Expected discounted value of a customer starting in each state (closed form)."""
    P = np.asarray(config.transition, dtype=float)
    R = np.asarray(config.reward, dtype=float)
    M = P / (1.0 + config.discount_rate)
    if config.periods is None:
        # finished states are worth nothing; solve for the others (d = 0 allowed)
        live = ~finished_states(P, R)
        values = np.zeros_like(R)
        values[live] = np.linalg.solve(np.eye(live.sum()) - M[np.ix_(live, live)], R[live])
    else:
        values = np.zeros_like(R)
        term = R.copy()
        for _ in range(config.periods):
            values += term
            term = M @ term
    return dict(zip(config.states, values.tolist(), strict=True))


def simulate(scenario, seed: np.random.SeedSequence, *, events: bool = False) -> dict:
    """Simulate every customer of one replication; see the module docstring."""
    config: MarkovConfig = scenario.markov
    rng = Streams(seed)["transitions"]
    P = np.asarray(config.transition, dtype=float)
    R = np.asarray(config.reward, dtype=float)
    cumulative = P.cumsum(axis=1)
    cumulative[:, -1] = 1.0
    k, n = len(config.states), config.customers
    absorbing = np.isclose(np.diag(P), 1.0)
    finished = finished_states(P, R)
    start = config.states.index(config.start)

    state = np.full(n, start, dtype=np.int64)
    value = np.zeros(n)
    absorbed_at = np.where(absorbing[state], 0.0, np.nan)
    counts = []
    factor, period = 1.0, 0
    while True:
        if config.periods is not None and period >= config.periods:
            break
        if config.periods is None and factor < DISCOUNT_FLOOR:
            break
        counts.append(np.bincount(state, minlength=k))
        value += R[state] * factor
        if config.periods is None and finished[state].all():
            break
        state = _step(state, cumulative, rng)
        period += 1
        factor /= 1.0 + config.discount_rate
        newly = np.isnan(absorbed_at) & absorbing[state]
        absorbed_at[newly] = period

    pairs = pd.DataFrame({
        "customer": np.arange(n, dtype=np.int64),
        "start_state": pd.Series([config.start] * n, dtype="string"),
        "periods_to_absorption": absorbed_at,
        "value": value,
    })
    table = np.asarray(counts, dtype=np.int64).reshape(-1, k)
    timeseries = pd.DataFrame(table, columns=[f"n_{name}" for name in config.states])
    timeseries.insert(0, "period", np.arange(len(table), dtype=np.int64))
    return {"pairs": pairs, "timeseries": timeseries}


def _step(state: np.ndarray, cumulative: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move every customer one period along the chain."""
    draws = rng.random(state.size)
    following = np.empty_like(state)
    for origin in range(cumulative.shape[0]):
        here = state == origin
        if here.any():
            following[here] = np.searchsorted(cumulative[origin], draws[here], side="right")
    return following


def summarize(tables: dict[str, pd.DataFrame], scenario) -> dict:
    """What the model knows beyond its tables: the closed-form value of a customer (money).

    The simulated mean and its interval are key figures of the analysis
    (``customer_value`` in :mod:`analysis.metrics`), defined once there.
    """
    config: MarkovConfig = scenario.markov
    return {
        "customers": len(tables["pairs"]),
        "analytic_value": analytic_value(config)[config.start],
        "horizon": "infinite" if config.periods is None else counted(config.periods, "period"),
    }
