"""The base of every section of the ``lifecycle:`` schema, and shorthand defaults."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from sim.units import Beta, Constant, Normal


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _beta(a: float, b: float) -> Beta:
    return Beta(dist="beta", a=a, b=b)


def _normal(mean: float, sd: float, low: float | None = None, high: float | None = None) -> Normal:
    return Normal(dist="normal", mean=mean, sd=sd, low=low, high=high)


def _constant(value: float) -> Constant:
    return Constant(dist="constant", value=value)
