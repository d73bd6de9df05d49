"""Ensembles for the classroom: a reference run and a changed run on the same seeds.

Both runs use the scenario's master seed, so replication ``i`` of the
reference and of the change meet the same luck (common random numbers) and
the effect of a change is measured replication by replication, with a
bootstrap interval (:func:`analysis.compare.compare`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis import stats, tables
from analysis.compare import Comparison, compare, difference_rows, format_difference
from analysis.report import format_interval, format_number
from sim.models.lifecycle.story import pick_pair, tell_story
from sim.results import Results
from sim.runner import run, run_replication
from sim.scenario import Scenario, bundled_dir, find_scenario

__all__ = [
    "EARLY_STAGES",
    "Effect",
    "Ensemble",
    "early_endings",
    "effects",
    "reference_of",
    "run_ensemble",
    "story",
]

EARLY_STAGES = ("pre", "early")
"""Stages whose endings count as early endings."""

Progress = Callable[[int, int], None]


def reference_of(name_or_path: str | Path) -> str:
    """The scenario a scenario is compared with: the one it extends, or itself."""
    path = find_scenario(name_or_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    parent = data.get("extends") if isinstance(data, dict) else None
    if not isinstance(parent, str):
        return str(name_or_path)
    parent_path = path.parent / parent
    bundled = bundled_dir() / f"{parent_path.stem}.yaml"
    same = bundled.exists() and bundled.resolve() == parent_path.resolve()
    return parent_path.stem if same else str(parent_path)


def run_ensemble(scenario: Scenario, progress: Progress | None = None) -> Results:
    """Run ``scenario``'s replications in this process.

    One process keeps a small classroom run free of start-up costs; the seed
    is the scenario's own, so every run of a scenario meets the same luck.
    """
    return run(scenario, workers=1, progress=progress)


@dataclass(frozen=True)
class Ensemble:
    """A reference run and a changed run of the same replications and seed."""

    reference: Results
    changed: Results
    reference_name: str
    changed_name: str

    @property
    def comparison(self) -> Comparison:
        """Key metrics of the change against the reference (paired replications)."""
        return compare([self.reference, self.changed],
                       names=[self.reference_name, self.changed_name])


@dataclass(frozen=True)
class Effect:
    """One key figure in both runs and the change's effect, with its 95% interval."""

    metric: str
    label: str
    unit: str
    reference: float
    value: float
    difference: float
    low: float
    high: float
    cells: tuple[str, ...]
    """Formatted: label, unit, reference, value, difference, interval, ``*``."""

    @property
    def clear(self) -> bool:
        """Whether the interval excludes 0 (the runs tell the two apart)."""
        return bool(np.isfinite(self.low) and (self.low > 0 or self.high < 0))


def early_endings(results: Results) -> pd.Series:
    """Relationships that ended in the pre-relationship or early stage, per replication."""
    pairs = results.pairs
    counts = {}
    for replication in sorted(pairs["replication"].unique()):
        table = tables.end_reasons(pairs[pairs["replication"] == replication])
        rows = [] if table is None else [s for s in EARLY_STAGES if s in table.index]
        counts[int(replication)] = float(table.loc[rows].to_numpy().sum()) if rows else 0.0
    return pd.Series(counts, dtype=float)


def _early_effect(ensemble: Ensemble, paired: bool) -> Effect:
    first, second = early_endings(ensemble.reference), early_endings(ensemble.changed)
    shared = first.index.intersection(second.index)
    if paired:
        first, second = first.loc[shared], second.loc[shared]
    difference, low, high = stats.bootstrap_difference(first, second, paired=paired)
    unit = "per replication"
    clear = bool(np.isfinite(low) and (low > 0 or high < 0))
    cells = ("relationships ended in pre-relationship or early stage", unit,
             format_number(first.mean(), unit), format_number(second.mean(), unit),
             format_difference(difference, unit), format_interval(low, high, unit),
             "*" if clear else "")
    return Effect("early_endings", cells[0], unit, float(first.mean()), float(second.mean()),
                  difference, low, high, cells)


def effects(ensemble: Ensemble) -> list[Effect]:
    """Every key figure of the two runs with the change's effect (early endings first)."""
    comparison = ensemble.comparison
    _, rows = difference_rows(comparison)
    found = [_early_effect(ensemble, comparison.paired)]
    for row, cells in zip(comparison.differences.itertuples(), rows, strict=True):
        found.append(Effect(row.metric, row.label, row.unit, row.reference, row.value,
                            row.difference, row.low, row.high, tuple(cells)))
    return found


def story(scenario: Scenario, replication: int = 0) -> tuple[str, list[str]]:
    """The life of one relationship of ``replication`` of the ensemble, in plain words.

    The replication is simulated again with its events (same seed, same
    numbers as in the ensemble). Returns a heading (who, which replication)
    and the lines of :func:`sim.models.lifecycle.story.tell_story`.
    """
    outcome = run_replication(scenario, scenario.seed, replication, events=True)
    if outcome.error is not None:
        raise RuntimeError(f"replication {replication} failed:\n{outcome.error}")
    pairs, events = outcome.tables["pairs"], outcome.tables["events"]
    if pairs.empty:
        return f"No relationship formed in replication {replication}.", []
    buyer, supplier = pick_pair(pairs)
    return (f"Buyer {buyer} and supplier {supplier}, replication {replication}",
            tell_story(events, pairs, buyer, supplier))
