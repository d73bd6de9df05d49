"""What every ``dyadsim`` command shares: the consoles, bad input, progress bars.

The leaf of the command-line modules: :mod:`sim.cli` (the app and its entry
point) imports the command modules (:mod:`sim.cli_run`,
:mod:`sim.cli_analysis`, :mod:`sim.cli_reproduce` ...), and each of them
imports this one; nothing here imports them back.
"""

from __future__ import annotations

import logging
from pathlib import Path

from rich.console import Console
from rich.table import Table

__all__ = ["DEFAULT_SCENARIO", "BadInput", "err", "finish_run", "key_figures_table", "out",
           "progress_bar"]

log = logging.getLogger(__name__)

DEFAULT_SCENARIO = "baseline"

# Markup and emoji codes are off: scenario names, values and paths are printed as written
# ('[/red]' is a name, not a closing tag; "pip install 'dyadsim[dask]'" keeps its extra).
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)


class BadInput(Exception):
    """Input the user can fix; reported in one line per problem, exit code 2."""

    def __init__(self, *lines: str):
        self.lines = lines
        super().__init__("\n".join(lines))


# ---------------------------------------------------------------- progress


class _NoProgress:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


class _Bar:
    """A Rich progress bar over replications: done/total, rate, ``elapsed 0:00:04 left 0:00:02``."""

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
            TextColumn("{task.fields[rate]}"), TextColumn("elapsed"), TimeElapsedColumn(),
            TextColumn("left"), TimeRemainingColumn(), console=err, transient=True,
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


def progress_bar(quiet: bool):
    """A context manager giving ``progress(done, total)``, or None when quiet or not a terminal."""
    if quiet or not err.is_terminal:
        return _NoProgress()
    return _Bar()


# ---------------------------------------------------------------- key figures


def key_figures_table(results, title: str | None = None) -> Table:
    """The key figures of ``results`` as a Rich table: figure, mean, 95% interval, unit."""
    from analysis.metrics import key_figures
    from analysis.report import format_interval, format_number

    table = Table(title=title)
    table.add_column("key figure")
    table.add_column("mean", justify="right")
    table.add_column("95% interval", justify="right")
    table.add_column("unit")
    for row in key_figures(results).itertuples():
        table.add_row(row.label, format_number(row.value, row.unit),
                      format_interval(row.low, row.high, row.unit), row.unit)
    return table


def warn_absent_focal(results) -> None:
    """One line for each named focal supplier that has no pair in the run's tables."""
    from analysis.focal import absent_focal, focal_names

    names = focal_names(results)
    for name in absent_focal(results):
        err.print(f"focal[{names.index(name)}]: no replication has a supplier called {name!r}; "
                  "the focal figures leave it out")


def finish_run(results) -> Path | None:
    """Write the run's report, print its key figures and the report's path.

    Returns the path of ``report.html``, or None when the results have no
    bundle or the report could not be written (then a one-line warning is
    printed: the run itself succeeded and its tables are safe).
    """
    from analysis.report import write_report

    if results.manifest.get("done"):
        out.print(key_figures_table(results, title="key figures (mean over replications)"))
        warn_absent_focal(results)
    if results.path is None:
        return None
    try:
        page = write_report(results.path)
    except Exception as error:  # the run's tables are written; a report failure must not hide them
        log.debug("report failed", exc_info=True)
        err.print(f"report not written: {error}; rebuild it with: dyadsim report {results.path}")
        return None
    out.print(f"report: {page}")
    return page


# ---------------------------------------------------------------- registering


def register_commands(app, commands: dict) -> None:
    """Add ``commands`` (name -> function) to the Typer ``app``, skipping names it has."""
    present = {command.name for command in app.registered_commands}
    for name, function in commands.items():
        if name not in present:
            app.command(name)(function)
