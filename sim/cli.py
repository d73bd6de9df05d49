"""The ``dyadsim`` command.

Exit codes: 0 ok, 1 a replication failed or an internal error, 2 bad input
(scenario, arguments), 130 interrupted. Bad input is reported in one line per
problem, never with a traceback.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sim.results import BundleError, fresh_folder
from sim.scenario import ScenarioError

try:  # Typer vendors its own copy of click in recent releases
    from typer._click import echo
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older Typer with click installed separately
    from click import echo
    from click import exceptions as click_errors

DEFAULT_SCENARIO = "baseline"

app = typer.Typer(
    name="dyadsim",
    help="Simulate business-to-business relationships through their lifecycle.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Executor(StrEnum):
    local = "local"
    dask = "dask"


class BadInput(Exception):
    """Input the user can fix; reported in one line per problem, exit code 2."""

    def __init__(self, *lines: str):
        self.lines = lines
        super().__init__("\n".join(lines))


@app.command()
def run(
    scenario: Annotated[str | None, typer.Argument(
        help=f"scenario file or bundled name (default: {DEFAULT_SCENARIO})")] = None,
    replications: Annotated[int | None, typer.Option(
        "-n", "--replications", min=1, help="number of replications (default: the scenario's)")
    ] = None,
    seed: Annotated[int | None, typer.Option(
        min=0, help="master seed (default: the scenario's)")] = None,
    workers: Annotated[int | None, typer.Option(
        "-w", "--workers", min=1, help="parallel workers (default: number of cores)")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "-o", "--out", help="results folder (default: results/<scenario name>)")] = None,
    overrides: Annotated[list[str] | None, typer.Option(
        "--set", help="override a scenario value: path.to.field=value (repeatable)")] = None,
    executor: Annotated[Executor, typer.Option(
        help="where replications run: local processes or a Dask cluster")] = Executor.local,
    scheduler: Annotated[str | None, typer.Option(
        help="address of a Dask scheduler (with --executor dask; default: a local cluster)")
    ] = None,
    resume_dir: Annotated[Path | None, typer.Option(
        "--resume", help="complete an interrupted or failed run in this results folder")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="replace an existing results folder")] = False,
    events: Annotated[bool, typer.Option(
        "--events", help="also record every event (events.parquet)")] = False,
    csv: Annotated[bool, typer.Option("--csv", help="also write CSV copies of the tables")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="no progress bar")] = False,
) -> None:
    """Run the replications of a scenario and write a results bundle."""
    import sim

    progress = _progress_bar(quiet)
    try:
        if resume_dir is not None:
            if scenario or out_dir or overrides:
                raise BadInput("--resume takes its scenario and settings from the bundle; "
                               "give no SCENARIO, --out or --set with it")
            with progress as bar:
                results = sim.resume(resume_dir, workers=workers, executor=executor.value,
                                     scheduler=scheduler, progress=bar)
        else:
            loaded = sim.load_scenario(scenario or DEFAULT_SCENARIO, overrides or ())
            target = out_dir or fresh_folder(Path("results") / loaded.name)
            with progress as bar:
                results = sim.run(loaded, replications, seed, workers=workers,
                                  executor=executor.value, scheduler=scheduler, out=target,
                                  force=force, events=events, csv=csv, progress=bar)
    except sim.runner.RunInterrupted as stop:
        manifest = stop.results.manifest
        err.print(f"interrupted: kept {manifest['done']} of {manifest['replications']} "
                  f"replications in {stop.results.path}; finish with: "
                  f"dyadsim run --resume {stop.results.path}")
        raise typer.Exit(130) from None
    _print_run_summary(results)
    if results.manifest["failures"]:
        raise typer.Exit(1)


def _print_run_summary(results) -> None:
    from sim.cli_analysis import finish_run

    manifest = results.manifest
    out.print(f"{manifest['scenario']['name']}: {manifest['done']} of "
              f"{manifest['replications']} replications, seed {manifest['seed']}")
    finish_run(results)
    for failure in manifest["failures"]:
        last = failure["traceback"].strip().splitlines()[-1]
        err.print(f"replication {failure['replication']} failed: {last}")
    if manifest["failures"]:
        err.print(f"{len(manifest['failures'])} replications failed (tracebacks in "
                  f"{results.path / 'manifest.json'}); rerun them with: "
                  f"dyadsim run --resume {results.path}")
    out.print(f"results: {results.path}")


class _NoProgress:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


class _Bar:
    """A Rich progress bar over replications (done/total, rate, time left)."""

    def __enter__(self):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("replications"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("left"),
            TimeRemainingColumn(), console=err, transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("run", total=None, rate="")
        return self.update

    def update(self, done: int, total: int) -> None:
        task = self._progress.tasks[0]
        speed = task.speed
        rate = f"{speed:.2f}/s" if speed else ""
        self._progress.update(self._task, completed=done, total=total, rate=rate)

    def __exit__(self, *exc):
        self._progress.stop()
        return False


def _progress_bar(quiet: bool):
    if quiet or not err.is_terminal:
        return _NoProgress()
    return _Bar()


@app.command()
def validate(
    files: Annotated[list[str], typer.Argument(help="scenario files or bundled names")],
    overrides: Annotated[list[str] | None, typer.Option(
        "--set", help="override a value before validating: path=value")] = None,
) -> None:
    """Check scenario files: one line per problem, FILE:LINE: field: message."""
    import sim

    problems: list[str] = []
    for file in files:
        try:
            sim.load_scenario(file, overrides or ())
            out.print(f"{file}: ok")
        except ScenarioError as error:
            problems.extend(str(p) for p in error.problems)
    if problems:
        raise BadInput(*problems)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor completion)."""
    from sim.scenario import scenario_json_schema

    sys.stdout.write(json.dumps(scenario_json_schema(), indent=2) + "\n")


@app.command("list")
def list_scenarios() -> None:
    """List the bundled scenarios with what each shows."""
    from sim.scenario import bundled_scenarios

    table = Table(show_header=True, box=None)
    table.add_column("scenario", style="bold", no_wrap=True)
    table.add_column("what it shows")
    for name, description in bundled_scenarios():
        table.add_row(name, description)
    out.print(table)


@app.command()
def story(
    scenario: Annotated[str, typer.Argument(
        help="lifecycle scenario file or bundled name")] = DEFAULT_SCENARIO,
    pair: Annotated[str | None, typer.Option(
        help="the relationship to tell, BUYER:SUPPLIER (default: one that developed)")] = None,
    seed: Annotated[int | None, typer.Option(
        min=0, help="master seed (default: the scenario's)")] = None,
    replication: Annotated[int, typer.Option(
        min=0, help="which replication of the seed to tell")] = 0,
    overrides: Annotated[list[str] | None, typer.Option(
        "--set", help="override a scenario value: path.to.field=value (repeatable)")] = None,
) -> None:
    """Tell the life of one relationship in plain words, week by week."""
    import sim
    from sim.runner import run_replication

    loaded = sim.load_scenario(scenario, overrides or ())
    if loaded.model != "lifecycle":
        raise BadInput(f"{scenario}: story needs a lifecycle scenario, this one is "
                       f"model '{loaded.model}'")
    from sim.models.lifecycle.story import pick_pair, tell_story

    seed = loaded.seed if seed is None else seed
    outcome = run_replication(loaded, seed, replication, events=True)
    if outcome.error is not None:
        raise RuntimeError(f"the replication failed:\n{outcome.error}")
    pairs, events = outcome.tables["pairs"], outcome.tables["events"]
    if pair is None:
        if pairs.empty:
            raise BadInput(f"{scenario}: no relationship formed in replication {replication} "
                           f"of seed {seed}; try another --seed")
        buyer, supplier = pick_pair(pairs)
    else:
        buyer, _, supplier = pair.partition(":")
        known = pairs[(pairs["buyer"] == buyer) & (pairs["supplier"] == supplier)]
        if not supplier or known.empty:
            sample = ", ".join(f"{b}:{s}" for b, s in
                               pairs[["buyer", "supplier"]].head(5).itertuples(index=False))
            raise BadInput(f"--pair {pair}: no such relationship in replication {replication} "
                           f"of seed {seed} (for example: {sample})")
    out.print(f"[bold]{loaded.name}[/bold]: {buyer} and {supplier} "
              f"(seed {seed}, replication {replication})")
    for line in tell_story(events, pairs, buyer, supplier):
        out.print(line, markup=False)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``dyadsim`` console script."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="dyadsim", standalone_mode=False)
    except click_errors.NoArgsIsHelpError as stop:
        echo(stop.ctx.get_help())
        code = 0
    except click_errors.UsageError as error:
        where = error.ctx.command_path if error.ctx else "dyadsim"
        err.print(f"{where}: error: {error.format_message()} (see {where} --help)")
        code = 2
    except (ScenarioError, BadInput) as error:
        lines = ([str(p) for p in error.problems] if isinstance(error, ScenarioError)
                 else error.lines)
        for line in lines:
            err.print(line)
        code = 2
    except BundleError as error:
        err.print(f"dyadsim: {error}")
        code = 2
    except typer.Exit as stop:
        code = stop.exit_code
    except (typer.Abort, KeyboardInterrupt):
        err.print("interrupted")
        code = 130
    sys.exit(code or 0)


def _register_commands() -> None:
    """Add the analysis (report, compare, sweep) and reproduce commands."""
    from sim import cli_analysis, cli_reproduce

    cli_analysis.register(app)
    cli_reproduce.register(app)


_register_commands()

if __name__ == "__main__":
    main()
