"""Serving the classroom app on this machine only (127.0.0.1)."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable

HOST = "127.0.0.1"
"""The app listens on the loopback address only: it is for the person at this machine."""

__all__ = ["HOST", "serve"]


def serve(scenario: str = "baseline", port: int = 0,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve the classroom app for ``scenario`` until interrupted (Ctrl-C).

    ``port`` 0 takes a free port. ``on_ready`` is called with the app's
    address once the port is bound, before requests are answered.
    """
    # The framework can trace itself through OpenTelemetry when a collector is set up on
    # the machine; a classroom sends nothing anywhere.
    os.environ.setdefault("SHINY_OTEL_COLLECT", "none")
    import uvicorn

    from classroom.app import build_app

    app = build_app(scenario)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((HOST, port))
    listener.listen(64)  # browsers may connect as soon as the address is printed
    address = f"http://{HOST}:{listener.getsockname()[1]}/"
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    if on_ready is not None:
        on_ready(address)
    server.run(sockets=[listener])
