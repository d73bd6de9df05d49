"""The ``lifecycle:`` schema: light to import, one section per mechanism."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim.models.lifecycle.config import LifecycleConfig
from sim.scenario import ScenarioError, validate


def _modules_loaded_by(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_importing_the_lifecycle_config_loads_neither_simpy_nor_the_market():
    loaded = _modules_loaded_by("import sim.models.lifecycle.config")
    assert "simpy" not in loaded
    assert "sim.models.lifecycle.market" not in loaded


def test_relationship_fields_live_in_their_mechanisms_section():
    relationship = LifecycleConfig.model_validate({
        "relationship": {"trial": {"period": 30}, "final": {"hazard": 0.2}, "choice": {"beta": 2}}
    }).relationship
    assert relationship.trial.period.value == 30
    assert relationship.final.hazard == 0.2
    assert relationship.choice.beta == 2
    # untouched mechanisms keep their defaults
    assert relationship.switching.inertia == 0.08


def test_a_relationship_field_outside_its_section_is_rejected():
    document = {"name": "x", "model": "lifecycle", "lifecycle": {"relationship": {"inertia": 0.1}}}
    with pytest.raises(ScenarioError, match=r"relationship\.inertia"):
        validate(document)
