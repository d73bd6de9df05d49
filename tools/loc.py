"""Count the lines of the library and of its tests, and their ratio.

A line counts when it holds something other than blank space or a comment
(docstrings count: they are part of the code a reader reads)::

    python tools/loc.py

prints the library's lines (the packages of :data:`LIBRARY`), the tests'
lines and how many test lines there are per library line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ("sim", "analysis", "reproduce", "explore", "classroom")
TESTS = ("tests",)


def counted(line: str) -> bool:
    """Whether a line of Python counts: not blank and not only a comment.

    >>> [counted(text) for text in ("x = 1", "   ", "# why", "  return x  # done")]
    [True, False, False, True]
    """
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def python_files(root: Path, folders: Iterable[str]) -> list[Path]:
    """The ``.py`` files under each of ``folders`` of ``root`` that exist, in order."""
    return sorted(path for folder in folders if (root / folder).is_dir()
                  for path in (root / folder).rglob("*.py"))


def count_lines(files: Iterable[Path]) -> int:
    """Lines that count (:func:`counted`) in all of ``files``."""
    return sum(counted(line) for path in files
               for line in path.read_text(encoding="utf-8").splitlines())


def report(root: Path = ROOT, library: Sequence[str] = LIBRARY,
           tests: Sequence[str] = TESTS) -> str:
    """Three lines: library lines, test lines and tests per library line."""
    code_files, test_files = python_files(root, library), python_files(root, tests)
    code, test = count_lines(code_files), count_lines(test_files)
    ratio = f"{test / code:.2f}" if code else "-"
    present = [name for name in library if (root / name).is_dir()]
    return (f"library: {code:,} lines in {len(code_files)} files ({', '.join(present)})\n"
            f"tests: {test:,} lines in {len(test_files)} files ({', '.join(tests)})\n"
            f"tests / library: {ratio}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository's folder")
    arguments = parser.parse_args(argv)
    sys.stdout.write(report(arguments.root) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
