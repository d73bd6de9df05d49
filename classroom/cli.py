"""The classroom's commands: ``dyadsim app`` and ``dyadsim lessons``.

:func:`register` adds them to the ``dyadsim`` Typer app. The web framework
is an optional extra (``dyadsim[app]``); without it ``dyadsim app`` says how
to install it and exits with code 2.
"""

from __future__ import annotations

import importlib.util
from typing import Annotated

import typer

__all__ = ["register"]

INSTALL_HINT = ("dyadsim app: the classroom needs the optional web framework; "
                "install it with: pip install 'dyadsim[app]'")


def register(app: typer.Typer) -> None:
    """Add ``app`` and ``lessons`` to the ``dyadsim`` app (once)."""
    present = {command.name for command in app.registered_commands}
    for name, function in (("app", classroom_app), ("lessons", list_lessons)):
        if name not in present:
            app.command(name)(function)


def classroom_app(
    scenario: Annotated[str, typer.Argument(
        help="lifecycle scenario file or bundled name to start on")] = "baseline",
    port: Annotated[int, typer.Option(
        min=0, max=65535, help="port on 127.0.0.1 (default: a free one)")] = 0,
) -> None:
    """Start the classroom in the browser: controls, ensemble views, lessons, stories."""
    from sim.cli_common import BadInput, out
    from sim.scenario import load_scenario

    # The scenario is the user's own input, so its errors come before the missing extra's.
    loaded = load_scenario(scenario)
    if loaded.model != "lifecycle":
        raise BadInput(f"{scenario}: the classroom needs a lifecycle scenario, this one is "
                       f"model '{loaded.model}'")
    if importlib.util.find_spec("shiny") is None or importlib.util.find_spec("uvicorn") is None:
        raise BadInput(INSTALL_HINT)
    from classroom.serve import serve

    def announce(address: str) -> None:
        out.print(f"dyadsim classroom: open {address} in your browser (Ctrl-C stops it)",
                  markup=False)

    serve(scenario, port, on_ready=announce)


def list_lessons(
    name: Annotated[str | None, typer.Argument(
        help="show this lesson's text (a scenario name); without it, list them all")] = None,
) -> None:
    """List the lessons, one per idea of the theory, or show one of them."""
    from classroom.lessons import lesson, lessons
    from sim.cli_common import BadInput, out

    if name is not None:
        found = lesson(name)
        if found is None:
            names = ", ".join(item.scenario for item in lessons())
            raise BadInput(f"{name}: no such lesson; lessons: {names}")
        out.print(found.text, markup=False)
        return
    for item in lessons():
        out.print(f"{item.scenario:<24} {item.title}", markup=False)
        out.print(f"{'':<24} {item.summary}", markup=False)
    out.print("Open one in the browser with: dyadsim app NAME; read it with: dyadsim lessons "
              "NAME", markup=False)
