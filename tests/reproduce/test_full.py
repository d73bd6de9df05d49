"""The full ``dyadsim reproduce``: every reproduction passes on the bundled defaults,
except those the model is known not to show yet."""

from __future__ import annotations

import pytest
from reproduce_cli import call_reproduce

from reproduce import REPRODUCTIONS

KNOWN_FAILURES: dict[str, set[str]] = {
    # among begun pairs, attractive alternatives raise the share reaching development
    # (+5.72 points [+4.50, +6.94] in the last full run, 20 seeds): selection of better pairs
    # outweighs the alternatives' effect in the trial, which the third statement shows on the
    # same pairs (docs/model.md, "C6 as a conditional effect")
    "alternatives-conditional-development": {
        "among begun pairs, a lower share reaches development"},
}
"""Statements the full run fails, by reproduction. A known failure that passes, or any
other statement that fails, fails this test, so the entry is kept true."""


@pytest.mark.slow
def test_full_reproduce_passes_every_reproduction_but_the_known_failures(tmp_path):
    outcome = call_reproduce(folder=tmp_path / "full")
    failed = {check["name"]: {v["label"] for v in check["verdicts"] if not v["passed"]}
              for check in outcome.results["checks"] if not check["passed"]}
    assert [c["name"] for c in outcome.results["checks"]] == list(REPRODUCTIONS)
    assert failed == KNOWN_FAILURES, failed
    assert outcome.code == (1 if KNOWN_FAILURES else 0)
