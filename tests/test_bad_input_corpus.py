"""Every error a user can cause ends with one line, exit code 2 and no traceback.

The command line runs in this process (``sim.cli.main``) on a corpus of
hostile or careless inputs: scenario files that would exhaust the machine,
paths that are not files, values out of range, Rich markup in text, folders
that cannot be written, a full disk, a folder in use, an unreachable Dask
scheduler. Each case gives the text its one line must contain.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import sim.cli
from sim.results import Bundle

MARKOV = """\
name: small
model: markov
replications: 2
seed: 7
markov:
  states: [customer, lost]
  start: customer
  transition:
    - [0.7, 0.3]
    - [0.0, 1.0]
  reward: [10, 0]
  discount_rate: 0.1
  customers: 200
"""

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        sim.cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return stop.value.code, captured.out, captured.err


def _write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# Each case: (set-up returning argv, the text the one line must hold).

RELEASE: list = []
"""What a case holds (a folder's lock) until its test ends."""


def alias_bomb(tmp, monkeypatch):
    return ["validate", _write(tmp, "bomb.yaml", ALIAS_BOMB)], "aliases expand to more than"


def self_alias(tmp, monkeypatch):
    return ["validate", _write(tmp, "self.yaml", "name: &x [*x]\n")], \
        "self.yaml:1: name[0]: an alias refers to a value that contains it"


def self_merge(tmp, monkeypatch):
    return ["validate", _write(tmp, "merge.yaml", "a: &x {b: 1, <<: *x}\n")], "merge.yaml"


def deep_nesting(tmp, monkeypatch):
    text = "name: " + "[" * 500 + "]" * 500 + "\n"
    return ["validate", _write(tmp, "deep.yaml", text)], "nested more than 64 levels deep"


def nul_byte(tmp, monkeypatch):
    return ["validate", _write(tmp, "nul.yaml", "name: a\nmodel: mar\x00kov\n")], \
        "nul.yaml:2: malformed YAML: character '\\x00' is not allowed"


def not_utf8(tmp, monkeypatch):
    return ["validate", _write(tmp, "latin.yaml", b"name: caf\xe9\n")], \
        "latin.yaml:1: cannot read file: not UTF-8 text"


def empty_file(tmp, monkeypatch):
    return ["run", _write(tmp, "empty.yaml", "")], "empty.yaml:1: empty file"


def huge_file(tmp, monkeypatch):
    text = "name: x\ndescription: " + "y" * 1_100_000 + "\n"
    return ["validate", _write(tmp, "huge.yaml", text)], "file larger than 1,000,000 bytes"


def extends_dev_zero(tmp, monkeypatch):
    return ["validate", _write(tmp, "zero.yaml", "extends: /dev/zero\nname: z\n")], \
        "zero.yaml:1: extends: '/dev/zero' is outside the current folder"


def extends_dev_zero_allowed(tmp, monkeypatch):
    monkeypatch.setenv("DYADSIM_EXTENDS_ANYWHERE", "1")
    return ["validate", _write(tmp, "zero.yaml", "extends: /dev/zero\nname: z\n")], \
        "/dev/zero: cannot read: not a regular file"


def extends_foreign_file(tmp, monkeypatch):
    # a real file above the scenario's folder, however deep the temporary folder is
    upward = os.path.relpath("/etc/passwd", tmp)
    return ["validate", _write(tmp, "up.yaml", f"extends: {upward}\nname: z\n")], \
        "is outside the current folder and the scenario's"


def fifo(tmp, monkeypatch):
    path = tmp / "pipe.yaml"
    os.mkfifo(path)
    return ["run", path], "pipe.yaml: cannot read: not a regular file"


def fifo_extends(tmp, monkeypatch):
    os.mkfifo(tmp / "pipe.yaml")
    return ["validate", _write(tmp, "child.yaml", "name: c\nextends: pipe.yaml\n")], \
        "pipe.yaml: cannot read: not a regular file"


def a_folder(tmp, monkeypatch):
    (tmp / "folder.yaml").mkdir()
    return ["validate", tmp / "folder.yaml"], "folder.yaml: cannot read: a folder"


def extends_chain(tmp, monkeypatch):
    for i in range(1000):
        _write(tmp, f"c{i}.yaml", f"extends: c{i + 1}.yaml\n")
    _write(tmp, "c1000.yaml", MARKOV)
    return ["validate", tmp / "c0.yaml"], "extends: a chain of more than 32 files"


def extends_cycle(tmp, monkeypatch):
    _write(tmp, "a.yaml", "name: a\nextends: b.yaml\n")
    return ["validate", _write(tmp, "b.yaml", "extends: a.yaml\n")], \
        "a.yaml:2: extends: cycle: b.yaml -> a.yaml -> b.yaml"


def extends_unknown_name(tmp, monkeypatch):
    return ["validate", _write(tmp, "w.yaml", "extends: baseline_typo\nname: w\n")], \
        "no such file or bundled scenario: 'baseline_typo'"


def infinite_value(tmp, monkeypatch):
    text = MARKOV.replace("discount_rate: 0.1", "discount_rate: .inf")
    return ["run", _write(tmp, "inf.yaml", text)], \
        "inf.yaml:12: markov.discount_rate: must be a finite number"


def too_many_customers(tmp, monkeypatch):
    return ["run", _write(tmp, "m.yaml", MARKOV), "--set", "markov.customers=1000000000"], \
        "markov.customers: must be less than or equal to 10000000"


def horizon_zero(tmp, monkeypatch):
    return ["run", _write(tmp, "m.yaml", MARKOV), "--set", "horizon=0"], \
        "horizon: must be greater than 0"


def horizon_inf(tmp, monkeypatch):
    return ["run", _write(tmp, "m.yaml", MARKOV), "--set", "horizon=.inf"], "horizon"


def a_billion_replications(tmp, monkeypatch):
    return ["run", _write(tmp, "m.yaml", MARKOV), "-n", "1000000000"], \
        "less than or equal to 1000000"


def timeout_zero(tmp, monkeypatch):
    return ["run", _write(tmp, "m.yaml", MARKOV), "--timeout", "0"], \
        "Invalid value for '--timeout'"


def timeout_in_the_file(tmp, monkeypatch):
    return ["run", _write(tmp, "m.yaml", MARKOV + "timeout: .nan\n")], \
        "m.yaml:14: timeout: must be a finite number"


def markup_in_a_set_value(tmp, monkeypatch):
    return ["run", _write(tmp, "m.yaml", MARKOV), "--set", "description=[/x]"], "[/x]"


def markup_in_a_file_name(tmp, monkeypatch):
    return ["validate", _write(tmp, "[red]x.yaml", "name: [\n")], "[red]x.yaml:2: malformed YAML"


def out_under_a_file(tmp, monkeypatch):
    _write(tmp, "file.txt", "x")
    return ["run", _write(tmp, "m.yaml", MARKOV), "-w", "1", "--out", tmp / "file.txt" / "b"], \
        "as a results folder: Not a directory"


def unwritable_folder(tmp, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)  # also for root, whom chmod does not stop
    return ["run", _write(tmp, "m.yaml", MARKOV), "-w", "1", "--out", tmp / "locked" / "b"], \
        "as a results folder: Permission denied"


def full_disk(tmp, monkeypatch):
    def no_space(self, replication, tables, identity=""):
        raise OSError(errno.ENOSPC, "No space left on device", str(self.shard(replication)))

    monkeypatch.setattr(Bundle, "write_shard", no_space)
    return ["run", _write(tmp, "m.yaml", MARKOV), "-w", "1", "--out", tmp / "b"], \
        "No space left on device"


def folder_in_use(tmp, monkeypatch):
    claim = Bundle(tmp / "busy").claim()
    claim.__enter__()  # another run holds the folder until the test ends
    RELEASE.append(lambda: claim.__exit__(None, None, None))
    return ["run", _write(tmp, "m.yaml", MARKOV), "-w", "1", "--out", tmp / "busy"], \
        "is in use by another run"


def resume_a_non_bundle(tmp, monkeypatch):
    (tmp / "notes").mkdir()
    return ["run", "--resume", tmp / "notes"], "is not a results bundle"


def scheduler_without_dask(tmp, monkeypatch):
    return ["run", _write(tmp, "m.yaml", MARKOV), "--executor", "local", "--scheduler",
            "tcp://127.0.0.1:1"], "--scheduler needs --executor dask"


def unreachable_scheduler(tmp, monkeypatch):
    import dask

    dask.config.set({"distributed.comm.timeouts.connect": "0.5s"})
    return ["run", _write(tmp, "m.yaml", MARKOV), "--out", tmp / "never",
            "--scheduler", "tcp://127.0.0.1:1"], \
        "cannot connect to the Dask scheduler at tcp://127.0.0.1:1"


def dask_not_installed(tmp, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)
    return ["run", _write(tmp, "m.yaml", MARKOV), "--executor", "dask"], \
        "pip install 'dyadsim[dask]'"


CASES = [alias_bomb, self_alias, self_merge, deep_nesting, nul_byte, not_utf8, empty_file,
         huge_file, extends_dev_zero, extends_dev_zero_allowed, extends_foreign_file, fifo,
         fifo_extends, a_folder, extends_chain, extends_cycle, extends_unknown_name,
         infinite_value, too_many_customers, horizon_zero, horizon_inf, a_billion_replications,
         timeout_zero, timeout_in_the_file,
         markup_in_a_set_value, markup_in_a_file_name, out_under_a_file, unwritable_folder,
         full_disk, folder_in_use, resume_a_non_bundle, scheduler_without_dask,
         unreachable_scheduler, dask_not_installed]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_a_user_error_is_one_line_with_exit_code_2(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DYADSIM_EXTENDS_ANYWHERE", raising=False)
    argv, expected = case(tmp_path, monkeypatch)
    try:
        code, out, err = run_cli(argv, capsys)
    finally:
        while RELEASE:
            RELEASE.pop()()
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, (code, err)
    assert "Traceback" not in err + out
    assert len(lines) == 1, err
    assert expected in lines[0], lines[0]
    assert not (tmp_path / "never").exists()  # nothing is created before the input is checked


def test_a_scenario_named_like_markup_or_a_path_runs_and_stays_under_results(
        tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path, "m.yaml", MARKOV)
    code, out, err = run_cli(["run", path, "-w", "1", "-q", "--set", "name='[/red]'"], capsys)
    assert code == 0, err
    assert "[/red]: 2 of 2 replications, seed 7" in out
    assert (tmp_path / "results" / "red" / "report.html").exists()
    code, out, err = run_cli(["run", path, "-w", "1", "-q", "--set", "name=../../x"], capsys)
    assert code == 0, err
    assert (tmp_path / "results" / "x" / "manifest.json").exists()
    assert not (tmp_path.parent / "x").exists()


def test_when_every_replication_fails_the_command_shows_the_first_error(
        tmp_path, monkeypatch, capsys):
    from sim.models import markov

    def broken(scenario, seed, *, events=False):
        raise ValueError("the chain has no customers")

    monkeypatch.setattr(markov, "simulate", broken)
    path = _write(tmp_path, "m.yaml", MARKOV)
    code, _, err = run_cli(["run", path, "-w", "1", "--out", tmp_path / "b"], capsys)
    assert code == 1
    [line] = err.splitlines()
    assert line == (f"dyadsim: every replication failed; the first, replication 0: ValueError: "
                    f"the chain has no customers (tracebacks in {tmp_path / 'b'}/manifest.json); "
                    f"after a fix, rerun with: dyadsim run --resume {tmp_path / 'b'}")
