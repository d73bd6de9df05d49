"""The ``economics:`` section: money (C16)."""

from __future__ import annotations

from pydantic import Field

from sim.models.lifecycle.config._base import MAX_MONEY, _Section
from sim.units import PositiveWeeks


class Economics(_Section):
    """Money (C16): costs, investments and discounting."""

    discount_rate: float = Field(
        0.08, ge=0, le=10, description="annual discount rate; delta = ln(1 + rate) per year"
    )
    handling_cost: float = Field(
        0.4, ge=0, le=MAX_MONEY,
        description="cost to serve one order at full social distance, money per order"
    )
    conflict_cost: float = Field(
        3.0, ge=0, le=MAX_MONEY, description="cost of handling one conflict, money"
    )
    attention_cost: float = Field(
        0.3, ge=0, le=MAX_MONEY,
        description="cost of one attention unit for one week, money"
    )
    adaptation_supplier: float = Field(
        12, ge=0, le=MAX_MONEY,
        description="supplier's adaptation project at median complexity, money"
    )
    adaptation_buyer: float = Field(
        8, ge=0, le=MAX_MONEY,
        description="buyer's adaptation project at median complexity, money"
    )
    tailoring_cost: float = Field(
        3.0, ge=0, le=MAX_MONEY,
        description="re-tailoring an offering after a noticed shift, money"
    )
    marketing_cost: float = Field(
        0.5, ge=0, le=MAX_MONEY, description="cost of one marketing contact, money"
    )
    forecast_horizon: PositiveWeeks = Field(
        260, description="horizon of the supplier's NPV forecasts, weeks"
    )
    size_noise: float = Field(
        0.0, ge=0, le=5,
        description="log-normal spread of the size a supplier is told of a buyer before any "
        "order (mean = true size); 0: it knows the buyer's true demand",
    )
    forecast_prior_orders: float | None = Field(
        None, gt=0, le=1e6,
        description="orders the size signal is worth against the orders seen (None: matched "
        "to the signal's spread, 1 / (exp(size_noise^2) - 1), infinite at size_noise 0)",
    )
