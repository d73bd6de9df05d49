"""The ``dyadsim`` command: the Typer app, its entry point and its command modules.

Exit codes: 0 ok, 1 a replication failed or an internal error, 2 bad input
(scenario, arguments), 130 interrupted. Bad input is reported in one line per
problem, never with a traceback.

The console script enters through :mod:`sim.cli_start`, which makes Ctrl-C a
one-line exit while this module is still being imported.

The commands live in the modules of :data:`COMMAND_MODULES`, each with a
``register(app)`` function; adding a command module is one more line there.
The command modules share :mod:`sim.cli_common` and never import this module,
so the command-line modules form a tree with this one at its root.
"""

from __future__ import annotations

import importlib
import signal
import sys
from typing import Annotated

import typer

from sim.cli_common import BadInput, err
from sim.executors import ExecutorError
from sim.results import BundleError, RunFailed, describe_error
from sim.scenario import ScenarioError

try:  # Typer vendors its own copy of click in recent releases
    from typer._click import echo
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older Typer with click installed separately
    from click import echo
    from click import exceptions as click_errors

__all__ = ["COMMAND_MODULES", "app", "main"]

COMMAND_MODULES = (
    "sim.cli_run",
    "sim.cli_analysis",
    "sim.cli_reproduce",
    "explore.cli",
    "classroom.cli",
)
"""The modules whose ``register(app)`` adds their commands, in the order of ``--help``."""

app = typer.Typer(
    name="dyadsim",
    help="Simulate business-to-business relationships through their lifecycle.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _print_version(asked: bool) -> None:
    if asked:
        from sim.version import __version__

        echo(f"dyadsim {__version__}")
        raise typer.Exit(0)


@app.callback()
def _options(
    version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=_print_version,
        help="print the version of dyadsim and exit")] = False,
) -> None:
    """Simulate business-to-business relationships through their lifecycle."""


def main(argv: list[str] | None = None, *, sigint=None) -> None:
    """Run the ``dyadsim`` command with ``argv`` (default: the process's) and exit.

    ``sigint``, when given, is the Ctrl-C handler put in place once this
    function catches interrupts (the console script, :mod:`sim.cli_start`,
    holds Ctrl-C until then).
    """
    command = typer.main.get_command(app)
    try:
        if sigint is not None:
            signal.signal(signal.SIGINT, sigint)
        code = _invoke(command, argv)
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
    except (BundleError, ExecutorError) as error:
        err.print(f"dyadsim: {error}")
        code = 2
    except RunFailed as failed:
        where = (f" (tracebacks in {failed.path / 'manifest.json'}); after a fix, rerun with: "
                 f"dyadsim run --resume {failed.path}") if failed.path else ""
        err.print(f"dyadsim: {failed}{where}")
        code = 1
    except OSError as error:  # a folder that cannot be written, a full disk ...
        err.print(f"dyadsim: {describe_error(error)}")
        code = 2
    except typer.Exit as stop:
        code = stop.exit_code
    except (typer.Abort, KeyboardInterrupt):
        err.print("interrupted")
        code = 130
    except Exception as error:
        if not _interrupted(error):
            raise
        err.print("interrupted")
        code = 130
    sys.exit(code or 0)


def _interrupted(error: BaseException) -> bool:
    """Whether ``error`` was raised because of a Ctrl-C: Python wraps an interrupt that
    arrives inside some machinery, e.g. a class body's ``__set_name__`` while a library
    is being imported, in another exception whose cause is the KeyboardInterrupt."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _invoke(command, argv: list[str] | None):
    """Parse ``argv`` and run its command, letting every exception through to :func:`main`.

    (Typer's own ``main`` would turn a Ctrl-C into a silent exit 130.)
    """
    args = sys.argv[1:] if argv is None else list(argv)
    with command.make_context("dyadsim", args) as context:
        return command.invoke(context)


for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(app)

if __name__ == "__main__":
    main()
