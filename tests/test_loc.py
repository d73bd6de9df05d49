"""tools/loc.py counts the lines that hold code, in the library and in the tests."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location("loc", ROOT / "tools" / "loc.py")
loc = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(loc)


def _tree(root: Path) -> Path:
    (root / "pkg" / "sub").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pkg" / "a.py").write_text('"""Doc."""\n\n# a comment\nx = 1  # kept\n\n\n',
                                       encoding="utf-8")
    (root / "pkg" / "sub" / "b.py").write_text("def f():\n    return 2\n", encoding="utf-8")
    (root / "pkg" / "notes.txt").write_text("not python\nat all\n", encoding="utf-8")
    (root / "tests" / "test_a.py").write_text("    # only a comment\n\nassert True\n",
                                              encoding="utf-8")
    return root


def test_blank_and_comment_lines_do_not_count_but_docstrings_do(tmp_path):
    root = _tree(tmp_path)
    assert loc.count_lines([root / "pkg" / "a.py"]) == 2  # the docstring and x = 1
    assert loc.count_lines(loc.python_files(root, ["pkg"])) == 4
    assert loc.count_lines(loc.python_files(root, ["tests", "missing"])) == 1


def test_the_report_gives_both_counts_and_their_ratio(tmp_path):
    text = loc.report(_tree(tmp_path), library=["pkg"], tests=["tests"])
    assert text.splitlines() == ["library: 4 lines in 2 files (pkg)",
                                 "tests: 1 lines in 1 files (tests)",
                                 "tests / library: 0.25"]


def test_the_script_runs_on_the_repository():
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "loc.py")], capture_output=True,
                          text=True, check=True, timeout=60)
    library, tests, ratio = done.stdout.splitlines()
    code = int(library.split()[1].replace(",", ""))
    test = int(tests.split()[1].replace(",", ""))
    assert code > 1000 and test > 1000
    assert float(ratio.split()[-1]) == round(test / code, 2)


def test_the_library_has_at_least_as_many_test_lines_as_code_lines():
    code = loc.count_lines(loc.python_files(ROOT, loc.LIBRARY))
    test = loc.count_lines(loc.python_files(ROOT, loc.TESTS))
    assert test >= code, f"tests {test:,} lines, library {code:,}: write the tests with the code"
