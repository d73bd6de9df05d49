"""The ``loyalty:`` section of a scenario file (see :mod:`sim.models.loyalty`).

A light module: the scenario schema imports it at start-up, so it holds the
section and none of the simulation.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from sim.units import Weeks

__all__ = ["EntrantConfig", "LoyaltyConfig"]


class EntrantConfig(BaseModel):
    """A seller that opens on a given day with its own profit per visit."""

    model_config = ConfigDict(extra="forbid")

    at: Weeks = Field(description="when the entrant opens (weeks; '300 days' is accepted)")
    profit: float = Field(gt=0, description="buyer's profit per visit to the entrant (money)")
    initial_preference: float = Field(
        0.0, ge=0, description="every buyer's preference J for the entrant when it opens (money)"
    )


class LoyaltyConfig(BaseModel):
    """The ``loyalty:`` section: buyers, sellers' profits, memory and sensitivity."""

    model_config = ConfigDict(extra="forbid")

    buyers: int = Field(1000, ge=1, le=10_000_000, description="buyers per replication")
    profits: list[float] = Field(
        [1.0, 1.0], min_length=2,
        description="buyer's profit per visit to each incumbent seller (money per visit); "
        "one entry per seller",
    )
    beta: float = Field(
        0.5, ge=0, description="sensitivity of the logit choice (per money unit of preference)"
    )
    gamma: float = Field(
        0.1, gt=0, le=1, description="memory decay: fraction of a preference forgotten per day"
    )
    initial_preference: float = Field(
        0.0, ge=0, description="every buyer's preference J for every incumbent at day 0 (money)"
    )
    entrant: EntrantConfig | None = Field(
        None, description="a seller that opens later (null: no entrant)"
    )

    @property
    def sellers(self) -> int:
        """Number of incumbent sellers."""
        return len(self.profits)
