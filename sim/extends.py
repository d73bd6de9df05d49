"""``extends:``: a scenario file built on another one.

Where ``extends`` may point:

- a path relative to the extending file (``extends: common.yaml``,
  ``extends: ../base.yaml``) that stays inside the current folder or the
  folder of the scenario the user named;
- the name of a bundled scenario, with or without ``.yaml``
  (``extends: baseline``), from any file: a relative file of that name comes
  first;
- anywhere else (an absolute path, or ``../`` out of the root) only when the
  caller allows it: ``extends_anywhere=True`` or the environment variable
  ``DYADSIM_EXTENDS_ANYWHERE=1``. A scenario file alone can never make
  dyadsim read a file outside its folder, so a foreign file's keys never end up
  in messages, manifests or reports.

Only regular files are read (see :mod:`sim.yamlsource`), chains are at most
:data:`MAX_EXTENDS` files long and a cycle is an error at the line of the
``extends`` that closes it.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from sim.yamlsource import Problem, ScenarioError, SourceMap, echo, load_yaml

__all__ = ["ANYWHERE_VARIABLE", "MAX_EXTENDS", "bundled_dir", "load_with_extends"]

MAX_EXTENDS = 32
"""Longest chain of ``extends`` (files, the first included)."""

ANYWHERE_VARIABLE = "DYADSIM_EXTENDS_ANYWHERE"


def bundled_dir() -> Path:
    """The folder of the scenarios shipped with dyadsim."""
    return Path(str(resources.files("scenarios")))


def load_with_extends(path: Path, anywhere: bool | None = None) -> tuple[object, SourceMap]:
    """Load ``path`` and, through ``extends``, every file it builds on, merged.

    ``anywhere`` (default: the environment variable) allows absolute paths and
    paths out of the folder of ``path``.
    """
    if anywhere is None:
        anywhere = os.environ.get(ANYWHERE_VARIABLE, "") not in ("", "0")
    roots = (path.resolve().parent, Path.cwd().resolve(), bundled_dir().resolve())
    return _load(path, (path.resolve(),), roots, anywhere)


def _load(path: Path, chain: tuple[Path, ...], roots, anywhere: bool):
    data, source = load_yaml(path)
    if not isinstance(data, dict) or "extends" not in data:
        return data, source
    line = source.locate(("extends",))[1]
    parent = _parent(path, data.pop("extends"), line, roots, anywhere)

    def problem(message: str) -> ScenarioError:
        return ScenarioError([Problem(str(path), line, "extends", message)])

    resolved = parent.resolve()
    if resolved in chain:
        cycle = " -> ".join(p.name for p in (*chain, resolved))
        raise problem(f"cycle: {cycle}")
    if len(chain) >= MAX_EXTENDS:
        raise problem(f"a chain of more than {MAX_EXTENDS} files; extend fewer times")
    base, base_source = _load(parent, (*chain, resolved), roots, anywhere)
    if not isinstance(base, dict):
        raise ScenarioError([Problem(str(parent), 1, "", "a scenario must be a mapping of keys")])
    merge(base, base_source, data, source, ())
    return base, base_source


def _parent(path: Path, name: object, line: int | None, roots, anywhere: bool) -> Path:
    """The file that ``extends: name`` in ``path`` points to (see the module docstring)."""

    def problem(message: str) -> ScenarioError:
        return ScenarioError([Problem(str(path), line, "extends", message)])

    if not isinstance(name, str) or not name.strip() or "://" in name or "\0" in name:
        raise problem("must be a bundled scenario name or the path of a local YAML file")
    relative = path.parent / name
    allowed = anywhere or any(relative.resolve().is_relative_to(root) for root in roots)
    bundled = _bundled(name)
    # a folder of that name (results kept beside the file, say) is no scenario to build on
    if relative.exists() and allowed and not (relative.is_dir() and bundled is not None):
        return relative
    if bundled is not None:
        return bundled
    if relative.exists() or Path(name).is_absolute():
        raise problem(f"{echo(name)} is outside the current folder and the scenario's; use a "
                      f"path inside them or a bundled name, or allow it with {ANYWHERE_VARIABLE}=1")
    raise problem(f"no such file or bundled scenario: {echo(name)} (looked for {relative}; "
                  "bundled names are listed by 'dyadsim list')")


def _bundled(name: str) -> Path | None:
    candidate = Path(name)
    if len(candidate.parts) != 1 or candidate.suffix not in ("", ".yaml", ".yml"):
        return None
    bundled = bundled_dir() / f"{candidate.stem}.yaml"
    return bundled if bundled.is_file() else None


def merge(base: dict, base_source: SourceMap, over: dict, over_source: SourceMap, prefix):
    """Deep-merge ``over`` into ``base`` (mappings merge, everything else replaces)."""
    for key, value in over.items():
        path = (*prefix, key)
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base_source.locations[path] = over_source.locations[path]
            merge(base[key], base_source, value, over_source, path)
        else:
            base[key] = value
            sub = SourceMap({k[len(path):]: v for k, v in over_source.locations.items()
                             if k[: len(path)] == path})
            base_source.graft(path, sub)
