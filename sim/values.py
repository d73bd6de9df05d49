"""Values typed on the command line, read by the YAML 1.2 core schema.

``--set path=value`` and ``--vary path=v1,v2`` take their values in YAML
syntax so that lists and mappings can be written (``[1, 2]``,
``{dist: beta, a: 2, b: 5}``). PyYAML's own resolver follows YAML 1.1, which
turns ``4:16`` into the base-60 number 256, ``010`` into the octal 8 and
``yes``/``no``/``on``/``off`` into booleans: silent wrong values. Here only the
YAML 1.2 core schema applies:

- null: ``null``, ``Null``, ``NULL``, ``~`` or nothing;
- booleans: ``true``/``false`` (also ``True``, ``TRUE``, ...); ``yes`` stays text;
- integers: decimal ``[-+]?[0-9]+`` (``010`` is ten), ``0o17`` octal, ``0x1F`` hex;
- floats: ``1.5``, ``.5``, ``1e3``, ``.inf``, ``-.inf``, ``.nan``;
- everything else, ``4:16`` and ``1_000`` included, is a string (and the
  scenario schema then says whether a string is allowed there).
"""

from __future__ import annotations

import math
import re
from typing import ClassVar

import yaml

__all__ = ["CoreSchemaLoader", "read_key", "read_value", "use_core_schema"]

_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")


class CoreSchemaLoader(yaml.SafeLoader):
    """A safe loader that resolves plain scalars by the YAML 1.2 core schema only."""

    # An own table (see use_core_schema), so PyYAML's YAML 1.1 resolvers never apply.
    yaml_implicit_resolvers: ClassVar[dict] = {}

    def construct_mapping(self, node, deep=False):
        """A mapping whose keys are all different (a scenario file refuses a repeated key too)."""
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, str | int | float | bool) and key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r}", key_node.start_mark)
                if isinstance(key, str | int | float | bool):
                    seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    if not re.fullmatch(r"[-+]?[0-9]+", text):
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not an integer", node.start_mark)
    return int(text, 10)


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    text = loader.construct_scalar(node)
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered == ".nan":
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a number", node.start_mark) from None


def _construct_bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    text = loader.construct_scalar(node)
    if not _BOOL.match(text):
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not true or false", node.start_mark)
    return text.lower() == "true"


def use_core_schema(loader: type) -> type:
    """Make ``loader`` (a safe loader class) read plain scalars by the YAML 1.2 core schema only.

    Its own table of implicit resolvers replaces PyYAML's YAML 1.1 one; the
    scenario files (:mod:`sim.yamlsource`) and command-line values share it.
    """
    loader.yaml_implicit_resolvers = {}
    for tag, pattern, starts in (
        ("tag:yaml.org,2002:bool", _BOOL, "tTfF"),
        ("tag:yaml.org,2002:int", _INT, "-+0123456789"),
        ("tag:yaml.org,2002:float", _FLOAT, "-+.0123456789"),
        ("tag:yaml.org,2002:null", _NULL, [*"~nN", ""]),  # "" files the empty scalar
    ):
        loader.add_implicit_resolver(tag, pattern, list(starts))
    loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
    loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
    return loader


use_core_schema(CoreSchemaLoader)


def read_value(text: str) -> object:
    """The value that ``text`` (one command-line value) stands for, by YAML 1.2 core rules.

    Raises ``ValueError`` with a one-line reason when the text is not YAML
    (an unclosed bracket, a tab in the wrong place, a tag that is not allowed).
    """
    try:
        return yaml.load(text, Loader=CoreSchemaLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        reason = " ".join(str(error.problem or error.context or "malformed YAML").split())
        raise ValueError(reason) from None
    except yaml.YAMLError as error:
        raise ValueError(" ".join(str(error).split())) from None


_KEY_PART = re.compile(r"([^\s.\[\]]+)((?:\[[^\[\]]*\])*)")


def read_key(text: str) -> tuple[str | int, ...]:
    """The path a ``--set`` key names: ``markov.reward[0]`` is ``('markov', 'reward', 0)``.

    Parts are joined by single dots, each a field name followed by any list
    indices (``[0]``, ``[-1]``). Raises ``ValueError`` with a one-line reason for
    an empty part (``markov..reward``, a leading or trailing dot), a space in
    the key, a bracket out of place or an index that is not a whole number.
    """
    if not text:
        raise ValueError("empty path")
    parts: list[str | int] = []
    for chunk in text.split("."):
        match = _KEY_PART.fullmatch(chunk)
        if match is None:
            raise ValueError(f"the key {text!r} {_key_problem(text, chunk)}")
        parts.append(match[1])
        for index in re.findall(r"\[([^\]]*)\]", match[2]):
            if not re.fullmatch(r"[-+]?[0-9]+", index):
                raise ValueError(f"bad index [{index}] in the key {text!r}")
            parts.append(int(index))
    return tuple(parts)


def _key_problem(text: str, chunk: str) -> str:
    if not chunk:
        if text.startswith("."):
            return "starts with a dot"
        return "ends with a dot" if text.endswith(".") else "has an empty part between two dots"
    if any(character.isspace() for character in chunk):
        return "has a space in it"
    where = f" in {chunk!r}" if chunk != text else ""
    return f"has a bracket out of place{where} (a list item is written name[0])"
