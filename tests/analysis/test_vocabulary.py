"""The model's words travel in the bundle, and the analysis takes them from there."""

from __future__ import annotations

import json

import sim
from analysis.bundle import end_reasons_of, stages_of
from analysis.tables import funnel
from sim.models.lifecycle import VOCABULARY


def test_a_lifecycle_run_writes_its_stages_and_reasons_into_the_manifest(tmp_path):
    scenario = sim.load_scenario("baseline", ["horizon=26 weeks"])
    results = sim.run(scenario, 1, 1, workers=1, out=tmp_path / "b")
    saved = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert saved["vocabulary"] == VOCABULARY
    loaded = sim.load_results(tmp_path / "b")
    assert stages_of(loaded) == tuple(VOCABULARY["stages"])
    assert end_reasons_of(loaded) == tuple(VOCABULARY["end_reasons"])
    assert list(funnel(results.pairs, stages_of(loaded))["stage"]) == VOCABULARY["stages"]


def test_a_model_without_a_vocabulary_writes_none():
    scenario = sim.load_scenario("markov_migration", ["markov.customers=100"])
    results = sim.run(scenario, 1, 1, workers=1)
    assert "vocabulary" not in results.manifest
    assert stages_of(results) == () and end_reasons_of(results) == ()
