"""Ctrl-C at any moment of the ``dyadsim`` console script: one line, exit 130, no traceback.

Importing the command line takes most of a second before the command runs.
The command is started with a ``sitecustomize`` that says (in a file) when
Python begins to import ``sim.cli``; the presses are timed from that moment,
so they land while Python imports and after, however loaded the machine is.
(A press before Python has read the console script at all, while Python
itself starts, is Python's own to handle.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from sim.cli_start import INTERRUPTED

ROOT = Path(__file__).resolve().parent.parent
DELAYS = (0.0, 0.05, 0.2, 0.5, 1.0, 1.6)
"""Seconds from the start of the import of ``sim.cli`` to Ctrl-C."""

SITECUSTOMIZE = '''
import os
import sys


class AnnounceTheCommandLine:
    """Write the marker file as the import of sim.cli begins, then step aside."""

    def find_spec(self, name, path=None, target=None):
        if name == "sim.cli":
            sys.meta_path.remove(self)
            with open(os.environ["DYADSIM_TEST_IMPORTING"], "w"):
                pass
        return None


sys.meta_path.insert(0, AnnounceTheCommandLine())
'''


def _console_script(folder: Path) -> Path:
    """The console script as an installer writes it from the entry point in pyproject.toml.

    (Written here rather than taken from the environment, whose copy dates from
    its last install.)
    """
    entry = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["dyadsim"]
    module, function = entry.split(":")
    script = folder / "dyadsim"
    script.write_text(f"import re\nimport sys\nfrom {module} import {function}\n"
                      f"if __name__ == '__main__':\n    sys.exit({function}())\n")
    return script


def _press_ctrl_c(delay: float, args: list[str], folder: Path) -> subprocess.CompletedProcess:
    marker = folder / "importing"
    env = {**os.environ, "PYTHONPATH": str(folder), "DYADSIM_TEST_IMPORTING": str(marker)}
    process = subprocess.Popen([sys.executable, str(_console_script(folder)), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=folder, env=env)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        assert marker.exists(), "the command never imported sim.cli"
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT")
def test_ctrl_c_while_the_command_starts_prints_one_line_and_exits_130(small_markov, tmp_path):
    for number, delay in enumerate(DELAYS):
        folder = tmp_path / f"try{number}"
        folder.mkdir()
        (folder / "sitecustomize.py").write_text(SITECUSTOMIZE)
        done = _press_ctrl_c(delay, ["run", str(small_markov), "-n", "2", "-w", "1", "-q",
                                     "--out", str(folder / "b")], folder)
        where = f"Ctrl-C {delay} s into the import: {done.stderr!r}"
        assert "Traceback" not in done.stderr, where
        assert done.returncode == INTERRUPTED, where
        [line] = done.stderr.strip().splitlines() or [""]
        assert line.startswith("interrupted"), where


def _raise_wrapped_interrupt(command, argv):
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt as interrupt:
        # what a class body's __set_name__ makes of a Ctrl-C during an import
        raise RuntimeError("Error calling __set_name__") from interrupt


def test_an_interrupt_wrapped_in_another_error_is_still_an_interrupt(monkeypatch, capsys):
    import sim.cli

    monkeypatch.setattr(sim.cli, "_invoke", _raise_wrapped_interrupt)
    with pytest.raises(SystemExit) as stop:
        sim.cli.main(["run"])
    assert stop.value.code == INTERRUPTED
    assert capsys.readouterr().err.strip() == "interrupted"


def test_an_error_without_an_interrupt_behind_it_is_not_hidden(monkeypatch):
    import sim.cli

    def fail(command, argv):
        raise RuntimeError("a bug")

    monkeypatch.setattr(sim.cli, "_invoke", fail)
    with pytest.raises(RuntimeError, match="a bug"):
        sim.cli.main(["run"])
