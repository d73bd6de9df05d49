"""The Python API's names and the command line's tree of modules."""

from __future__ import annotations

import importlib

import pytest
import typer

import sim
from sim import cli
from sim.cli_common import register_commands


def test_the_api_names_are_the_functions_of_their_modules():
    from sim.results import load_results
    from sim.runner import run
    from sim.scenario import load_scenario

    assert sim.run is run and sim.load_scenario is load_scenario
    assert sim.load_results is load_results
    assert {"run", "resume", "load_scenario", "Results", "__version__"} <= set(dir(sim))


def test_an_unknown_api_name_is_an_attribute_error_that_names_it():
    with pytest.raises(AttributeError, match="no attribute 'simulate_everything'"):
        sim.simulate_everything  # noqa: B018


def test_every_command_module_registers_its_commands_on_the_app():
    registered = {command.name for command in cli.app.registered_commands}
    for name in cli.COMMAND_MODULES:
        module = importlib.import_module(name)
        commands = getattr(module, "COMMANDS", {})
        assert set(commands) <= registered, name
    assert {"run", "validate", "report", "compare", "sweep", "reproduce"} <= registered


def test_registering_a_module_twice_adds_its_commands_once():
    app = typer.Typer()

    def hello() -> None:
        """Say hello."""

    register_commands(app, {"hello": hello})
    register_commands(app, {"hello": hello})
    assert [command.name for command in app.registered_commands] == ["hello"]


def test_help_lists_the_commands_of_every_module(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    for command in ("run", "compare", "reproduce", "story"):
        assert command in text
