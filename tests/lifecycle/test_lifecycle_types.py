"""A type checker follows the lifecycle model: the market meets its interface.

Stage, decision and judgement functions receive a ``LifecycleMarket``
(``interface.py``); ``Market`` is its one implementation. mypy checks every
module of the package except ``config/`` (its pydantic sections build
range-checked types at run time, which a static checker cannot read), with
the settings of ``[tool.mypy]`` in ``pyproject.toml``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "sim" / "models" / "lifecycle"


PROBE = textwrap.dedent("""
    from sim.models.lifecycle.interface import LifecycleMarket
    from sim.models.lifecycle.market import Market


    class NoClock:
        horizon: float = 1.0


    def market(value: Market) -> LifecycleMarket:
        return value


    def stranger(value: NoClock) -> LifecycleMarket:
        return value
""")
"""The market converted to its interface (fine), and a class without its members (an error)."""


@pytest.fixture(scope="module")
def errors(tmp_path_factory) -> list[str]:
    """mypy's errors on every model module and on the probe, from one run."""
    folder = tmp_path_factory.mktemp("types")
    probe = folder / "probe.py"
    probe.write_text(PROBE)
    modules = sorted(path for path in PACKAGE.glob("*.py") if path.name != "__init__.py")
    assert len(modules) >= 10
    out, err, _ = mypy_api.run(["--config-file", str(ROOT / "pyproject.toml"),
                                "--cache-dir", str(folder / "cache"),
                                *map(str, modules), str(probe)])
    assert "error: " not in err, err
    return [line for line in out.splitlines() if ": error:" in line]


def test_the_model_modules_type_check(errors):
    assert [line for line in errors if "probe.py" not in line] == []


def test_the_market_satisfies_the_interface_and_a_stranger_does_not(errors):
    # only the stranger fails: the market itself conforms
    probe = [line for line in errors if "probe.py" in line]
    assert len(probe) == 1 and "probe.py:15:" in probe[0], probe
    assert '"NoClock"' in probe[0]
