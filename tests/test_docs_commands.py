"""Every ``dyadsim`` command the README and the docs show runs as written.

The tour runs the commands in the order a reader meets them, in one working
folder, so a command may use what an earlier one wrote (``results/baseline``).
The bundled scenarios are swapped for small copies of themselves (same names,
60 buyers, one year, two replications). The sensitivity studies keep their
command text but run a reduced design (two trajectories or base samples, one
replication a point) on copies with the bundled horizon, where the outcomes
the docs' ``discover`` conditions split on happen; ``discover`` runs last, on
the studies and sweeps the tour made. ``dyadsim app`` is started, asked for
its page on 127.0.0.1 and stopped. Even so the tour makes some forty bundles
with their reports and takes minutes, so it is in the slow run; the default
run checks that every command is accepted by the command line as written,
runs the quick ones (list, validate, schema) for real, and tells the stories
on the real bundled market, whose relationships the README names.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from docs_commands import DOCUMENTS, ROOT, Command, all_documented_commands

from sim import extends as extends_module
from sim import scenario as scenario_module

COMMANDS = all_documented_commands()
QUICK = [c for c in COMMANDS if c.args[0] in {"list", "validate", "schema"}]
STORIES = [c for c in COMMANDS if c.args[0] == "story"]
REPRODUCTIONS = [c for c in COMMANDS if c.args[0] == "reproduce"]
SERVERS = [c for c in COMMANDS if c.args[0] == "app"]  # serve until stopped
DISCOVERIES = [c for c in COMMANDS if c.args[0] == "discover"]  # on what the tour made
TOUR = [c for c in COMMANDS
        if c not in STORIES and c not in REPRODUCTIONS and c not in SERVERS
        and c not in DISCOVERIES] + DISCOVERIES
STUDY_DESIGN = {"samples": 2, "replications": 1}
"""The tour's sensitivity studies: two trajectories (or base samples), one replication a point."""
SMALL = {
    "lifecycle": {"replications": 2, "horizon": 52.0,
                  "lifecycle": {"market": {"buyers": {"count": 60}}}},
    "markov": {"replications": 2, "markov": {"customers": 1000}},
    "loyalty": {"replications": 2},
}


def _merge(base: dict, over: dict) -> dict:
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def small_copies(folder: Path, changes: dict = SMALL) -> Path:
    """Each bundled scenario, resolved, with its model's ``changes``, under its own name."""
    folder.mkdir()
    for path in sorted(scenario_module.bundled_dir().glob("*.yaml")):
        scenario = scenario_module.load_scenario(path)
        data = _merge(scenario.model_dump(mode="json", by_alias=True),
                      changes.get(scenario.model, {}))
        (folder / path.name).write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder


def discovered_sweeps() -> set[str]:
    """The sweep folders that a documented ``discover`` reads (``results/sweep-NAME``)."""
    return {c.args[1] for c in DISCOVERIES if Path(c.args[1]).name.startswith("sweep-")}


def run_command(command: Command, capsys) -> tuple[int, str, str]:
    """Run one documented command in this process: (exit code, stdout, stderr)."""
    from sim import cli

    with pytest.raises(SystemExit) as stop:
        cli.main(list(command.args))
    captured = capsys.readouterr()
    if command.stdout_to:
        Path(command.stdout_to).write_text(captured.out, encoding="utf-8")
    return stop.value.code, captured.out, captured.err


@pytest.fixture
def reader_folder(tmp_path, monkeypatch):
    """A fresh working folder holding the files the README asks the reader to write.

    It also has the docs' example files where the docs' commands find them
    (``docs/examples/...``), and ``space.yaml``, the README's own space file,
    is the example space the docs show in part.
    """
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "120")
    for name, text in documented_files().items():
        Path(name).write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    if not Path("space.yaml").exists():
        shutil.copy(ROOT / "docs" / "examples" / "baseline_space.yaml", "space.yaml")
    return tmp_path


def reduced_studies(monkeypatch, small: Path) -> None:
    """Sensitivity studies run :data:`STUDY_DESIGN` on the bundled markets with 60 buyers."""
    import explore.study

    studies = small_copies(small.parent / "study-scenarios",
                           {"lifecycle": {"lifecycle": {"market": {"buyers": {"count": 60}}}}})
    study = explore.study.sensitivity

    def reduced(source, space, method="morris", samples=None, **options):
        named = studies / f"{source}.yaml"
        return study(str(named) if named.exists() else source, space, method,
                     **{**options, **STUDY_DESIGN})

    monkeypatch.setattr(explore.study, "sensitivity", reduced)


def documented_files() -> dict[str, str]:
    """The scenario files the README and the docs show in full (a YAML block naming its file)."""
    files = {}
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        for block in re.findall(r"```yaml\n(.*?)```", text, flags=re.S):
            first = block.splitlines()[0]
            if first.startswith("# ") and first.endswith(".yaml"):
                files[first[2:].strip()] = block
    return files


def test_the_tour_shows_the_commands_it_is_checked_with():
    shown = {c.args[0] for c in COMMANDS}
    assert {"run", "list", "validate", "schema", "compare", "sweep", "report", "story",
            "reproduce"} <= shown
    assert len(TOUR) >= 15


def test_every_documented_command_is_accepted_by_the_command_line_as_written():
    from sim import cli

    group = cli.typer.main.get_command(cli.app)
    for command in COMMANDS:
        name, *rest = command.args
        assert name in group.commands, str(command)
        group.commands[name].make_context(name, list(rest))  # raises on an unknown option


def test_quick_documented_commands_run_as_written(reader_folder, capsys):
    assert {c.args[0] for c in QUICK} == {"list", "validate", "schema"}
    for command in QUICK:
        code, _, err = run_command(command, capsys)
        assert (code, err) == (0, ""), str(command)
    schema = json.loads(Path("dyadsim.schema.json").read_text(encoding="utf-8"))
    assert schema["title"] == "dyadsim scenario"


@pytest.mark.slow
def test_every_documented_command_runs_as_written_on_a_small_market(
        reader_folder, monkeypatch, capsys):
    small = small_copies(reader_folder / "small-scenarios")
    reduced_studies(monkeypatch, small)
    # A sweep that a documented discover reads runs on the bundled market (two
    # replications a point), where the outcome its condition splits on happens.
    full = small_copies(reader_folder / "sweep-scenarios",
                        {model: {"replications": 2} for model in SMALL})
    market = {"folder": small}
    monkeypatch.setattr(scenario_module, "bundled_dir", lambda: market["folder"])
    monkeypatch.setattr(extends_module, "bundled_dir", lambda: market["folder"])
    failures, read_later = [], discovered_sweeps()
    for command in TOUR:
        feeds = (command.args[0] == "sweep"
                 and f"results/sweep-{command.args[1]}" in read_later
                 and not Path(f"results/sweep-{command.args[1]}").exists())
        market["folder"] = full if feeds else small
        code, _, err = run_command(command, capsys)
        if code != 0:
            failures.append(f"{command}: exit {code}: {err.strip()[:300]}")
    assert not failures, "\n".join(failures)
    assert json.loads(Path("results/mm/manifest.json").read_text())["done"] == 50
    assert json.loads(Path("results/neglect/manifest.json").read_text())["done"] == 2
    assert {c.args[0] for c in TOUR} >= {"sensitivity", "discover"}


def test_documented_stories_tell_a_relationship_of_the_bundled_market(reader_folder, capsys):
    assert STORIES
    for command in STORIES:
        code, out, err = run_command(command, capsys)
        assert (code, err) == (0, ""), str(command)
        if "--pair" in command.args:
            buyer, supplier = command.args[command.args.index("--pair") + 1].split(":")
            assert out.splitlines()[0].startswith(f"baseline: {buyer} and {supplier} ")
            assert "development" in out, "the README's story should show a relationship grow"


@pytest.mark.slow
@pytest.mark.parametrize("command", REPRODUCTIONS, ids=str)
def test_documented_reproductions_run_as_written(command, reader_folder, capsys):
    code, out, err = run_command(command, capsys)
    assert code in (0, 1), f"{command}: {err}"
    assert "pass" in out


@pytest.mark.slow
@pytest.mark.parametrize("command", SERVERS, ids=str)
def test_documented_app_commands_serve_the_classroom_on_this_machine(command, reader_folder):
    pytest.importorskip("shiny")
    process = subprocess.Popen([sys.executable, "-m", "sim.cli", *command.args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()  # printed once the port is bound
        address = re.search(r"http://127\.0\.0\.1:\d+/?", first)
        assert address, f"{command}: {first!r} {process.stderr.read() if process.poll() else ''}"
        page = _fetch(address[0], seconds=120)
        assert "<html" in page.lower(), page[:300]
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert "Traceback" not in err, err
    assert process.returncode in (0, 130), err  # Ctrl-C stops it as the page says


def _fetch(address: str, seconds: float) -> str:
    from urllib.request import urlopen

    deadline = time.monotonic() + seconds
    while True:
        try:
            with urlopen(address, timeout=30) as answer:
                return answer.read().decode("utf-8", "replace")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
