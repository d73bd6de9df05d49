"""The analysis commands of ``dyadsim``: report, compare and sweep.

:func:`register` adds them to the Typer app of :mod:`sim.cli`.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from sim.cli_common import (
    BadInput,
    err,
    key_figures_table,
    out,
    progress_bar,
    register_commands,
)
from sim.results import default_folder, fresh_folder
from sim.units import counted

__all__ = ["COMMANDS", "register"]

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- commands


def report(
    bundle: Annotated[Path, typer.Argument(help="results folder of a finished run")],
) -> None:
    """Rebuild the plots and report.html of a saved results bundle."""
    from analysis.report import write_report
    from sim.results import load_results

    if not bundle.is_dir():
        raise BadInput(f"{bundle}: no such results folder")
    results = load_results(bundle)
    out.print(key_figures_table(results, title=f"{_name(results)}: key figures"))
    out.print(f"report: {write_report(results)}")


def compare(
    scenarios: Annotated[list[str], typer.Argument(
        help="two or more scenario files, bundled names or results folders; the first is the "
             "reference")],
    replications: Annotated[int | None, typer.Option(
        "-n", "--replications", min=1,
        help="replications of each scenario (default: the first scenario's or bundle's)")] = None,
    seed: Annotated[int | None, typer.Option(
        min=0, help="master seed shared by every scenario (default: the first's)")] = None,
    workers: Annotated[int | None, typer.Option(
        "-w", "--workers", min=1, help="parallel workers (default: number of cores)")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "-o", "--out", help="comparison folder (default: results/compare-A-B)")] = None,
    overrides: Annotated[list[str] | None, typer.Option(
        "--set", help="override a value in every scenario run: path=value (repeatable)")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace existing result folders")
                     ] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="no progress bar")] = False,
) -> None:
    """Compare scenarios run with the same seeds: differences with 95% intervals."""
    if len(scenarios) < 2:
        raise BadInput("compare needs at least two scenarios or results folders")
    inputs = [_bundle_or_scenario(item, overrides or ()) for item in scenarios]
    bundles = [item for item in inputs if not _is_scenario(item)]
    if overrides and len(bundles) == len(inputs):
        raise BadInput("--set changes scenarios before they run; these are all finished runs")
    first = bundles[0].manifest if bundles else None
    if seed is None:
        seed = first["seed"] if first else inputs[0].seed
    if replications is None:
        replications = first["replications"] if first else inputs[0].replications
    names = [_name(item) for item in inputs]
    from sim.cli_comparable import comparability_warnings

    for warning in comparability_warnings(names, inputs):
        err.print(warning)
    folder = out_dir or fresh_folder(default_folder("-".join(names[:3]), prefix="compare-"))
    to_run = [item for item in inputs if _is_scenario(item)]
    results = []
    with _summaries() as summaries, _pool(workers, to_run) as pool:
        import analysis.compare as comparing  # while the workers start

        for item, name in zip(inputs, comparing.unique_names(names), strict=True):
            if not _is_scenario(item):
                results.append(item)
                continue
            err.print(f"running {name}: {counted(replications, 'replication')}, seed {seed}")
            ran = _run(item, replications, seed, workers, folder / _slug(name), force, quiet,
                       pool)
            summaries.submit(_write_summary_quietly, ran)
            results.append(ran)
    comparison = comparing.compare(results)
    if not comparison.paired:
        err.print("note: the runs used different seeds; comparing them as independent samples")
    out.print(_difference_table(comparison, out.width))
    out.print(f"comparison: {comparing.write_comparison(comparison, folder)}")


def sweep(
    scenario: Annotated[str, typer.Argument(help="scenario file or bundled name")],
    vary: Annotated[list[str], typer.Option(
        "--vary", help="path=v1,v2,... or path=start:stop:count (repeatable: a grid)")],
    replications: Annotated[int | None, typer.Option(
        "-n", "--replications", min=1, help="replications per point (default: the scenario's)")
    ] = None,
    seed: Annotated[int | None, typer.Option(
        min=0, help="master seed of every point (default: the scenario's)")] = None,
    workers: Annotated[int | None, typer.Option(
        "-w", "--workers", min=1, help="parallel workers (default: number of cores)")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "-o", "--out", help="sweep folder (default: results/sweep-<scenario>)")] = None,
    overrides: Annotated[list[str] | None, typer.Option(
        "--set", help="override a value at every point: path=value (repeatable)")] = None,
    force: Annotated[bool, typer.Option("--force", help="replace existing result folders")
                     ] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="no progress bar")] = False,
) -> None:
    """Run a scenario over a grid of values and plot how the key figures respond."""
    import sim

    with _summaries() as summaries, _pool(workers, start=True) as pool:
        import analysis.sweep as sweeping  # while the workers start

        try:
            points = sweeping.grid(vary)
        except ValueError as error:
            raise BadInput(str(error)) from None
        # check every point before running any, so a typo in the last value costs nothing
        loaded = [sim.load_scenario(scenario, overrides or (), varied=p.overrides)
                  for p in points]
        base = loaded[0]
        seed = base.seed if seed is None else seed
        folder = out_dir or fresh_folder(Path("results") / f"sweep-{_slug(base.name)}")
        written = []
        for point, point_scenario in zip(points, loaded, strict=True):
            settings = ", ".join(f"{k}={v}" for k, v in point.settings.items())
            err.print(f"{point.name} ({point.index} of {len(points)}): {settings}")
            results = _run(point_scenario, replications, seed, workers, folder / point.name,
                           force, quiet, pool)
            point.bundle = results.path
            written.append(summaries.submit(_write_summary_quietly, results))
    for point, summary in zip(points, written, strict=True):
        point.figures = (summary.result() or {}).get("key_figures")
    page = sweeping.write_sweep(points, folder, points[0].bundle)
    out.print(_sweep_table(folder / "index.csv", list(points[0].settings), out.width))
    out.print(f"sweep: {page}")


COMMANDS = {"report": report, "compare": compare, "sweep": sweep}


def register(app: typer.Typer) -> None:
    """Add ``report``, ``compare`` and ``sweep`` to the ``dyadsim`` app (once)."""
    register_commands(app, COMMANDS)


# ---------------------------------------------------------------- helpers


def _is_scenario(item) -> bool:
    from sim.scenario import Scenario

    return isinstance(item, Scenario)


def _bundle_or_scenario(text: str, overrides):
    """A finished bundle for a results folder, else the scenario of that file or name.

    ``overrides`` apply to scenarios only: a finished run cannot change.
    """
    import sim
    from sim.results import Bundle

    path = Path(text)
    if path.is_dir():
        if not Bundle(path).is_bundle():
            raise BadInput(f"{path}: not a results folder (no manifest.json)")
        return sim.load_results(path)
    return sim.load_scenario(text, overrides)


def _name(item) -> str:
    if _is_scenario(item):
        return item.name
    from analysis.bundle import scenario_name

    return scenario_name(item)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-") or "scenario"


def _pool(workers: int | None, scenarios=(), start: bool = False):
    """The worker processes every run of a comparison or sweep shares.

    They start at once (importing the scenarios' models) when there is
    something to run, so they import while this process loads the analysis.
    """
    from sim.runner import worker_pool

    models = tuple(dict.fromkeys(s.model for s in scenarios))
    return worker_pool(workers, start=start or bool(models), models=models)


@contextlib.contextmanager
def _summaries():
    """A thread that writes each finished run's key figures while the next run simulates."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="summaries") as summaries:
        yield summaries


def _run(scenario, replications, seed, workers, out: Path, force: bool, quiet: bool,
         pool=None):
    """Run one scenario into ``out`` with the platform's progress bar; fail on failed runs."""
    import sim

    with progress_bar(quiet) as update:
        results = sim.run(scenario, replications, seed, workers=workers, out=out,
                          force=force, progress=update, pool=pool)
    if results.manifest.get("failures"):
        failed = len(results.manifest["failures"])
        err.print(f"{counted(failed, 'replication')} of {scenario.name} failed (tracebacks in "
                      f"{out / 'manifest.json'}); rerun them with: dyadsim run --resume {out}")
        raise typer.Exit(1)
    if not results.manifest.get("done"):
        raise BadInput(f"{scenario.name}: no replication finished")
    return results


def _write_summary_quietly(results) -> dict | None:
    """Each run of a comparison or sweep gets its key figures in ``summary.json``.

    Not a whole report: its figures cost seconds per run, and the comparison's
    or sweep's own report is what the user reads (``dyadsim report DIR`` draws
    one run's report when wanted). Returns the summary, None on failure.
    """
    from analysis.report import write_key_figures

    try:
        return write_key_figures(results)
    except Exception as error:  # the comparison goes on; the bundle's tables are safe
        log.debug("key figures failed", exc_info=True)
        err.print(f"key figures of {results.path} not written: {error}")
        return None


def _difference_table(comparison, width: int = 160) -> Table:
    """The differences against the reference, laid out to fit ``width`` columns.

    Below 120 columns the unit joins the metric's name and the interval (and
    its ``*``) goes under the difference, so no column is squeezed.
    """
    from analysis.compare import difference_rows

    headings, rows = difference_rows(comparison)
    kind = "paired by common random numbers" if comparison.paired else "unpaired"
    table = Table(title=f"differences against {comparison.reference} ({kind}; * : the 95% "
                        "interval excludes 0)")
    if width >= 120:
        for index, heading in enumerate(headings):
            table.add_column(heading, justify="left" if index < 2 else "right")
        for row in rows:
            table.add_row(*row)
        return table
    metric, unit, *values, difference, interval, star = headings
    table.add_column(f"{metric} ({unit})")
    for heading in values:
        table.add_column(heading, justify="right" if heading != "scenario" else "left")
    table.add_column(f"{difference} ({interval})", justify="right")
    for metric, unit, *values, difference, interval, star in rows:
        table.add_row(Text.assemble(metric, " ", (f"({unit})", "dim")), *values,
                      Text.assemble(f"{difference}{' *' if star else '  '}\n", (interval, "dim")))
    return table


def _sweep_table(index: Path, parameters: list[str], width: int = 160) -> Table:
    """The sweep's points and their key figures, laid out to fit ``width`` columns.

    With few points (as many as fit side by side) each point is a column and
    each setting or key figure a row; with more, each point is a row. The
    settings are headed by the last part of their path.
    """
    import pandas as pd

    from analysis.metrics import metric_info
    from analysis.report import format_number
    from analysis.sweep import RESPONSE_PANELS

    frame = pd.read_csv(index, dtype={p: str for p in parameters})
    metrics = [m for m in RESPONSE_PANELS if m in frame.columns][:5]
    short = [p.rsplit(".", 1)[-1] for p in parameters]
    labels = [*(short if len(set(short)) == len(short) else parameters),
              *(f"{metric_info(m).label} ({metric_info(m).unit})" for m in metrics)]
    rows = [[*(str(row[p]) for p in parameters),
             *(format_number(row[m], metric_info(m).unit) for m in metrics)]
            for row in frame.to_dict("records")]
    title = f"sweep: {counted(len(frame), 'point')} (mean over replications)"
    label_width = max(len(label) for label in labels) + 3
    if label_width + 13 * len(rows) <= width:
        table = Table(title=title)
        table.add_column("")
        for name in frame["point"]:
            table.add_column(str(name), justify="right", no_wrap=True)
        for position, label in enumerate(labels):
            table.add_row(label, *(row[position] for row in rows))
        return table
    table = Table(title=title)
    table.add_column("point", no_wrap=True)
    for label in labels:
        table.add_column(label, justify="right")
    for name, row in zip(frame["point"], rows, strict=True):
        table.add_row(str(name), *row)
    return table
