"""The ``dyadsim`` commands shown in the README and the docs, read from their code blocks."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^\s*```(\w*)")
_SHELL = {"", "sh", "bash", "console", "shell"}


@dataclass(frozen=True)
class Command:
    """One documented command: where it is shown, its arguments and where stdout goes."""

    document: str
    line: int
    text: str
    args: tuple[str, ...]
    stdout_to: str | None = None

    def __str__(self) -> str:
        return f"{self.document}:{self.line}: {self.text}"


def documented_commands(path: Path) -> list[Command]:
    """Every ``dyadsim ...`` line of the shell code blocks of ``path`` (fenced or indented)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    commands, fence, index = [], None, 0
    while index < len(lines):
        line = lines[index]
        opened = _FENCE.match(line)
        if opened:
            fence = None if fence is not None else opened[1]
        in_block = (fence is not None and fence in _SHELL) or (
            fence is None and line.startswith("    ") and previous_blank_or_code(lines, index))
        start = index
        if in_block and line.strip().startswith("dyadsim "):
            text = line.strip()
            while text.endswith("\\") and index + 1 < len(lines):
                index += 1
                text = text[:-1].rstrip() + " " + lines[index].strip()
            commands.append(_command(path, start + 1, text))
        index += 1
    return commands


def previous_blank_or_code(lines: list[str], index: int) -> bool:
    """An indented line is code when the block it belongs to starts after a blank line."""
    while index > 0 and lines[index - 1].startswith("    "):
        index -= 1
    return index == 0 or not lines[index - 1].strip()


def _command(path: Path, line: int, text: str) -> Command:
    words = shlex.split(text, comments=True)
    stdout_to = None
    if ">" in words:
        at = words.index(">")
        stdout_to, words = words[at + 1], words[:at]
    return Command(path.relative_to(ROOT).as_posix(), line, text.split(" #")[0].strip(),
                   tuple(words[1:]), stdout_to)


def all_documented_commands() -> list[Command]:
    """The commands of the README, then of each page of ``docs/``, in reading order."""
    return [command for document in DOCUMENTS for command in documented_commands(document)]
