"""``dyadsim reproduce --quick``: every reproduction runs, reports and is judged.

The quick run uses fewer seeds and buyers than the full one but the same
criteria, so a model that breaks a published result fails here first. The
full run is ``pytest -m slow`` (tests/reproduce/test_full.py).
"""

from __future__ import annotations

import pytest

from reproduce import REPRODUCTIONS

KNOWN_FAILURES: dict[str, dict[str, str]] = {
    "alternatives-conditional-development": {
        "among begun pairs, a lower share reaches development": (
            "between the two markets the share of begun pairs reaching development rises "
            "(+5.4 points [+3.4, +7.4], quick run, 12 seeds): only better-fitting, more "
            "reliable pairs begin against attractive alternatives, and this selection "
            "outweighs the alternatives' own effect in the trial, which the reproduction's "
            "third statement shows on the same pairs (rivals entering lower it); "
            "docs/model.md, 'C6 as a conditional effect'"),
    },
}
"""Statements of reproductions the lifecycle model does not show yet, with what is missing.

Strict both ways: every other statement of the reproduction must pass, and when
the model shows a listed statement its test fails, so the entry is removed and
the statement guards it from then on.
"""


def test_quick_run_reports_every_reproduction_with_its_figure(quick_run):
    checks = quick_run.results["checks"]
    assert [check["name"] for check in checks] == list(REPRODUCTIONS)
    for check in checks:
        assert check["verdicts"], check["name"]
        assert (quick_run.folder / check["figure"]).is_file(), check["name"]
    page = (quick_run.folder / "reproduce.html").read_text()
    assert page.count("data:image/png;base64,") == len(checks)


def test_quick_run_exits_zero_only_when_every_check_passes(quick_run):
    passed = all(check["passed"] for check in quick_run.results["checks"])
    assert quick_run.code == (0 if passed else 1)
    for name in REPRODUCTIONS:
        assert name in quick_run.stdout


@pytest.mark.parametrize("name", list(REPRODUCTIONS))
def test_reproduction_passes_but_for_its_known_failures(quick_run, name):
    check = quick_run.check(name)
    failed = {v["label"] for v in check["verdicts"] if not v["passed"]}
    known = KNOWN_FAILURES.get(name, {})
    assert set(known) <= {v["label"] for v in check["verdicts"]}, f"{name}: unknown labels"
    assert failed == set(known), f"{name}: failed {sorted(failed)}, known {sorted(known)}"
    assert check["passed"] == (not known)
