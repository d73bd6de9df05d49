"""``dyadsim reproduce --quick``: every reproduction runs, reports and is judged.

The quick run uses fewer seeds and buyers than the full one but the same
criteria, so a model that breaks a published result fails here first. The
full run is ``pytest -m slow`` (tests/reproduce/test_full.py).
"""

from __future__ import annotations

import pytest

from reproduce import REPRODUCTIONS

KNOWN_FAILURES: dict[str, str] = {
    "alternatives-conditional-development": (
        "C6 is only a volume effect in the lifecycle model: with attractive alternatives "
        "244 fewer pairs per market begin trial orders, but among those that begin the share "
        "reaching development rises, by +3.1 points [+1.6, +4.6] (quick run, 12 seeds); the "
        "claim needs it to fall"),
    "seed-claims": (
        "final pairs lost after entry is emergent now and not detected in the quick run: "
        "0 losses before the first entry and 18 after, rate ratio [0.40, inf], once entrants "
        "reach final buyers through the ordinary persuasion and choice rules instead of a path "
        "of their own (the other statements hold)"),
}
"""Reproductions the lifecycle model does not show yet, with what is missing.

Strict: when the lifecycle model shows one of them, its test reports XPASS as
a failure, so the entry is removed and the reproduction guards it from then on.
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


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_FAILURES[name], strict=True))
    if name in KNOWN_FAILURES else name
    for name in REPRODUCTIONS
])
def test_reproduction_passes(quick_run, name):
    check = quick_run.check(name)
    failed = [v["label"] for v in check["verdicts"] if not v["passed"]]
    assert check["passed"], f"{name}: {failed}"
