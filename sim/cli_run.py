"""The simulation commands of ``dyadsim``: run, validate, schema, list and story."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from sim.cli_common import (
    DEFAULT_SCENARIO,
    BadInput,
    err,
    finish_run,
    out,
    progress_bar,
    register_commands,
)
from sim.results import default_folder, fresh_folder
from sim.scenario import MAX_REPLICATIONS, MAX_TIMEOUT, ScenarioError
from sim.units import counted, in_words

__all__ = ["COMMANDS", "register"]


class Executor(StrEnum):
    local = "local"
    dask = "dask"


def run(
    scenario: Annotated[str | None, typer.Argument(
        help=f"scenario file or bundled name (default: {DEFAULT_SCENARIO})")] = None,
    replications: Annotated[int | None, typer.Option(
        "-n", "--replications", min=1, max=MAX_REPLICATIONS,
        help="number of replications, at most 10^6 (default: the scenario's)")
    ] = None,
    seed: Annotated[int | None, typer.Option(
        min=0, help="master seed (default: the scenario's)")] = None,
    workers: Annotated[int | None, typer.Option(
        "-w", "--workers", min=1, help="parallel workers (default: number of cores)")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "-o", "--out", help="results folder (default: results/<scenario name>)")] = None,
    overrides: Annotated[list[str] | None, typer.Option(
        "--set", help="override a scenario value: path.to.field=value (repeatable)")] = None,
    executor: Annotated[Executor | None, typer.Option(
        help="where replications run: local processes (the default) or a Dask cluster "
        "(the default with --scheduler)")] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="address of a Dask scheduler; implies --executor dask (default: a local cluster)")
    ] = None,
    timeout: Annotated[float | None, typer.Option(
        min=0.001, max=MAX_TIMEOUT,
        help="seconds a replication may run before it is stopped and counted as failed "
        "(default: the scenario's timeout, else no limit)")] = None,
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

    kind = _executor_kind(executor, scheduler)
    options = {"workers": workers, "executor": kind, "scheduler": scheduler, "timeout": timeout}
    if resume_dir is not None:
        if scenario or out_dir or overrides:
            raise BadInput("--resume takes its scenario and settings from the bundle; "
                           "give no SCENARIO, --out or --set with it")
        results = _keeping_what_is_done(lambda bar: sim.resume(resume_dir, progress=bar,
                                                               **options), quiet)
    else:
        loaded = sim.load_scenario(scenario or DEFAULT_SCENARIO, overrides or ())
        target = out_dir or fresh_folder(default_folder(loaded.name))
        results = _keeping_what_is_done(lambda bar: sim.run(
            loaded, replications, seed, out=target, force=force, events=events, csv=csv,
            progress=bar, **options), quiet)
    _print_run_summary(results)
    if results.manifest["status"] != "complete":
        raise typer.Exit(1)


def _keeping_what_is_done(start, quiet: bool):
    """``start(bar)`` under a progress bar; on Ctrl-C, say what was kept and how to finish."""
    from sim.runner import RunInterrupted

    try:
        with progress_bar(quiet) as bar:
            return start(bar)
    except RunInterrupted as stop:
        manifest = stop.results.manifest
        _print_rejected(manifest)
        err.print(f"interrupted: kept {manifest['done']} of {manifest['replications']} "
                  f"replications in {stop.results.path}; finish with: "
                  f"dyadsim run --resume {stop.results.path}")
        raise typer.Exit(130) from None


def _executor_kind(executor: Executor | None, scheduler: str | None) -> str:
    """``--scheduler`` implies Dask; with ``--executor local`` it is a contradiction."""
    if scheduler and executor is Executor.local:
        raise BadInput("--scheduler needs --executor dask (or leave --executor out)")
    if executor is None:
        return "dask" if scheduler else "local"
    return executor.value


def _print_rejected(manifest: dict) -> None:
    for shard in manifest.get("rejected", []):
        err.print(f"replication {shard['replication']}: its shard was set aside "
                  f"({shard['problem']}) and is run again on resume")


def run_header(manifest: dict) -> str:
    """``baseline: 20 of 20 replications, seed 2024; 10 years, 300 buyers, 12 suppliers``."""
    from sim.cli_comparable import market_size

    setting = manifest["scenario"]
    horizon = in_words(float(setting.get("horizon", 0)))
    size = market_size(setting)
    return (f"{setting['name']}: {manifest['done']} of "
            f"{counted(manifest['replications'], 'replication')}, "
            f"seed {manifest['seed']}; horizon {horizon}" + (f", {size}" if size else ""))


def _print_run_summary(results) -> None:
    manifest = results.manifest
    out.print(run_header(manifest))
    finish_run(results)
    for failure in manifest["failures"]:
        last = failure["traceback"].strip().splitlines()[-1]
        err.print(f"replication {failure['replication']} failed: {last}")
    if manifest["failures"]:
        err.print(f"{counted(len(manifest['failures']), 'replication')} failed (tracebacks in "
                  f"{results.path / 'manifest.json'}); rerun them with: "
                  f"dyadsim run --resume {results.path}")
    _print_rejected(manifest)
    if manifest["status"] == "partial":
        err.print(f"{counted(len(manifest['missing']), 'replication')} to run again; finish with: "
                  f"dyadsim run --resume {results.path}")
    out.print(f"results: {results.path}")


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


def schema() -> None:
    """Print the JSON Schema of scenario files (for editor completion)."""
    from sim.scenario import scenario_json_schema

    sys.stdout.write(json.dumps(scenario_json_schema(), indent=2) + "\n")


def list_scenarios() -> None:
    """List the bundled scenarios with what each shows."""
    from sim.scenario import bundled_scenarios

    table = Table(show_header=True, box=None)
    table.add_column("scenario", style="bold", no_wrap=True)
    table.add_column("what it shows")
    listing = bundled_scenarios()
    for name, description in listing:
        table.add_row(name, description)
    out.print(table)
    out.print(claims_footnote(" ".join(description for _, description in listing)))


def claims_footnote(text: str) -> str:
    """What the claim codes cited in ``text`` (``C11``) stand for, in one paragraph."""
    import re

    from sim.models.lifecycle.vocabulary import CLAIMS

    cited = sorted(set(re.findall(r"\bC\d+\b", text)) & set(CLAIMS), key=lambda c: int(c[1:]))
    if not cited:
        return ""
    glossary = "; ".join(f"{code} {CLAIMS[code]}" for code in cited)
    return (f"Codes such as C11 are the claims of the relationship lifecycle theory (Ford 1980) "
            f"a scenario shows, realised as docs/model.md describes: {glossary}.")


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
    full: Annotated[bool, typer.Option(
        "--full", help="one line per event (default: orders that went well in a row share one)")
    ] = False,
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
    out.print(Text.assemble((loaded.name, "bold"), f": {buyer} and {supplier} "
                            f"(seed {seed}, replication {replication})"))
    for line in tell_story(events, pairs, buyer, supplier, full=full):
        out.print(line)


COMMANDS = {"run": run, "validate": validate, "schema": schema, "list": list_scenarios,
            "story": story}


def register(app: typer.Typer) -> None:
    """Add the simulation commands to the ``dyadsim`` app (once)."""
    register_commands(app, COMMANDS)
