"""Running ``dyadsim reproduce`` in this process, for the reproduction tests."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import sim.cli


@dataclass
class Outcome:
    """What one ``dyadsim reproduce`` call did: exit code, output, and its report folder."""

    code: int
    stdout: str
    stderr: str
    folder: Path | None = None

    @property
    def results(self) -> dict:
        return json.loads((self.folder / "results.json").read_text(encoding="utf-8"))

    def check(self, name: str) -> dict:
        return next(c for c in self.results["checks"] if c["name"] == name)


def call_reproduce(*args: str, folder: Path | None = None) -> Outcome:
    """Run ``dyadsim reproduce ARGS [--out FOLDER]`` in this process."""
    extra = ["--out", str(folder)] if folder is not None else []
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            sim.cli.main(["reproduce", *args, *extra])
            code = 0
        except SystemExit as stop:
            code = stop.code or 0
    return Outcome(code, stdout.getvalue(), stderr.getvalue(), folder)
