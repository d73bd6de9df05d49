"""Bundled scenarios ship inside the package, not only in a source checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from sim.scenario import bundled_dir, bundled_scenarios

ROOT = Path(__file__).resolve().parents[1]


def test_every_scenario_in_the_source_tree_is_listed():
    in_tree = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
    assert [name for name, _ in bundled_scenarios()] == in_tree
    assert (bundled_dir() / "markov_migration.yaml").exists()


def test_a_built_wheel_carries_the_scenarios_and_the_console_script(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path),
         str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    [wheel] = tmp_path.glob("dyadsim-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for scenario in (ROOT / "scenarios").glob("*.yaml"):
        assert f"scenarios/{scenario.name}" in names
    for module in ("sim/models/markov.py", "analysis/__init__.py", "reproduce/__init__.py"):
        assert module in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "dyadsim = sim.cli_start:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
