"""What a reproduction is, how its verdict is recorded, and the runs it shares.

A reproduction is a module with ``NAME``, ``SOURCE`` (the citation),
``CLAIM`` (one sentence), ``CRITERION`` (how it is judged, with its
tolerance) and ``reproduce(context) -> Check``. Criteria come from the source
and from standard errors, never from the numbers a run produced: a result is
judged over several independent seeds (replications), either by a vote (the
claim holds in at least 90% of them) or by an interval over seeds that must
exclude the wrong side.

Each judged statement has a ``kind``: a ``reproduction`` can fail, because
its outcome must emerge from the mechanisms; a ``consistency`` check follows
from the model's construction (a threshold or rule that states its outcome)
and only guards that the construction is implemented as documented. A
consistency statement carries one sentence on why it follows
(:func:`consistency`).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = [
    "CONSISTENCY",
    "KINDS",
    "REPRODUCTION",
    "VOTE_SHARE",
    "Check",
    "Context",
    "Settings",
    "Verdict",
    "consistency",
    "familywise",
    "vote",
]

REPRODUCTION = "reproduction"
"""A statement that can fail: its outcome must emerge from the mechanisms."""

CONSISTENCY = "consistency"
"""A statement that follows from the model's construction (a rule that states it)."""

KINDS = (REPRODUCTION, CONSISTENCY)

VOTE_SHARE = 0.9
"""Share of seeds in which a claim judged by vote must hold."""

CONFIDENCE = 0.95
"""Confidence level of the intervals over seeds."""


def familywise(tests: int, confidence: float = CONFIDENCE) -> float:
    """Confidence level for each of ``tests`` intervals judged together (Bonferroni).

    A statement that fails when any one of several intervals lies on the wrong
    side would fail by chance about ``tests`` times as often as one interval;
    judging each at ``1 - (1 - confidence) / tests`` keeps the chance that the
    family fails a true statement at most ``1 - confidence``.

    >>> round(familywise(3), 4)
    0.9833
    >>> familywise(1)
    0.95
    """
    if tests < 1:
        raise ValueError(f"a family needs at least one test, got {tests}")
    return 1.0 - (1.0 - confidence) / tests


@dataclass(frozen=True)
class Settings:
    """How big the runs are: ``quick`` (for the test suite) or full.

    ``workers``: parallel processes for the replications; ``figures``: folder
    the figures are written to.
    """

    quick: bool = False
    workers: int = 2
    figures: Path = Path("figures")

    def pick(self, quick, full):
        """``quick`` in a quick run, ``full`` otherwise."""
        return quick if self.quick else full


@dataclass
class Verdict:
    """One judged statement: what was expected, what was measured, and whether it passed.

    ``kind`` is ``reproduction`` or ``consistency``; ``construction`` says, for
    a consistency statement, which rule of the model states its outcome.
    """

    label: str
    expected: str
    measured: str
    passed: bool
    kind: str = REPRODUCTION
    construction: str = ""

    def __post_init__(self):
        # Verdicts are often numpy comparisons; the results file needs a plain bool.
        self.passed = bool(self.passed)
        if self.kind not in KINDS:
            raise ValueError(f"kind {self.kind!r}: one of {', '.join(KINDS)}")
        if (self.kind == CONSISTENCY) != bool(self.construction):
            raise ValueError("a consistency statement, and only one, says why it follows "
                             "from construction")


def consistency(verdict: Verdict, construction: str) -> Verdict:
    """``verdict`` labelled a consistency check, with the sentence saying why it follows."""
    return Verdict(verdict.label, verdict.expected, verdict.measured, verdict.passed,
                   CONSISTENCY, construction)


@dataclass
class Check:
    """The result of one reproduction, ready for the table and the report.

    ``figure`` is the path of its figure (PNG) or None; ``verdicts`` the
    individual statements it is made of (all must pass); ``notes`` anything a
    reader needs to interpret it (mapping of constructs, run sizes).
    """

    name: str
    source: str
    claim: str
    criterion: str
    expected: str
    measured: str
    passed: bool
    figure: Path | None = None
    verdicts: list[Verdict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def kind(self) -> str:
        """``consistency`` when every statement is one, else ``reproduction``."""
        kinds = {verdict.kind for verdict in self.verdicts}
        return CONSISTENCY if kinds == {CONSISTENCY} else REPRODUCTION

    @property
    def kind_label(self) -> str:
        """The kind, with how many statements are consistency checks when some but not all are.

        >>> Check("c", "", "", "", "", "", True, verdicts=[
        ...     Verdict("a", "", "", True),
        ...     Verdict("b", "", "", True, CONSISTENCY, "a threshold states it")]).kind_label
        'reproduction; 1 of 2 statements consistency'
        """
        count = sum(verdict.kind == CONSISTENCY for verdict in self.verdicts)
        if self.kind == CONSISTENCY or count == 0:
            return self.kind
        return f"{REPRODUCTION}; {count} of {len(self.verdicts)} statements {CONSISTENCY}"

    @classmethod
    def from_verdicts(cls, module_name: str, verdicts: Sequence[Verdict], *, expected: str,
                      measured: str, figure: Path | None = None,
                      notes: Sequence[str] = ()) -> Check:
        """A check that passes when every verdict passes.

        ``module_name`` is the reproduction's module (its ``__name__``), whose
        ``NAME``, ``SOURCE``, ``CLAIM`` and ``CRITERION`` describe the check.
        """
        module = sys.modules[module_name]
        return cls(
            name=module.NAME, source=module.SOURCE, claim=module.CLAIM,
            criterion=module.CRITERION, expected=expected, measured=measured,
            passed=all(v.passed for v in verdicts), figure=figure,
            verdicts=list(verdicts), notes=list(notes),
        )

    def as_dict(self) -> dict:
        """JSON-ready form (paths relative to the report folder)."""
        return {
            "name": self.name, "source": self.source, "claim": self.claim,
            "criterion": self.criterion, "expected": self.expected,
            "measured": self.measured, "passed": self.passed, "kind": self.kind,
            "kind_label": self.kind_label,
            "figure": None if self.figure is None else self.figure.as_posix(),
            "verdicts": [vars(v) for v in self.verdicts], "notes": self.notes,
            "seconds": round(self.seconds, 1),
        }


def vote(holds: Sequence[bool], share: float = VOTE_SHARE) -> tuple[bool, str]:
    """Whether a claim held in at least ``share`` of the seeds, and ``'k of n seeds'``."""
    count, total = int(np.sum(holds)), len(holds)
    needed = math.ceil(share * total - 1e-9)
    return (total > 0 and count >= needed), f"{count} of {total} seeds"


class Context:
    """What reproductions share in one ``dyadsim reproduce``: settings and cached runs.

    Several lifecycle reproductions read the same bundled scenario; it is run
    once per (scenario, overrides, replications, seed, events) and kept for
    the others.
    """

    def __init__(self, settings: Settings, runner: Callable | None = None):
        self.settings = settings
        self._runs: dict[tuple, object] = {}
        self._runner = runner

    def run(self, scenario: str, *, replications: int, seed: int,
            overrides: Sequence[str] = (), events: bool = False, parallel: bool = True):
        """The results of a bundled scenario (cached), as :func:`sim.run` returns them.

        ``parallel``: spread the replications over the settings' workers;
        fast models run in this process, where starting workers would cost
        more than it saves.
        """
        key = (scenario, tuple(overrides), replications, seed, events)
        if key not in self._runs:
            # a run with events serves a request without them
            with_events = (scenario, tuple(overrides), replications, seed, True)
            if not events and with_events in self._runs:
                return self._runs[with_events]
            loaded = self._load(scenario, overrides)
            self._runs[key] = self.run_scenario(loaded, replications=replications, seed=seed,
                                                events=events, parallel=parallel)
        return self._runs[key]

    def run_scenario(self, scenario, *, replications: int, seed: int, events: bool = False,
                     parallel: bool = True):
        """Run a Scenario object (not cached: each call builds its own)."""
        import sim

        if self._runner is not None:
            return self._runner(scenario, replications, seed, events)
        workers = max(1, min(self.settings.workers, replications)) if parallel else 1
        return sim.run(scenario, replications, seed, workers=workers, events=events)

    @staticmethod
    def _load(name: str, overrides: Sequence[str]):
        import sim

        return sim.load_scenario(name, overrides)

    def figure_path(self, name: str) -> Path:
        """Where the figure of reproduction ``name`` is written."""
        self.settings.figures.mkdir(parents=True, exist_ok=True)
        return self.settings.figures / f"{name}.png"
