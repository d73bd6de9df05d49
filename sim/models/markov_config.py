"""The ``markov:`` section of a scenario file (see :mod:`sim.models.markov`).

A light module: the scenario schema imports it at start-up, so it holds the
section and what validating it needs, and none of the simulation.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

__all__ = ["MarkovConfig", "finished_states"]

MAX_CUSTOMERS = 10_000_000
"""Most customers per replication: a worker needs about 100 bytes per customer (1 GB here)."""

MAX_STATES = 1000
MAX_PERIODS = 100_000
MAX_MONEY = 1e12
"""Largest absolute reward per period (money)."""

MIN_OPEN_ENDED_RATE = 2e-4
"""Below this rate an open-ended chain that never ends would need over 100,000 periods."""


def _row_sums_to_one(row: list[float]) -> list[float]:
    total = sum(row)
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"transition row must sum to 1, sums to {total:.12g}")
    return row


Probability = Annotated[float, Field(ge=0, le=1)]
Money = Annotated[float, Field(ge=-MAX_MONEY, le=MAX_MONEY)]
TransitionRow = Annotated[list[Probability], AfterValidator(_row_sums_to_one)]


class MarkovConfig(BaseModel):
    """The ``markov:`` section: states, transitions, rewards and discounting."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    states: list[str] = Field(min_length=2, max_length=MAX_STATES,
                              description="names of the states, in matrix order (2 to 1000)")
    start: str = Field(description="state every customer starts in")
    transition: list[TransitionRow] = Field(
        description="transition probabilities per period; rows: from, columns: to; rows sum to 1"
    )
    reward: list[Money] = Field(
        description="money per period in each state, booked at the start of the period "
        "(within +-10^12)"
    )
    discount_rate: float = Field(ge=0, le=10, description="discount rate per period (0.2 = 20%)")
    customers: int = Field(
        10_000, ge=1, le=MAX_CUSTOMERS,
        description="customers per replication, at most 10^7 (a worker needs about 100 bytes "
        "per customer)",
    )
    periods: int | None = Field(
        None, ge=1, le=MAX_PERIODS,
        description="finite horizon in periods, at most 100,000; null: until absorbed or the "
        "discount factor is below 1e-9",
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
        live = ~finished_states(P, np.asarray(self.reward, dtype=float))
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


def finished_states(P: np.ndarray, R: np.ndarray) -> np.ndarray:
    """States a customer never leaves and that earn nothing (absorbed for good)."""
    return (np.isclose(np.diag(P), 1.0)) & (R == 0)
