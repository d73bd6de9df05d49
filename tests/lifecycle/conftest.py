"""Shared fixtures of the lifecycle tests: small, fast scenarios."""

from __future__ import annotations

import numpy as np
import pytest

from sim.scenario import Scenario, load_scenario


def small_scenario(**lifecycle) -> Scenario:
    """A small market over two years (fast), with ``lifecycle`` sections merged in."""
    section = {
        "market": {"buyers": {"count": 40}, "suppliers": {"count": 4}},
        "entry": {"times": ["1 year"], "rate": 0.5},
    }
    for key, value in lifecycle.items():
        section[key] = {**section.get(key, {}), **value}
    return Scenario.model_validate({
        "name": "small", "model": "lifecycle", "horizon": "2 years", "replications": 1,
        "seed": 3, "sample_every": "4w", "lifecycle": section,
    })


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
