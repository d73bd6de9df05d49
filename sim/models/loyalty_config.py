"""The ``loyalty:`` section of a scenario file (see :mod:`sim.models.loyalty`).

A light module: the scenario schema imports it at start-up, so it holds the
section and none of the simulation.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.units import Weeks

__all__ = ["DAYS_PER_WEEK", "EntrantConfig", "LoyaltyConfig"]

DAYS_PER_WEEK = 7
"""The loyalty model steps by days: a scenario's weeks are read as 7 days each."""

MAX_CELLS = 10_000_000
"""Most buyers x sellers per replication: a worker needs about 40 bytes per cell (400 MB)."""

MAX_PROFIT = 1e6
"""Largest profit per visit or preference (money)."""

Profit = Annotated[float, Field(gt=0, le=MAX_PROFIT)]


class EntrantConfig(BaseModel):
    """A seller that opens on a given day with its own profit per visit."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    at: Weeks = Field(description="when the entrant opens (weeks; '300 days' is accepted)")
    profit: Profit = Field(description="buyer's profit per visit to the entrant (money, "
                                       "(0, 10^6])")
    initial_preference: float = Field(
        0.0, ge=0, le=MAX_PROFIT,
        description="every buyer's preference J for the entrant when it opens (money, [0, 10^6])",
    )


class LoyaltyConfig(BaseModel):
    """The ``loyalty:`` section: buyers, sellers' profits, memory and sensitivity."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    buyers: int = Field(
        1000, ge=1, le=MAX_CELLS // 2,
        description="buyers per replication; buyers x sellers at most 10^7 (a worker needs "
        "about 40 bytes per buyer and seller)",
    )
    profits: list[Profit] = Field(
        [1.0, 1.0], min_length=1, max_length=1000,
        description="buyer's profit per visit to each incumbent seller (money per visit, "
        "(0, 10^6]); one entry per seller, 1 to 1000 sellers (one incumbent and an entrant "
        "is the canonical entry case)",
    )
    beta: float = Field(
        0.5, ge=0, le=1000,
        description="sensitivity of the logit choice (per money unit of preference), [0, 1000]",
    )
    gamma: float = Field(
        0.1, gt=0, le=1, description="memory decay: fraction of a preference forgotten per day"
    )
    initial_preference: float = Field(
        0.0, ge=0, le=MAX_PROFIT,
        description="every buyer's preference J for every incumbent at day 0 (money, [0, 10^6])",
    )
    entrant: EntrantConfig | None = Field(
        None, description="a seller that opens later (null: no entrant)"
    )

    @model_validator(mode="after")
    def _fits_a_worker(self):
        cells = self.buyers * (len(self.profits) + (self.entrant is not None))
        if cells > MAX_CELLS:
            raise ValueError(f"buyers x sellers is {cells:,}, more than {MAX_CELLS:,} (a worker "
                             "needs about 40 bytes for each); use fewer buyers")
        return self

    @property
    def sellers(self) -> int:
        """Number of incumbent sellers."""
        return len(self.profits)
