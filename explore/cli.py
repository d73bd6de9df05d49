"""The ``dyadsim sensitivity`` and ``dyadsim discover`` commands.

:func:`register` adds them to the ``dyadsim`` app. ``sensitivity`` samples a
parameter space, runs every point through the runner and ranks the
parameters for each metric; ``discover`` finds, with PRIM, the boxes of a
study's (or a sweep's) parameter space where a condition on a metric holds.
Everything heavy is imported inside the commands, so ``dyadsim --help``
stays fast.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sim.cli_common import BadInput, err, out, progress_bar, register_commands
from sim.cli_run import Executor
from sim.results import fresh_folder
from sim.units import counted

__all__ = ["COMMANDS", "discover", "ranking_table", "register", "sensitivity"]


class Method(StrEnum):
    morris = "morris"
    sobol = "sobol"


def sensitivity(
    scenario: Annotated[str | None, typer.Argument(
        help="scenario file, bundled name or function:NAME (a test function)")] = None,
    space: Annotated[Path | None, typer.Option(
        "--space", help="parameter-space file: each uncertain value by its path, with a range")
    ] = None,
    method: Annotated[Method, typer.Option(help="Morris screening or Sobol' indices")
                      ] = Method.morris,
    samples: Annotated[int | None, typer.Option(
        "-N", "--samples", min=2,
        help="Morris trajectories (default 10) or Sobol base samples, a power of 2 (default 256)")
    ] = None,
    metrics: Annotated[list[str] | None, typer.Option(
        "--metric", help="metric to analyse (repeatable; default: up to four key figures)")
    ] = None,
    replications: Annotated[int, typer.Option(
        "-n", "-r", "--replications", min=1, max=10_000, help="replications per point")] = 4,
    seed: Annotated[int | None, typer.Option(
        min=0, help="master seed, the same at every point (default: the scenario's)")] = None,
    second_order: Annotated[bool, typer.Option(
        "--second-order", help="Sobol: also the second-order indices S2 (2D + 2 points per N)")
    ] = False,
    levels: Annotated[int | None, typer.Option(
        min=2, max=100, help="Morris: levels of the grid (default 4)")] = None,
    workers: Annotated[int | None, typer.Option(
        "-w", "--workers", min=1, help="parallel workers (default: number of cores)")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "-o", "--out", help="study folder (default: results/sensitivity-<scenario>)")] = None,
    overrides: Annotated[list[str] | None, typer.Option(
        "--set", help="override a scenario value at every point: path=value (repeatable)")
    ] = None,
    executor: Annotated[Executor, typer.Option(
        help="where replications run: local processes or a Dask cluster")] = Executor.local,
    scheduler: Annotated[str | None, typer.Option(
        help="address of a Dask scheduler (with --executor dask)")] = None,
    resume_dir: Annotated[Path | None, typer.Option(
        "--resume", help="complete an interrupted or failed study in this folder")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace an existing study folder")
                     ] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="no progress bar")] = False,
) -> None:
    """Rank what drives the key figures: Morris or Sobol' sensitivity analysis with SALib."""
    if resume_dir is not None and (scenario or space or out_dir or overrides):
        raise BadInput("--resume takes everything from the study folder; give no SCENARIO, "
                       "--space, --out or --set with it")
    if resume_dir is None and (scenario is None or space is None):
        raise BadInput("give a SCENARIO and --space FILE (or --resume FOLDER)")
    if levels is not None and method is Method.sobol:
        raise BadInput("--levels applies to morris only")
    options = {"workers": workers, "executor": executor.value, "scheduler": scheduler}
    if resume_dir is None:
        options.update(
            source=scenario, space=space, method=method.value, samples=samples,
            out=out_dir or fresh_folder(Path("results") / f"sensitivity-{_slug(scenario)}"),
            replications=replications, seed=seed, metrics=metrics, levels=levels or 4,
            second_order=second_order, overrides=overrides or (), force=force)
    study = _study(resume_dir, options, quiet)
    _print_study(study)
    if study.manifest.get("failures"):
        raise typer.Exit(1)


def _study(resume_dir: Path | None, options: dict, quiet: bool):
    """Run (or resume) a study with a progress bar; an interruption keeps what is done."""
    from explore.study import StudyInterrupted, resume_study
    from explore.study import sensitivity as run_study
    from sim.executors import ExecutorError

    try:
        with progress_bar(quiet) as bar:
            if resume_dir is not None:
                return resume_study(resume_dir, progress=bar, **options)
            return run_study(progress=bar, **options)
    except StudyInterrupted as stop:
        manifest = stop.study.manifest
        total = manifest["points"] * manifest["replications"]
        err.print(escape(f"interrupted: kept {manifest['done']} of "
                         f"{counted(total, 'point replication')} "
                         f"in {stop.study.path}; finish with: dyadsim sensitivity --resume "
                         f"{stop.study.path}"))
        raise typer.Exit(130) from None
    except (ValueError, ExecutorError) as error:
        raise BadInput(str(error)) from None


def _print_study(study) -> None:
    manifest = study.manifest
    for metric in manifest.get("analysed", []) if study.status == "complete" else []:
        table = ranking_table(study, metric)
        if table is not None:
            out.print(table)
    for note in study.notes:
        err.print(escape(f"note: {note}"))
    failures = manifest.get("failures", [])
    for failure in failures[:5]:
        last = failure["traceback"].strip().splitlines()[-1]
        err.print(escape(f"point {failure['point']} replication {failure['replication']} "
                         f"failed: {last}"))
    if failures:
        err.print(escape(f"{counted(len(failures), 'point replication')} failed (tracebacks in "
                         f"{study.path / 'manifest.json'}); the indices need every point: "
                         f"rerun them with: dyadsim sensitivity --resume {study.path}"))
    else:
        out.print(escape(f"report: {study.path / 'report.html'}"))
    out.print(escape(f"study: {study.path}"))


def ranking_table(study, metric: str) -> Table | None:
    """The parameters of ``metric`` from most to least influential, as a Rich table."""
    from explore.plots import metric_label
    from explore.report import ranking_rows

    headings, rows = ranking_rows(study.indices, metric, study.manifest["method"])
    if not rows:
        return None
    label, unit = metric_label(metric)
    level = f"{study.manifest['conf_level']:.0%}"
    table = Table(title=escape(f"{label}" + (f" ({unit})" if unit else "")
                               + f": ranked, ± {level} interval"))
    for index, heading in enumerate(headings):
        table.add_column(heading, justify="left" if index == 1 else "right")
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    return table


def discover(
    bundle: Annotated[Path, typer.Argument(help="folder of a sensitivity study or a sweep")],
    where: Annotated[str, typer.Option(
        "--where", help="the outcome of interest, METRIC > NUMBER (or >=, <, <=)")],
    density: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="density a box must reach (share of its points that meet it)")
    ] = 0.8,
    boxes: Annotated[int, typer.Option(min=1, max=20, help="boxes to look for, at most")] = 3,
    peel_alpha: Annotated[float, typer.Option(
        "--peel-alpha", min=0.01, max=0.5, help="share of points peeled at each step")] = 0.05,
    mass_min: Annotated[float, typer.Option(
        "--mass-min", min=0.0, max=1.0, help="smallest share of all points a box may hold")
    ] = 0.05,
    out_dir: Annotated[Path | None, typer.Option(
        "-o", "--out", help="folder of the result (default: BUNDLE/discover-METRIC)")] = None,
) -> None:
    """Find boxes of parameter space where an outcome holds (PRIM, scenario discovery)."""
    from explore.discover import experiments, find_boxes, parse_where
    from explore.report import box_table, write_discovery

    if not bundle.is_dir():
        raise BadInput(f"{bundle}: no such folder")
    try:
        condition = parse_where(where)
        x, y, labels = experiments(bundle)
        found = find_boxes(x, y, condition, labels, density=density, boxes=boxes,
                           peel_alpha=peel_alpha, mass_min=mass_min)
    except (ValueError, ImportError) as error:
        raise BadInput(str(error)) from None
    folder = out_dir or fresh_folder(bundle / f"discover-{condition.metric}")
    page = write_discovery(found, folder)
    table = Table(title=escape(f"where {condition}: {found.cases} of "
                               f"{counted(found.points, 'point')}"))
    for heading in ("box", "coverage", "density", "parameter", "from", "to"):
        table.add_column(heading, justify="left" if heading == "parameter" else "right")
    from analysis.report import format_number

    for row in box_table(found).itertuples():
        table.add_row(str(row.box), f"{row.coverage:.0%}", f"{row.density:.0%}",
                      escape(row.name), format_number(row.low), format_number(row.high))
    out.print(table)
    for box in found.boxes:
        if not box.dense_enough:
            err.print(escape(f"note: box {box.number} reaches only {box.density:.0%} density "
                             f"(asked {density:.0%}): where {condition} holds is not one box of "
                             "this space; lower --density or look at the trajectory"))
    out.print(escape(f"discovery: {page}"))


def _slug(name: str) -> str:
    stem = Path(name).stem if name.endswith((".yaml", ".yml")) else name.replace(":", "-")
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in stem).strip("-") or "study"


COMMANDS = {"sensitivity": sensitivity, "discover": discover}


def register(app: typer.Typer) -> None:
    """Add ``sensitivity`` and ``discover`` to the ``dyadsim`` app (once)."""
    register_commands(app, COMMANDS)
