"""The ``dyadsim reproduce`` command: check the models against published results.

:func:`register` adds it to the Typer app of :mod:`sim.cli`. It runs the
reproductions of :mod:`reproduce`, prints one row per check (name, kind,
source, expected, measured, pass or fail) and writes the report bundle. The
exit code is 0 only when every check passes, 1 when one fails, 2 for an
unknown name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from sim.cli_common import BadInput, err, out, register_commands
from sim.units import counted

__all__ = ["COMMANDS", "register", "reproduce", "results_table"]

DEFAULT_OUT = Path("results") / "reproduce"
DOCS_PAGE = Path("docs") / "reproductions.md"


def reproduce(
    names: Annotated[list[str] | None, typer.Argument(
        help="reproductions to run (default: all); see --list")] = None,
    quick: Annotated[bool, typer.Option(
        "--quick", help="fewer seeds and buyers: a light run with the same criteria")] = False,
    out_dir: Annotated[Path | None, typer.Option(
        "-o", "--out", help="folder of the report (reproduce.html, reproduce.md, results.json, "
        f"figures/); default: {DEFAULT_OUT}, or {DEFAULT_OUT}-2 ... when that one is taken")
    ] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="empty an existing --out folder and write the report there")] = False,
    workers: Annotated[int, typer.Option(
        "-w", "--workers", min=1, help="parallel workers for the lifecycle runs")] = 2,
    docs: Annotated[bool, typer.Option(
        "--docs", help=f"also write {DOCS_PAGE} (figures beside it) from this run")] = False,
    list_only: Annotated[bool, typer.Option(
        "--list", help="list the reproductions and their claims, run nothing")] = False,
) -> None:
    """Run the models against published results and report pass or fail for each."""
    from reproduce import REPRODUCTIONS, Settings, reproduction, run_checks, write_report
    from reproduce.report import write_docs

    unknown = [name for name in names or () if name not in REPRODUCTIONS]
    if unknown:
        raise BadInput(f"unknown reproduction {', '.join(map(repr, unknown))}; known: "
                       f"{', '.join(REPRODUCTIONS)}")
    if list_only:
        table = Table(show_header=True, box=None)
        table.add_column("reproduction", style="bold", no_wrap=True)
        table.add_column("claim")
        for name in REPRODUCTIONS:
            table.add_row(name, reproduction(name).CLAIM)
        out.print(table)
        return
    out_dir = report_folder(out_dir, force)
    settings = Settings(quick=quick, workers=workers, figures=out_dir / "figures")
    checks = run_checks(names or None, settings,
                        progress=lambda name: err.print(f"running {name} ..."))
    page = write_report(checks, out_dir, settings)
    out.print(results_table(checks, out.width))
    if docs:
        out.print(f"docs: {write_docs(checks, DOCS_PAGE, settings)}")
    out.print(f"report: {page}")
    failed = [check.name for check in checks if not check.passed]
    if failed:
        err.print(f"{len(failed)} of {counted(len(checks), 'reproduction')} failed: "
                  f"{', '.join(failed)}")
        raise typer.Exit(1)


def report_folder(out_dir: Path | None, force: bool) -> Path:
    """Where the report goes, by the rule ``run`` follows for its results folder.

    No ``--out``: the default folder, or the first of ``-2``, ``-3`` ... that is
    missing or empty. An ``--out`` that holds files is refused unless ``--force``,
    which empties it first, so no figure of an earlier report is left behind.
    """
    import shutil

    from sim.results import fresh_folder

    if out_dir is None:
        return fresh_folder(DEFAULT_OUT)
    if out_dir.exists() and not out_dir.is_dir():
        raise BadInput(f"--out {out_dir}: not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not force:
            raise BadInput(f"--out {out_dir}: the folder is not empty; give another --out or "
                           "--force to replace it")
        for item in out_dir.iterdir():
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item)
            else:
                item.unlink()
    return out_dir


COMMANDS = {"reproduce": reproduce}


def register(app: typer.Typer) -> None:
    """Add ``reproduce`` to the ``dyadsim`` app (once)."""
    register_commands(app, COMMANDS)


WIDE = 120
"""Terminal columns from which the results are a five-column table."""


def results_table(checks, width: int = WIDE) -> Table:
    """The checks as a Rich table: name, kind, source, expected, measured, result.

    On a terminal narrower than ``WIDE`` columns each check takes a few lines
    instead (result, name and source; then expected and measured), so that
    nothing is squeezed into a column a word wide.
    """
    if width < WIDE:
        table = Table(title="reproductions", title_justify="left", show_header=False,
                      box=None, padding=(0, 1))
        table.add_column("result", no_wrap=True)
        table.add_column("check")
        for check in checks:
            table.add_row(_result(check), Text.assemble(
                (check.name, "bold"), "  ", (short_source(check.source), "dim"),
                f"\nkind: {check.kind_label}\n"
                f"expected: {check.expected}\nmeasured: {check.measured}"))
        return table
    table = Table(title="reproductions")
    table.add_column("name", no_wrap=True)
    table.add_column("kind")
    table.add_column("source")
    table.add_column("expected")
    table.add_column("measured")
    table.add_column("result", no_wrap=True)
    for check in checks:
        table.add_row(check.name, check.kind_label, short_source(check.source), check.expected,
                      check.measured, _result(check))
    return table


def _result(check) -> Text:
    # Styled text, not markup: the consoles never read markup from what they print.
    return Text("pass", style="green") if check.passed else Text("FAIL", style="bold red")


def short_source(source: str) -> str:
    """Authors' surnames and year of a citation (the text up to its year, without initials).

    >>> short_source("Pfeifer, P. E. & Carraway, R. L. (2000) Modeling customer relationships.")
    'Pfeifer & Carraway (2000)'
    >>> short_source("Weisbuch, G., Kirman, A. & Herreiner, D. (2000) Market organisation.")
    'Weisbuch, Kirman & Herreiner (2000)'
    """
    match = re.match(r"^(.*?\(\d{4}[a-z]?\))", source)
    if not match:
        return source
    authors = re.sub(r",\s*(?:[A-Z]\.\s*)+", " ", match.group(1))
    return " ".join(authors.split()).replace(" ,", ",")
