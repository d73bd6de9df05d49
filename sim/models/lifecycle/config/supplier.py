"""The ``skills:`` and ``policy:`` sections: how suppliers manage relationships."""

from __future__ import annotations

from pydantic import Field

from sim.models.lifecycle.config._base import UnitDistribution, _beta, _Section


class Skills(_Section):
    """Relationship-management skills of the suppliers (C14, C15), each in [0,1]."""

    negotiation: UnitDistribution = Field(
        default_factory=lambda: _beta(5, 5),
        description="shortens negotiation and wins larger first orders, [0,1]",
    )
    problem_solving: UnitDistribution = Field(
        default_factory=lambda: _beta(5, 5),
        description="prevents a failed order from turning into a conflict, [0,1]",
    )
    conflict_resolution: UnitDistribution = Field(
        default_factory=lambda: _beta(5, 5),
        description="probability weight of resolving an open conflict, [0,1]",
    )
    customer_knowledge: UnitDistribution = Field(
        default_factory=lambda: _beta(5, 5),
        description="knowledge of needs and buying centre; helps notice requirement shifts, [0,1]",
    )


class Attention(_Section):
    """Attention a supplier's policy allocates to one account in each stage."""

    pre: float = Field(0.5, ge=0, le=20, description="attention units per week")
    early: float = Field(1.0, ge=0, le=20, description="attention units per week")
    development: float = Field(1.2, ge=0, le=20, description="attention units per week")
    long_term: float = Field(0.7, ge=0, le=20, description="attention units per week")
    final: float = Field(0.6, ge=0, le=20, description="attention units per week")


class Policy(_Section):
    """Supplier relationship policies (C11, C16)."""

    attention: Attention = Field(default_factory=Attention, description="allocation by stage")
    adaptation_trust: float = Field(
        0.7, ge=0, le=1, description="trust the supplier needs to see before adapting, [0,1]"
    )
    adaptation_hurdle: float = Field(
        0.3, ge=0, le=100,
        description="forecast NPV gain must exceed this multiple of the investment (ratio)",
    )
    pursue_hurdle: float = Field(
        0.0, ge=-1e9, le=1e9, description="forecast NPV a prospect must clear to be pursued, money"
    )
    marketing_step: float = Field(
        0.2, ge=0, le=1,
        description="yearly change of a supplier's contact rate when a contact's value is "
        "above or below its cost (share of the rate; 0: fixed rates)",
    )
    marketing_floor: float = Field(
        0.25, ge=0, le=1,
        description="lowest contact rate a supplier moves to, as a multiple of its own rate",
    )
    marketing_ceiling: float = Field(
        2.0, ge=1, le=100,
        description="highest contact rate a supplier moves to, as a multiple of its own rate",
    )
    drop_unprofitable: bool = Field(
        True, description="drop accounts whose forecast NPV of keeping them is negative"
    )
