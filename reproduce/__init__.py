"""Reproductions: the models checked against published results.

Each reproduction is a small module of this package (see
:mod:`reproduce.framework` for what it provides). :data:`REPRODUCTIONS`
lists them in the order the report shows them; :func:`run_checks` runs some
or all of them and :func:`write_report` writes ``reproduce.md``,
``reproduce.html``, ``results.json`` and the figures into a folder.

    from reproduce import Settings, run_checks
    checks = run_checks(["markov-clv"], Settings(quick=True))
    checks[0].passed
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Sequence
from types import ModuleType

from reproduce.framework import Check, Context, Settings, Verdict
from reproduce.report import write_report

__all__ = [
    "REPRODUCTIONS",
    "Check",
    "Context",
    "Settings",
    "Verdict",
    "reproduction",
    "run_checks",
    "write_report",
]

log = logging.getLogger(__name__)

REPRODUCTIONS = {
    "markov-clv": "reproduce.markov_clv",
    "loyalty-transition": "reproduce.loyalty_transition",
    "loyalty-hysteresis": "reproduce.loyalty_hysteresis",
    "lifecycle-wkh-transition": "reproduce.lifecycle_wkh_transition",
    "lifecycle-wkh-hysteresis": "reproduce.lifecycle_wkh_hysteresis",
    "ford-stage-profile": "reproduce.ford_stage_profile",
    "dwyer-fragile-exploration": "reproduce.dwyer_fragile_exploration",
    "liability-of-adolescence": "reproduce.liability_of_adolescence",
    "trust-and-age": "reproduce.trust_and_age",
    "competition-raises-dissolution": "reproduce.competition_raises_dissolution",
    "commitment-trust-signs": "reproduce.commitment_trust_signs",
    "seed-claims": "reproduce.seed_claims",
    "alternatives-conditional-development": "reproduce.alternatives_conditional_development",
}
"""Name of each reproduction and the module that implements it, in report order."""


def reproduction(name: str) -> ModuleType:
    """The module of reproduction ``name``; ValueError names the known ones."""
    try:
        return importlib.import_module(REPRODUCTIONS[name])
    except KeyError:
        known = ", ".join(REPRODUCTIONS)
        raise ValueError(f"unknown reproduction {name!r}; known: {known}") from None


def run_checks(names: Sequence[str] | None = None, settings: Settings | None = None,
               *, context: Context | None = None, progress=None) -> list[Check]:
    """Run the reproductions ``names`` (default: all) and return their checks, in order.

    ``progress(name)`` is called before each one starts. Runs of the same
    scenario are shared between reproductions through ``context``.
    """
    settings = settings or Settings()
    context = context or Context(settings)
    modules = [reproduction(name) for name in (names or list(REPRODUCTIONS))]
    checks = []
    for module in modules:
        if progress:
            progress(module.NAME)
        began = time.perf_counter()
        check = module.reproduce(context)
        check.seconds = time.perf_counter() - began
        log.info("%s: %s in %.0f s", check.name, "pass" if check.passed else "FAIL",
                 check.seconds)
        checks.append(check)
    return checks
