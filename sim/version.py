"""The installed version of dyadsim, in a module of its own.

Anything may import it (the runner writes it into every manifest) without
loading the rest of the package.
"""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("dyadsim")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
