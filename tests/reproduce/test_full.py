"""The full ``dyadsim reproduce``: every reproduction passes on the bundled defaults,
except those the model is known not to show yet."""

from __future__ import annotations

import pytest
from reproduce_cli import call_reproduce

from reproduce import REPRODUCTIONS

KNOWN_FAILURES: dict[str, set[str]] = {
    # among begun pairs, attractive alternatives raise the share reaching development
    # (+4.6 points [+3.3, +5.9] in the last full run, 20 seeds); the claim needs it to fall
    "alternatives-conditional-development": {
        "among begun pairs, a lower share reaches development"},
    # emergent since entrants reach final buyers through the ordinary rules, and not
    # detected: 0 losses before the first entry and 22 after, rate ratio [0.44, inf]
    # (final relationships before entry in year 3 are few, so little exposure before it)
    "seed-claims": {"final relationships lost to competitors mainly after entry (C12)"},
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
