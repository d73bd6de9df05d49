"""Every module stays under about 400 lines and every function under 60.

The lifecycle package has its own check (``tests/lifecycle/test_lifecycle_size.py``);
this one holds for the rest of the library.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ("sim", "analysis", "reproduce", "explore", "classroom")
LIFECYCLE = ROOT / "sim" / "models" / "lifecycle"
MODULES = sorted(path for package in LIBRARY for path in (ROOT / package).rglob("*.py")
                 if LIFECYCLE not in path.parents)
MAX_LINES, MAX_FUNCTION = 400, 60


def long_functions(text: str) -> list[str]:
    """``name: N lines`` for each function of ``text`` longer than :data:`MAX_FUNCTION`."""
    return [f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION]


def test_the_check_sees_the_library_and_catches_a_long_function():
    assert len(MODULES) > 60
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION))
    assert long_functions(f"def f():\n{body}\n") == [f"f: {MAX_FUNCTION + 1} lines"]
    assert long_functions("class A:\n    def g(self):\n        return 1\n") == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_is_under_400_lines_and_its_functions_under_60(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES
    assert long_functions(text) == []
