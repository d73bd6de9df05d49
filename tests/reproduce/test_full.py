"""The full ``dyadsim reproduce``: every reproduction passes on the bundled defaults."""

from __future__ import annotations

import pytest
from reproduce_cli import call_reproduce

from reproduce import REPRODUCTIONS


@pytest.mark.slow
def test_full_reproduce_passes_every_reproduction(tmp_path):
    outcome = call_reproduce(folder=tmp_path / "full")
    failed = {check["name"]: [v["label"] for v in check["verdicts"] if not v["passed"]]
              for check in outcome.results["checks"] if not check["passed"]}
    assert [c["name"] for c in outcome.results["checks"]] == list(REPRODUCTIONS)
    assert not failed, failed
    assert outcome.code == 0
