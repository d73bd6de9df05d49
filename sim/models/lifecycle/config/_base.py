"""The base of every section of the ``lifecycle:`` schema, and shorthand defaults."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from sim.units import Beta, Constant, Distribution, Normal, ranged

MAX_RATE = 10_000.0
"""Most events per year of any kind for one agent (orders, contacts)."""

MAX_MONEY = 1e9
"""Largest amount of money in one field (per order, per contact, per investment)."""

Rate = ranged(Distribution, 0, MAX_RATE)
"""A random rate per year, non-negative, at most 10,000 on average."""

Money = ranged(Distribution, 0, MAX_MONEY)
"""A random amount of money, non-negative, at most 10^9 on average."""

UnitDistribution = ranged(Distribution, 0, 1)
"""A random quantity in [0, 1] (a position, a probability, a skill); draws are clipped to it."""

Unit = Annotated[float, Field(ge=0, le=1)]
"""A number in [0, 1]: a position on an axis, a probability, a share."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def _beta(a: float, b: float) -> Beta:
    return Beta(dist="beta", a=a, b=b)


def _normal(mean: float, sd: float, low: float | None = None, high: float | None = None) -> Normal:
    return Normal(dist="normal", mean=mean, sd=sd, low=low, high=high)


def _constant(value: float) -> Constant:
    return Constant(dist="constant", value=value)
