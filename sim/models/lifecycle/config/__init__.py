"""Schema of the ``lifecycle:`` scenario section.

Every field has a default, so ``LifecycleConfig()`` is a plausible market of a
few hundred buyers and a dozen suppliers: most relationships end before the
long-term stage, a few reach the final stage, and those that survive
development last years. Durations are in weeks (``26w``, ``6 months`` and
``2 years`` are accepted); rates are per year; money is in an arbitrary
currency unit (think thousands); positions, probabilities, skills, trust and
satisfaction are in [0, 1].

Population quantities are distributions (``{dist: beta, a: 2, b: 5}`` or a
bare number for a constant); each agent draws its own value once. Values that
must lie in [0, 1] are clipped to it after drawing.

This package imports only pydantic and ``sim.units``: the scenario schema
imports it at start-up. One module per part of the section: ``market``,
``supplier`` (skills and policy), ``relationship`` (the dyad's mechanisms,
one section each) and ``economics``.
"""

from __future__ import annotations

from pydantic import Field

from sim.models.lifecycle.config._base import _Section
from sim.models.lifecycle.config.economics import Economics
from sim.models.lifecycle.config.market import (
    BuyerPopulation,
    BuyerProfile,
    BuyerSpec,
    EntrantProfile,
    Entry,
    Market,
    SupplierPopulation,
    SupplierProfile,
    SupplierSpec,
)
from sim.models.lifecycle.config.relationship import (
    Choice,
    Development,
    Final,
    Orders,
    Relationship,
    ReviewIntervals,
    Satisfaction,
    Switching,
    Trial,
    Trust,
)
from sim.models.lifecycle.config.supplier import Attention, Policy, Skills

__all__ = [
    "Attention",
    "BuyerPopulation",
    "BuyerProfile",
    "BuyerSpec",
    "Choice",
    "Development",
    "Economics",
    "EntrantProfile",
    "Entry",
    "Final",
    "LifecycleConfig",
    "Market",
    "Orders",
    "Policy",
    "Relationship",
    "ReviewIntervals",
    "Satisfaction",
    "Skills",
    "SupplierPopulation",
    "SupplierProfile",
    "SupplierSpec",
    "Switching",
    "Trial",
    "Trust",
]


class LifecycleConfig(_Section):
    """The market, competitor entry, policies, skills, relationship behaviour and economics."""

    market: Market = Field(default_factory=Market, description="buyers and suppliers")
    entry: Entry = Field(default_factory=Entry, description="competitor entry")
    policy: Policy = Field(default_factory=Policy, description="supplier policies")
    skills: Skills = Field(default_factory=Skills, description="supplier skills")
    relationship: Relationship = Field(
        default_factory=Relationship, description="relationship behaviour"
    )
    economics: Economics = Field(default_factory=Economics, description="money and discounting")
