"""The packages import one way, as docs/architecture.md draws them.

Two checks keep the picture honest: every import written in the code
(function-level ones and modules named in strings for ``importlib`` too)
goes from a layer to one it may use, with no cycle between modules; and
importing a package in a fresh interpreter loads only what its layer needs.
"""

from __future__ import annotations

import ast
import fnmatch
import functools
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sim", "analysis", "reproduce", "explore", "classroom")

LAYERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # layer: (its modules, the layers it imports directly; theirs it may use too)
    "base": (("sim.version", "sim.lazy", "sim.units", "sim.values", "sim.scenario_schema",
             "sim.yamlsource", "sim.extends"), ()),
    "engine": (("sim.engine",), ("base",)),
    "models": (("sim.models", "sim.models.*"), ("engine",)),
    "scenario": (("sim.scenario", "sim.scenario_schema", "sim.scenario_focal"), ("models",)),
    "results": (("sim.results", "sim.shards"), ("base",)),
    "runner": (("sim", "sim.runner", "sim.executors", "sim.pool"), ("scenario", "results")),
    "analysis": (("analysis", "analysis.*"), ("results",)),
    "reproduce": (("reproduce", "reproduce.*"), ("runner", "analysis")),
    "explore": (("explore", "explore.*"), ("runner", "analysis")),
    "classroom": (("classroom", "classroom.*"), ("runner", "analysis")),
    "cli": (("sim.cli", "sim.cli_*", "explore.cli", "classroom.cli"),
            ("reproduce", "explore", "classroom")),
}
"""From the bottom up: ``cli -> runner -> scenario -> models -> engine``,
``analysis -> results``, and ``reproduce``, ``explore`` and ``classroom`` each
``-> runner, analysis``; the command line on top of all."""


# ---------------------------------------------------------------- the graph


def all_modules() -> dict[str, Path]:
    """Every module of the packages, by dotted name."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def layer_of(module: str) -> str:
    """The layer of ``module``: its most specific pattern wins (``sim.cli`` over ``sim``)."""
    matches = [(len(pattern), layer) for layer, (patterns, _) in LAYERS.items()
               for pattern in patterns if fnmatch.fnmatchcase(module, pattern)]
    if not matches:
        raise AssertionError(f"{module} is in no layer; add it to LAYERS and the docs")
    return max(matches)[1]


def reachable(layer: str) -> set[str]:
    """The layers ``layer`` may import: itself and everything below its arrows."""
    seen, todo = set(), [layer]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(LAYERS[current][1])
    return seen


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _nodes(tree: ast.AST):
    """Every node, except what only a type checker imports."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        todo.extend(child for child in ast.iter_child_nodes(node)
                    if not _type_checking_only(child))


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of the packages that ``name`` imports, anywhere in its code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def resolve(target: str) -> str | None:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        return target or None

    for node in _nodes(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names]
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and node.value in modules):  # a module named for importlib
            targets = [node.value]
        for target in targets:
            resolved = resolve(target)
            if resolved is not None and resolved != name:
                found.add(resolved)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for following in sorted(graph.get(node, ())):
            if following not in index:
                visit(following)
                low[node] = min(low[node], low[following])
            elif following in stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


# ---------------------------------------------------------------- the checks


def test_every_import_points_down_the_layers():
    upward = [f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
              for module, targets in sorted(import_graph().items()) for target in sorted(targets)
              if layer_of(target) not in reachable(layer_of(module))]
    assert upward == []


def test_no_two_modules_import_each_other_even_through_others():
    assert cycles(import_graph()) == []


def test_the_graph_sees_function_level_and_importlib_imports():
    graph = import_graph()
    assert "sim.runner" in graph["sim.cli_run"]  # imported inside the run command
    assert "sim.cli_reproduce" in graph["sim.cli"]  # named in COMMAND_MODULES
    assert "sim.models.lifecycle.market" in graph["sim.models.lifecycle"]


def test_a_cycle_is_found_however_long():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_analysis_may_not_import_the_runner_nor_the_runner_the_analysis():
    assert "runner" not in reachable("analysis")
    assert "analysis" not in reachable("runner")
    assert "reproduce" not in reachable("analysis") | reachable("runner")
    assert layer_of("sim.cli_common") == "cli" and layer_of("sim") == "runner"


def test_every_model_names_a_light_config_module_the_schema_uses():
    from sim.models import CONFIG_MODULES, MODEL_MODULES
    from sim.scenario import Scenario

    assert set(CONFIG_MODULES) == set(MODEL_MODULES)
    assert set(Scenario.model_fields["model"].annotation.__args__) == set(MODEL_MODULES)
    graph = import_graph()
    assert set(CONFIG_MODULES.values()) <= graph["sim.scenario"]


# ---------------------------------------------------------------- fresh interpreters


STATEMENTS = ("import sim.scenario", "import analysis", "import sim", "import sim.results",
              "import sim; sim.run", "import sim; sim.__version__", "import sim.runner",
              "import sim.cli", "import reproduce")
"""What the checks below import, each in a fresh interpreter of its own."""


@functools.cache
def _fresh_imports() -> dict[str, set[str]]:
    """Run every statement of :data:`STATEMENTS` at once, each in its own interpreter."""
    processes = {}
    for statement in STATEMENTS:
        program = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
        processes[statement] = subprocess.Popen(
            [sys.executable, "-c", program], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, cwd=ROOT)
    loaded = {}
    for statement, process in processes.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        loaded[statement] = set(json.loads(out))
    return loaded


def loaded_after(statement: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``statement``."""
    return _fresh_imports()[statement]


def _under(modules: set[str], *prefixes: str) -> set[str]:
    return {m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes)}


LIGHT_MODELS = {"sim.models", "sim.models.markov_config", "sim.models.loyalty_config",
                "sim.models.lifecycle", "sim.models.lifecycle.vocabulary"}


def test_importing_the_scenario_schema_loads_no_simulation():
    loaded = loaded_after("import sim.scenario")
    assert _under(loaded, "simpy", "analysis", "reproduce", "sim.runner", "sim.engine") == set()
    models = _under(loaded, "sim.models") - _under(loaded, "sim.models.lifecycle.config")
    assert models <= LIGHT_MODELS


def test_importing_the_analysis_loads_no_model_and_no_runner():
    loaded = loaded_after("import analysis")
    assert _under(loaded, "simpy", "sim.models", "sim.runner", "sim.scenario", "sim.engine",
                  "reproduce", "sim.cli") == set()
    assert "sim.results" in loaded


def test_importing_the_api_or_the_bundle_loads_nothing_else():
    # not even the version: reading the installed metadata waits until it is asked for
    assert _under(loaded_after("import sim"), "sim") == {"sim", "sim.lazy"}
    assert "sim.version" in loaded_after("import sim; sim.__version__")
    assert _under(loaded_after("import sim.results"), "sim") == {
        "sim", "sim.lazy", "sim.results", "sim.shards"}
    assert "sim.runner" in loaded_after("import sim; sim.run")


def test_importing_the_runner_loads_no_model_until_a_replication_runs():
    loaded = loaded_after("import sim.runner")
    assert _under(loaded, "simpy", "analysis", "reproduce", "sim.cli") == set()
    assert _under(loaded, "sim.models") <= LIGHT_MODELS | _under(
        loaded, "sim.models.lifecycle.config")


def test_the_command_line_starts_without_analysis_plots_or_simulation():
    loaded = loaded_after("import sim.cli")
    assert _under(loaded, "simpy", "matplotlib", "analysis", "reproduce", "sim.runner") == set()
    assert {"sim.cli_run", "sim.cli_analysis", "sim.cli_reproduce"} <= loaded


def test_the_reproductions_load_no_command_line():
    loaded = loaded_after("import reproduce")
    assert _under(loaded, "sim.cli", "simpy") == set()
