"""Package names loaded on first use, so that importing a package stays light.

A package lists where each of its public names lives and hands the pair of
module hooks this returns to Python (PEP 562)::

    __getattr__, __dir__ = lazy_names(globals(), {"run": "sim.runner"})

The first ``package.run`` imports ``sim.runner`` and keeps the name, so later
uses cost nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_names(namespace: dict[str, Any], homes: dict[str, str]
               ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for the package whose globals are ``namespace``.

    ``homes`` maps each lazily loaded name to the module that defines it.

    >>> space = {"__name__": "demo", "__all__": ["sqrt"]}
    >>> getattr_, dir_ = lazy_names(space, {"sqrt": "math"})
    >>> getattr_("sqrt")(9.0), "sqrt" in space
    (3.0, True)
    """
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *namespace.get("__all__", ())})

    return __getattr__, __dir__
