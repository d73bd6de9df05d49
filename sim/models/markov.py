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

from typing import Annotated

import numpy as np
import pandas as pd
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.engine import Streams

__all__ = ["MarkovConfig", "analytic_value", "simulate", "summarize"]

DISCOUNT_FLOOR = 1e-9
"""An open-ended run stops once the discount factor falls below this."""

MIN_OPEN_ENDED_RATE = 2e-4
"""Below this rate an open-ended chain that never ends would need over 100,000 periods."""


def _row_sums_to_one(row: list[float]) -> list[float]:
    total = sum(row)
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"transition row must sum to 1, sums to {total:.12g}")
    return row


Probability = Annotated[float, Field(ge=0, le=1)]
TransitionRow = Annotated[list[Probability], AfterValidator(_row_sums_to_one)]


class MarkovConfig(BaseModel):
    """The ``markov:`` section: states, transitions, rewards and discounting."""

    model_config = ConfigDict(extra="forbid")

    states: list[str] = Field(min_length=2, description="names of the states, in matrix order")
    start: str = Field(description="state every customer starts in")
    transition: list[TransitionRow] = Field(
        description="transition probabilities per period; rows: from, columns: to; rows sum to 1"
    )
    reward: list[float] = Field(
        description="money per period in each state, booked at the start of the period"
    )
    discount_rate: float = Field(ge=0, le=10, description="discount rate per period (0.2 = 20%)")
    customers: int = Field(10_000, ge=1, le=100_000_000, description="customers per replication")
    periods: int | None = Field(
        None, ge=1,
        description="finite horizon in periods; null: until absorbed or the discount factor "
        "is below 1e-9",
    )

    @field_validator("states")
    @classmethod
    def _unique_states(cls, states: list[str]) -> list[str]:
        duplicated = sorted({s for s in states if states.count(s) > 1})
        if duplicated:
            raise ValueError(f"state names must be unique, repeated: {', '.join(duplicated)}")
        return states

    @field_validator("start")
    @classmethod
    def _known_start(cls, start: str, info: ValidationInfo) -> str:
        states = info.data.get("states")
        if states is not None and start not in states:
            raise ValueError(f"unknown state {start!r}; states are {', '.join(states)}")
        return start

    @field_validator("transition")
    @classmethod
    def _square(cls, rows: list[list[float]], info: ValidationInfo) -> list[list[float]]:
        states = info.data.get("states")
        if states is None:
            return rows
        if len(rows) != len(states):
            raise ValueError(f"needs {len(states)} rows (one per state), got {len(rows)}")
        for index, row in enumerate(rows):
            if len(row) != len(states):
                raise ValueError(f"row {index} needs {len(states)} columns, got {len(row)}")
        return rows

    @model_validator(mode="after")
    def _open_ended_run_ends(self):
        if self.periods is not None or self.transition is None:
            return self
        P = np.asarray(self.transition, dtype=float)
        live = ~_finished_states(P, np.asarray(self.reward, dtype=float))
        leaves = np.max(np.abs(np.linalg.eigvals(P[np.ix_(live, live)])), initial=0.0) < 1 - 1e-12
        if not leaves and self.discount_rate < MIN_OPEN_ENDED_RATE:
            raise ValueError(
                "with periods null the run lasts until every customer is in a state that keeps "
                "it and earns nothing, or until discounting makes the rest negligible; this "
                f"chain never ends and discount_rate < {MIN_OPEN_ENDED_RATE}: set periods"
            )
        return self

    @field_validator("reward")
    @classmethod
    def _one_reward_per_state(cls, reward: list[float], info: ValidationInfo) -> list[float]:
        states = info.data.get("states")
        if states is not None and len(reward) != len(states):
            raise ValueError(f"needs {len(states)} values (one per state), got {len(reward)}")
        return reward


def analytic_value(config: MarkovConfig) -> dict[str, float]:
    """Expected discounted value of a customer starting in each state (closed form)."""
    P = np.asarray(config.transition, dtype=float)
    R = np.asarray(config.reward, dtype=float)
    M = P / (1.0 + config.discount_rate)
    if config.periods is None:
        # finished states are worth nothing; solve for the others (d = 0 allowed)
        live = ~_finished_states(P, R)
        values = np.zeros_like(R)
        values[live] = np.linalg.solve(np.eye(live.sum()) - M[np.ix_(live, live)], R[live])
    else:
        values = np.zeros_like(R)
        term = R.copy()
        for _ in range(config.periods):
            values += term
            term = M @ term
    return dict(zip(config.states, values.tolist(), strict=True))


def _finished_states(P: np.ndarray, R: np.ndarray) -> np.ndarray:
    """States a customer never leaves and that earn nothing (absorbed for good)."""
    return (np.isclose(np.diag(P), 1.0)) & (R == 0)


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
    finished = _finished_states(P, R)
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
    """Mean customer value with its standard error, beside the analytic value."""
    config: MarkovConfig = scenario.markov
    values = tables["pairs"]["value"].to_numpy()
    n = values.size
    mean = float(values.mean()) if n else float("nan")
    standard_error = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    expected = analytic_value(config)[config.start]
    z = (mean - expected) / standard_error if standard_error > 0 else float("nan")
    per_replication = tables["pairs"].groupby("replication")["value"].mean()
    return {
        "customers": int(n),
        "mean_value": mean,
        "standard_error": standard_error,
        "analytic_value": expected,
        "horizon": "infinite" if config.periods is None else f"{config.periods} periods",
        "z_score": z,
        "within_3_standard_errors": bool(abs(mean - expected) <= 3 * standard_error),
        "replication_means": {str(k): float(v) for k, v in per_replication.items()},
    }

