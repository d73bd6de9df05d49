"""Fixtures of the classroom tests: the ``dyadsim`` command as its console script runs it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from classroom_browser import COMMAND


@pytest.fixture
def dyadsim(tmp_path: Path):
    """Run ``dyadsim ARGS`` in a subprocess in tmp_path; returns the CompletedProcess."""

    def call(*args, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([*COMMAND, *map(str, args)], capture_output=True, text=True,
                              timeout=timeout, cwd=tmp_path)

    return call
