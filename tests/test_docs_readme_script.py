"""The README's Python example, saved as a script, runs in a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys

from test_docs import ROOT, python_blocks


def test_readme_python_example_runs_unchanged_as_a_script(tmp_path):
    [block] = python_blocks(ROOT / "README.md")
    (tmp_path / "script.py").write_text(block, encoding="utf-8")
    done = subprocess.run([sys.executable, "script.py"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "BrokenProcessPool" not in done.stderr
    manifest = json.loads((tmp_path / "results/mm-python/manifest.json").read_text())
    assert (manifest["done"], manifest["seed"], manifest["status"]) == (20, 1, "complete")
    summary = json.loads((tmp_path / "results/mm-python/summary.json").read_text())
    assert f"{summary['analytic_value']}" in done.stdout


def test_readme_shows_the_main_guard_its_workers_need():
    [block] = python_blocks(ROOT / "README.md")
    assert 'if __name__ == "__main__":' in block
    assert "workers=2" in block  # the guard matters only with worker processes
