"""Shared fixtures: small scenarios written to temporary files and a CLI runner."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


@pytest.fixture
def write_yaml(tmp_path: Path):
    """Write a YAML text (dedented) to a file in tmp_path and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def dyadsim(tmp_path: Path):
    """Run the ``dyadsim`` command in a subprocess; returns the CompletedProcess."""

    def call(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "sim.cli", *map(str, args)],
            capture_output=True, text=True, timeout=timeout, cwd=tmp_path,
        )

    return call


SMALL_MARKOV = """
name: small
description: a small retention chain
model: markov
replications: 4
seed: 7
markov:
  states: [customer, lost]
  start: customer
  transition:
    - [0.7, 0.3]
    - [0.0, 1.0]
  reward: [10, 0]
  discount_rate: 0.1
  customers: 2000
"""


@pytest.fixture
def small_markov(write_yaml) -> Path:
    """A fast two-state Markov scenario file."""
    return write_yaml("small.yaml", SMALL_MARKOV)


@pytest.fixture
def break_replication(monkeypatch):
    """Make the Markov model raise ``error`` in replication ``index`` (in this process)."""
    from sim.models import markov

    original = markov.simulate

    def apply(index: int, error: Exception):
        def broken(scenario, seed, *, events=False):
            if seed.spawn_key == (index,):
                raise error
            return original(scenario, seed, events=events)

        monkeypatch.setattr(markov, "simulate", broken)

    apply.restore = lambda: monkeypatch.setattr(markov, "simulate", original)
    return apply
