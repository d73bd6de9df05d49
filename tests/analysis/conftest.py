"""Fixtures for the analysis tests: synthetic lifecycle bundles and small Markov runs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from synthetic_bundles import lifecycle_results

import sim

RETENTION = """
name: {name}
description: a customer stays with probability {stay} each period
model: markov
replications: 6
seed: 7
markov:
  states: [customer, lost]
  start: customer
  transition:
    - [{stay}, {leave}]
    - [0.0, 1.0]
  reward: [100, 0]
  discount_rate: 0.1
  customers: 1500
"""


@pytest.fixture
def retention_file(tmp_path: Path):
    """Write a two-state retention scenario with stay probability ``stay``; return its path."""

    def write(name: str, stay: float) -> Path:
        path = tmp_path / f"{name}.yaml"
        text = RETENTION.format(name=name, stay=stay, leave=round(1 - stay, 10))
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def lifecycle_bundle(tmp_path_factory) -> sim.Results:
    """A synthetic lifecycle bundle on disk: 8 replications, every column of the contract."""
    return lifecycle_results(8, seed=3, path=tmp_path_factory.mktemp("synthetic") / "bundle")


@pytest.fixture(scope="session")
def markov_bundle(tmp_path_factory) -> sim.Results:
    """A small Markov bundle on disk (5 replications of the migration model)."""
    scenario = sim.load_scenario("markov_migration", ["markov.customers=1000"])
    out = tmp_path_factory.mktemp("markov") / "bundle"
    return sim.run(scenario, 5, 11, workers=1, out=out)


@pytest.fixture
def dyadsim_analysis(tmp_path: Path):
    """Run ``dyadsim`` with the analysis commands in a subprocess, in ``tmp_path``."""
    import subprocess
    import sys

    program = "import sys; from sim import cli; cli.main(sys.argv[1:])"

    def call(*args, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", program, *map(str, args)],
                              capture_output=True, text=True, timeout=timeout, cwd=tmp_path,
                              env={**__import__("os").environ, "COLUMNS": "160"})

    return call


@pytest.fixture
def dyadsim_here(tmp_path: Path, capsys, monkeypatch):
    """Run ``dyadsim`` in this process, in ``tmp_path``: returns (exit code, stdout, stderr)."""
    from sim import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "160")

    def call(*args) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as stop:
            cli.main([str(a) for a in args])
        captured = capsys.readouterr()
        return stop.value.code, captured.out, captured.err

    return call
