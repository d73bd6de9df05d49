"""The classroom sits on top: it uses the runner, scenarios and analysis; nothing imports it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BELOW = ("sim", "analysis", "reproduce", "explore")
MAY_USE = ("sim", "analysis", "classroom")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_no_package_below_imports_the_classroom():
    importers = [str(path.relative_to(ROOT)) for package in BELOW
                 for path in (ROOT / package).rglob("*.py")
                 if any(name.split(".")[0] == "classroom" for name in _imports(path))]
    assert importers == []


def test_the_classroom_uses_only_the_runner_scenarios_and_analysis_of_dyadsim():
    ours = {name.split(".")[0] for path in (ROOT / "classroom").rglob("*.py")
            for name in _imports(path)}
    project = {"sim", "analysis", "reproduce", "explore", "classroom", "scenarios"}
    assert ours & project <= set(MAY_USE)
    used = {name for path in (ROOT / "classroom").rglob("*.py") for name in _imports(path)
            if name.startswith("sim.")}
    assert {"sim.runner", "sim.scenario"} <= used
    assert not [name for name in used if name.startswith("sim.cli") and name != "sim.cli_common"]
