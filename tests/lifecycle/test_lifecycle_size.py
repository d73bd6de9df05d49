"""The lifecycle package stays small enough to hold in the head."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sim.models.lifecycle as lifecycle

PACKAGE = Path(lifecycle.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_lifecycle_module_is_under_400_lines_and_its_functions_under_60(path):
    text = path.read_text()
    assert len(text.splitlines()) <= 400
    long = [
        f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > 60
    ]
    assert long == []
