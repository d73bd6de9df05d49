"""Reading YAML scenario files while remembering where every value came from.

Loading uses ``yaml.SafeLoader`` semantics only: plain mappings, lists and
scalars, never Python objects. Each value's position is kept in a
:class:`SourceMap` (path -> file and line), so a validation problem deep in a
list or nested mapping can be reported at the line of the offending node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

Path_ = tuple[str | int, ...]
_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, located in its source."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


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

    Raises :class:`ScenarioError` for a missing file, malformed YAML or a
    duplicated key.
    """
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(name, None, "", "no such file")]) from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as error:
        raise ScenarioError([Problem(name, None, "", f"cannot read file: {error}")]) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        source = SourceMap()
        if node is None:
            return {}, source
        data = _construct(loader, node, (), name, source)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        message = " ".join(str(error.problem or error.context or "malformed YAML").split())
        raise ScenarioError([Problem(name, line, "", f"malformed YAML: {message}")]) from None
    except yaml.YAMLError as error:
        raise ScenarioError([Problem(name, None, "", f"malformed YAML: {error}")]) from None
    finally:
        loader.dispose()
    return data, source


def _construct(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, name: str, source: SourceMap):
    source.locations[path] = (name, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _PLAIN_TAGS:
        raise yaml.constructor.ConstructorError(
            None, None, f"tag {node.tag!r} is not allowed", node.start_mark
        )
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                raise ScenarioError(
                    [Problem(name, key_node.start_mark.line + 1, format_path(path),
                             f"keys must be plain names, got {key!r}")]
                )
            key = str(key) if not isinstance(key, str) else key
            if key in result:
                raise ScenarioError(
                    [Problem(name, key_node.start_mark.line + 1, format_path((*path, key)),
                             "duplicate key")]
                )
            result[key] = _construct(loader, value_node, (*path, key), name, source)
            source.locations[(*path, key)] = (name, key_node.start_mark.line + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(loader, item, (*path, index), name, source)
            for index, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)
