"""The code shown in the README runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import sim

ROOT = Path(__file__).resolve().parents[1]


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


def test_readme_python_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sim.run("markov_migration", replications=2, seed=3, workers=1, out="results/mm")
    [block] = python_blocks(ROOT / "README.md")
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    assert len(namespace["results"].pairs) == 20 * 5000
    assert namespace["again"].manifest["seed"] == 3


def test_readme_mentions_every_command():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    from sim.cli import app

    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"dyadsim {name}" in text, name
