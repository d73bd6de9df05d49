"""Shared fixtures of the lifecycle tests: small, fast scenarios."""

from __future__ import annotations

import numpy as np
import pytest
from lifecycle_runs import small_scenario

from sim.scenario import Scenario, load_scenario


@pytest.fixture
def small() -> Scenario:
    """A small market with competitor entry, two years."""
    return small_scenario()


@pytest.fixture
def baseline() -> Scenario:
    """The bundled baseline scenario."""
    return load_scenario("baseline")


@pytest.fixture
def seed() -> np.random.SeedSequence:
    """A fixed replication seed."""
    return np.random.SeedSequence(20240501)
