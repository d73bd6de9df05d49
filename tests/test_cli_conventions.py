"""Conventions every command shares: --version, the progress bar, folders that already exist."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from sim import cli, cli_common
from sim.cli_reproduce import DEFAULT_OUT, report_folder
from sim.version import __version__


def _main(*args: str) -> int:
    with pytest.raises(SystemExit) as stop:
        cli.main(list(args))
    return stop.value.code


def test_version_prints_the_installed_version_and_exits_0(capsys):
    assert _main("--version") == 0
    assert capsys.readouterr().out.strip() == f"dyadsim {__version__}"


def test_progress_bar_labels_elapsed_and_remaining_time(monkeypatch):
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, color_system=None, width=120)
    monkeypatch.setattr(cli_common, "err", console)
    bar = cli_common._Bar()
    update = bar.__enter__()
    update(1, 4)
    bar._progress.refresh()
    bar.__exit__(None, None, None)
    text = screen.getvalue()
    assert "1/4" in text
    assert "elapsed 0:00:0" in text
    assert " left " in text


def test_reproduce_refuses_a_folder_that_holds_files_unless_forced(tmp_path, capsys):
    folder = tmp_path / "checks"
    folder.mkdir()
    (folder / "old-figure.png").write_bytes(b"stale")
    assert _main("reproduce", "markov-clv", "--out", str(folder)) == 2
    assert capsys.readouterr().err.strip() == (
        f"--out {folder}: the folder is not empty; give another --out or --force to replace it")
    assert (folder / "old-figure.png").exists()


def test_reproduce_force_leaves_no_figure_of_an_earlier_report(tmp_path):
    folder = tmp_path / "checks"
    (folder / "figures").mkdir(parents=True)
    (folder / "figures" / "old.png").write_bytes(b"stale")
    assert report_folder(folder, force=True) == folder
    assert list(folder.iterdir()) == []


def test_reproduce_without_out_moves_on_to_the_next_free_default_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert report_folder(None, force=False) == DEFAULT_OUT
    DEFAULT_OUT.mkdir(parents=True)
    assert report_folder(None, force=False) == DEFAULT_OUT  # empty: used
    (DEFAULT_OUT / "results.json").write_text("{}")
    assert report_folder(None, force=False) == DEFAULT_OUT.with_name("reproduce-2")


def test_run_header_names_horizon_market_size_and_replications():
    from sim.cli_run import run_header
    from sim.scenario import load_scenario

    manifest = {"scenario": load_scenario("baseline").model_dump(mode="json", by_alias=True),
                "done": 18, "replications": 20, "seed": 2024}
    assert run_header(manifest) == ("baseline: 18 of 20 replications, seed 2024; horizon "
                                    "10 years, 300 buyers, 12 suppliers")
    manifest["scenario"] = load_scenario("markov_retention").model_dump(mode="json")
    assert run_header(manifest).endswith("; horizon 10 years, 10000 customers")


def test_every_command_with_replications_takes_them_as_dash_n():
    import typer

    commands = typer.main.get_command(cli.app).commands
    counted = {name: command for name, command in commands.items()
               if any(param.name == "replications" for param in command.params)}
    assert {"run", "compare", "sweep", "sensitivity"} <= set(counted)
    for name, command in counted.items():
        option, = (param for param in command.params if param.name == "replications")
        assert "-n" in option.opts and "--replications" in option.opts, name
