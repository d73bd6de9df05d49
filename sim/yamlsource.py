"""Reading YAML scenario files while remembering where every value came from.

Loading uses ``yaml.SafeLoader`` semantics only: plain mappings, lists and
scalars, never Python objects; plain values are read by the YAML 1.2 core
schema, as on the command line (:mod:`sim.values`: ``010`` is ten, ``4:16``
and ``yes`` are text). Each value's position is kept in a
:class:`SourceMap` (path -> file and line), so a validation problem deep in a
list or nested mapping can be reported at the line of the offending node.

A scenario file cannot exhaust the machine: only regular files are read, at
most :data:`MAX_FILE_BYTES` of them, nested at most :data:`MAX_DEPTH` levels,
with aliases expanding to at most :data:`MAX_ALIAS_VALUES` values and an alias
never inside its own anchor. Each of these is a one-line problem.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sim.values import use_core_schema

Path_ = tuple[str | int, ...]
_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

MAX_FILE_BYTES = 1_000_000
"""Largest scenario file read (bytes); a market of thousands of listed agents fits."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists in a scenario file."""

MAX_ALIAS_VALUES = 100_000
"""Most values that YAML aliases (``*name``) may expand to in one file."""

ECHO_LIMIT = 60
"""Longest text of a value or key repeated in a message (characters)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, located in its source."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return one_line(text)


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped, so it stays one line."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def echo(value: object) -> str:
    """``repr(value)``, shortened to :data:`ECHO_LIMIT` characters (for messages)."""
    text = repr(value)
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 3] + "..."


class ScenarioError(Exception):
    """A scenario could not be read or is invalid; ``problems`` lists every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class SourceMap:
    """Where each value of a loaded document came from: path -> (file, line)."""

    locations: dict[Path_, tuple[str, int]] = field(default_factory=dict)

    def locate(self, path: Path_) -> tuple[str, int | None]:
        """The file and line of ``path``, or of its nearest located ancestor."""
        for end in range(len(path), -1, -1):
            found = self.locations.get(tuple(path[:end]))
            if found:
                return found
        return ("<scenario>", None)

    def graft(self, prefix: Path_, other: SourceMap) -> None:
        """Copy ``other``'s locations below ``prefix``, replacing what was there."""
        below = [k for k in self.locations if len(k) > len(prefix) and k[: len(prefix)] == prefix]
        for key in below:
            del self.locations[key]
        for key, where in other.locations.items():
            self.locations[prefix + key] = where


def format_path(path: Path_) -> str:
    """``('markov', 'transition', 0, 1)`` -> ``'markov.transition[0][1]'``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def load_yaml(path: Path) -> tuple[object, SourceMap]:
    """Parse ``path`` safely and return the document with its source map.

    Raises :class:`ScenarioError` for a missing, unreadable, empty or too
    large file, malformed YAML, a duplicated key, nesting too deep or aliases
    expanding too far.
    """
    name = str(path)
    text = read_text(path)
    loader = None
    try:
        loader = _compose_with(text)
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError([Problem(name, 1, "", "empty file; a scenario needs at least "
                                                      "'name' and 'model' (or 'extends')")])
        source = SourceMap()
        data = _Builder(loader, name, source).build(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = " ".join(str(error.problem or error.context or "malformed YAML").split())
        raise ScenarioError([Problem(name, line, "", f"malformed YAML: {message}")]) from None
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        character = error.character
        if isinstance(character, int):
            character = chr(character)
        raise ScenarioError([Problem(name, line, "", f"malformed YAML: character "
                                     f"{character!r} is not allowed")]) from None
    except yaml.YAMLError as error:
        message = " ".join(str(error).split())
        raise ScenarioError([Problem(name, None, "", f"malformed YAML: {message}")]) from None
    except RecursionError:  # a merge key ('<<') that includes itself
        raise ScenarioError([Problem(name, None, "", "malformed YAML: a value refers to "
                                                     "itself or is nested too deeply")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, source


def read_text(path: Path) -> str:
    """The text of a regular file of at most :data:`MAX_FILE_BYTES` (UTF-8)."""
    name = str(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise ScenarioError([Problem(name, None, "", f"cannot read: {kind}")])
        with open(path, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise ScenarioError([Problem(name, None, "", "cannot read: not a regular file")])
            raw = handle.read(MAX_FILE_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        raise ScenarioError([Problem(name, None, "", "no such file")]) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ScenarioError([Problem(name, None, "", f"cannot read file: {reason}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError([Problem(name, None, "", f"file larger than {MAX_FILE_BYTES:,} "
                                                     "bytes; is it really a scenario?")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ScenarioError([Problem(name, line, "", "cannot read file: not UTF-8 text")]) from None


def _core(loader: type) -> type:
    """``loader`` reading plain values as the command line does (:mod:`sim.values`), and ``<<``."""
    use_core_schema(loader)
    loader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
    return loader


@functools.cache
def _fast_loader(libyaml: type) -> type:
    return _core(type("_FastLoader", (libyaml,), {}))


def _compose_with(text: str) -> yaml.SafeLoader:
    """A safe loader for ``text``: libyaml's when installed (fast), else the Python one.

    libyaml composes in C, so nesting is measured first on its event stream.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is None:
        return _Loader(text)
    depth = 0
    for event in yaml.parse(text, Loader=fast):
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
    return _fast_loader(fast)(text)


class _Loader(yaml.SafeLoader):
    """A safe loader that refuses nesting deeper than :data:`MAX_DEPTH` while composing."""

    _depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_core(_Loader)


class _Builder:
    """Turns a composed YAML node into plain data, recording every value's line."""

    def __init__(self, loader: yaml.SafeLoader, name: str, source: SourceMap):
        self.loader, self.name, self.source = loader, name, source
        self.seen: set[int] = set()
        self.open: set[int] = set()
        self.expanded = 0

    def build(self, node: yaml.Node):
        return self._construct(node, (), via_alias=False)

    def _construct(self, node: yaml.Node, path: Path_, via_alias: bool):
        # A node met twice is an alias; one met inside itself would expand forever.
        if id(node) in self.open:
            raise self._error(node, path, "an alias refers to a value that contains it")
        via_alias = via_alias or id(node) in self.seen
        self.seen.add(id(node))
        if via_alias:
            self.expanded += 1
            if self.expanded > MAX_ALIAS_VALUES:
                raise self._error(node, path, f"aliases expand to more than "
                                              f"{MAX_ALIAS_VALUES:,} values")
        self.open.add(id(node))
        try:
            return _construct(self, node, path, via_alias)
        finally:
            self.open.discard(id(node))

    def _error(self, node: yaml.Node, path: Path_, message: str) -> ScenarioError:
        return ScenarioError([Problem(self.name, node.start_mark.line + 1, format_path(path),
                                      message)])


def _construct(builder: _Builder, node: yaml.Node, path: Path_, via_alias: bool):
    loader, name, source = builder.loader, builder.name, builder.source
    source.locations[path] = (name, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
        raise yaml.constructor.ConstructorError(
            None, None, f"tag {node.tag!r} is not allowed", node.start_mark
        )
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise builder._error(key_node, path, "keys must be plain names")
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                raise ScenarioError(
                    [Problem(name, key_node.start_mark.line + 1, format_path(path),
                             f"keys must be plain names, got {echo(key)}")]
                )
            key = str(key) if not isinstance(key, str) else key
            if key in result:
                raise ScenarioError(
                    [Problem(name, key_node.start_mark.line + 1, format_path((*path, key)),
                             "duplicate key")]
                )
            result[key] = builder._construct(value_node, (*path, key), via_alias)
            source.locations[(*path, key)] = (name, key_node.start_mark.line + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            builder._construct(item, (*path, index), via_alias)
            for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)
