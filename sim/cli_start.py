"""The ``dyadsim`` console script: Ctrl-C ends it in one line from its first moment.

Loading the command line (Typer, Rich and the command modules) takes a good
part of a second, and a Ctrl-C meanwhile would end Python with the traceback
of whatever was being imported. So this module, which imports nothing of the
project, is what the console script loads: until :func:`sim.cli.main` catches
interrupts itself, and again once it has finished, Ctrl-C prints one line and
exits 130 at once (nothing is being written then).
"""

from __future__ import annotations

import os
import signal

__all__ = ["main"]

INTERRUPTED = 130
"""The exit code of an interrupted command (128 + SIGINT, as a shell reports it)."""


def _leave_at_once(signum, frame) -> None:
    os.write(2, b"interrupted\n")
    os._exit(INTERRUPTED)


def main() -> None:
    """Entry point of the ``dyadsim`` console script."""
    inherited = signal.getsignal(signal.SIGINT)
    if inherited is signal.SIG_IGN:  # started to ignore Ctrl-C (in the background): keep it so
        from sim.cli import main as dyadsim

        dyadsim()
        return
    signal.signal(signal.SIGINT, _leave_at_once)
    from sim.cli import main as dyadsim

    try:
        dyadsim(sigint=signal.default_int_handler)
    finally:
        signal.signal(signal.SIGINT, _leave_at_once)
