"""Fixtures of the reproduction tests: the ``reproduce`` command run in this process."""

from __future__ import annotations

import pytest
from reproduce_cli import Outcome, call_reproduce


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory) -> Outcome:
    """Every reproduction run once with ``--quick`` (shared by the tests that read it)."""
    return call_reproduce("--quick", folder=tmp_path_factory.mktemp("reproduce") / "quick")
