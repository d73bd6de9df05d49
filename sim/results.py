"""The results bundle: a folder holding everything a run produced.

Layout::

    manifest.json       scenario (resolved), seed, replications asked and done,
                        status (running, complete, partial, failed), version, times
    pairs.parquet       one row per pair (or customer) per replication
    timeseries.parquet  one row per replication and sample time
    events.parquet      only when events were asked for
    summary.json        key figures of the model
    shards/NNNNN/       one folder per finished replication while a run is not complete
    .lock               held (``flock``) by the one run writing to the folder

Each replication's tables are written to a temporary folder, then a small
record of what was written (run, row counts, columns and types) is written
last, and the folder is renamed into place in one step. A shard is used only
when its record matches its files and the run: a missing, partial, foreign or
corrupt shard is set aside and its replication run again.

Files are created with the user's umask (normally 0644), so colleagues on
shared storage can read them.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.shards import RECORD, describe_parquet, run_identity, shard_problem

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: runs are not locked
    fcntl = None

__all__ = ["TABLES", "Bundle", "BundleError", "Results", "RunFailed", "default_folder",
           "fresh_folder", "load_results", "run_identity"]

TABLES = ("pairs", "timeseries", "events")
LOCK = ".lock"


class BundleError(Exception):
    """A results folder cannot be used as asked (exists, is not a bundle, ...)."""


class RunFailed(Exception):
    """No replication succeeded; the message gives the first failure's error.

    ``manifest`` lists every failure with its traceback; ``path`` is the
    bundle (None without one), which :func:`resume` can complete after a fix.
    """

    def __init__(self, manifest: dict, path: Path | None):
        self.manifest, self.path = manifest, path
        first = manifest["failures"][0] if manifest["failures"] else None
        message = "every replication failed"
        if first:
            message += f"; the first, replication {first['replication']}: " \
                       f"{_last_line(first['traceback'])}"
        super().__init__(message)


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else text



@dataclass
class Results:
    """What a run produced, as pandas DataFrames.

    ``pairs`` and ``timeseries`` always exist; ``events`` is None unless the run
    recorded events. ``manifest`` describes the run; ``summary()`` gives the
    model's key figures.
    """

    manifest: dict
    pairs: pd.DataFrame
    timeseries: pd.DataFrame
    events: pd.DataFrame | None = None
    summary_data: dict = field(default_factory=dict)
    path: Path | None = None

    def summary(self) -> dict:
        """Key figures of the run (what ``summary.json`` holds)."""
        return self.summary_data

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name (``events`` only when recorded)."""
        tables = {"pairs": self.pairs, "timeseries": self.timeseries}
        if self.events is not None:
            tables["events"] = self.events
        return tables

    def equals(self, other: Results) -> bool:
        """True when both hold the same tables and summary (manifests may differ in times)."""
        if set(self.tables) != set(other.tables):
            return False
        same_tables = all(self.tables[n].equals(other.tables[n]) for n in self.tables)
        return same_tables and _jsonable(self.summary_data) == _jsonable(other.summary_data)


def _jsonable(data: dict) -> str:
    return json.dumps(data, sort_keys=True, default=str)


def load_results(path: str | Path) -> Results:
    """Read a results bundle back into :class:`Results`."""
    return Bundle(Path(path)).load()


def fresh_folder(base: Path) -> Path:
    """``base``, or ``base-2``, ``base-3`` ... the first that is missing or an empty folder."""
    candidate, number = Path(base), 1
    while candidate.exists() and (not candidate.is_dir() or any(candidate.iterdir())):
        number += 1
        candidate = candidate.with_name(f"{Path(base).name}-{number}")
    return candidate


def default_folder(name: str, prefix: str = "") -> Path:
    """``results/<name>``, with the name made safe as one folder name inside ``results/``.

    A scenario's name is free text: ``../../x`` or ``a/b`` must not lead out of
    ``results/``, so anything but letters, digits, ``.``, ``_`` and ``-`` becomes
    ``-`` and leading dots go.
    """
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", prefix + name).strip("-.")
    return Path("results") / (slug[:100] or "scenario")


def _temporary(path: Path) -> Path:
    """A fresh name beside ``path`` (created by the writer, so with the user's umask)."""
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def _write_json(path: Path, data: dict) -> None:
    """Write JSON atomically (temporary file, then rename)."""
    text = json.dumps(data, indent=2, default=str, allow_nan=True)
    _atomic_write(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def _atomic_write(path: Path, write) -> None:
    tmp = _temporary(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def describe_error(error: OSError) -> str:
    """An OS error in one line, without Python's ``[Errno N]`` prefix."""
    reason = error.strerror or str(error)
    where = f": {error.filename}" if error.filename else ""
    return f"{reason}{where}"


class Bundle:
    """Reading and writing one results folder."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = None

    @property
    def shards(self) -> Path:
        return self.path / "shards"

    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    def is_bundle(self) -> bool:
        return self.manifest_path.exists()

    def _contents(self) -> list[Path]:
        return [p for p in self.path.iterdir() if p.name != LOCK]

    def check_target(self, *, force: bool = False) -> None:
        """Refuse a target that is a file, a non-empty folder (unless forced) or not a bundle."""
        if self.path.exists() and not self.path.is_dir():
            raise BundleError(f"{self.path} exists and is not a folder")
        if not self.path.exists() or not self._contents():
            return
        if not force:
            raise BundleError(
                f"{self.path} is not empty; use --resume to complete it or --force to replace it"
            )
        if not self.is_bundle():
            raise BundleError(f"{self.path} is not a results bundle; refusing to replace it")

    def prepare(self, *, force: bool = False) -> None:
        """Make an empty bundle folder; refuse to overwrite a non-empty one unless forced."""
        self.check_target(force=force)
        for item in self._contents() if self.path.exists() else ():
            if item.is_dir() and not item.is_symlink():
                shutil.rmtree(item)
            else:
                item.unlink()
        self.shards.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def claim(self) -> Iterator[None]:
        """Own the folder for one run: a second run on it gets a :class:`BundleError`.

        The lock is an OS-level ``flock`` on ``.lock``: the kernel releases it
        when the process ends, however it ends, so a killed run never leaves
        the folder locked.
        """
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            handle = open(self.path / LOCK, "a")  # noqa: SIM115 - held for the whole run
        except OSError as error:
            raise BundleError(f"cannot use {self.path} as a results folder: "
                              f"{describe_error(error)}") from None
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise BundleError(
                        f"{self.path} is in use by another run; wait for it to finish "
                        "or choose another --out"
                    ) from None
            self._lock = handle
            self._remove_leftovers()
            yield
        finally:
            self._lock = None
            handle.close()

    def _remove_leftovers(self) -> None:
        """Temporary files and folders of a run that died (safe: we hold the lock)."""
        for folder in (self.path, self.shards):
            if folder.is_dir():
                for item in folder.glob(".*.tmp"):
                    shutil.rmtree(item, ignore_errors=True) if item.is_dir() else item.unlink()

    # -- manifest

    def read_manifest(self) -> dict:
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError):
            raise BundleError(f"{self.path} is not a results bundle (no manifest.json)") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise BundleError(f"{self.manifest_path}: unreadable: {error}") from None
        except OSError as error:
            raise BundleError(f"{self.manifest_path}: {describe_error(error)}") from None
        if not isinstance(manifest, dict) or not isinstance(manifest.get("scenario"), dict):
            raise BundleError(f"{self.manifest_path}: not the manifest of a run")
        return manifest

    def write_manifest(self, manifest: dict) -> None:
        _write_json(self.manifest_path, manifest)

    # -- shards

    def shard(self, replication: int) -> Path:
        return self.shards / f"{replication:05d}"

    def finished(self) -> set[int]:
        """Replications with a shard folder (whole or not: see :meth:`verified`)."""
        if not self.shards.exists():
            return set()
        return {int(p.name) for p in self.shards.iterdir() if p.is_dir() and p.name.isdigit()}

    def write_shard(self, replication: int, tables: dict[str, pd.DataFrame],
                    identity: str = "") -> None:
        """Write one replication's tables, then its record, and rename them into place."""
        self.shards.mkdir(parents=True, exist_ok=True)
        target = self.shard(replication)
        tmp = _temporary(target)
        tmp.mkdir()
        try:
            for name, table in tables.items():
                table.to_parquet(tmp / f"{name}.parquet", index=False)
            described = {name: describe_parquet(tmp / f"{name}.parquet") for name in tables}
            record = {"replication": replication, "run": identity, "tables": described}
            _write_json(tmp / RECORD, record)  # last: a shard with a record is whole
            if target.exists():
                shutil.rmtree(target)
            os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def verified(self, total: int, identity: str) -> tuple[set[int], dict[int, str]]:
        """Shards that are whole and belong to this run, and what is wrong with the others.

        Only the files' metadata is read (row counts and schema against the
        shard's record); the data itself is checked by :meth:`read_shards`.
        """
        good: set[int] = set()
        problems: dict[int, str] = {}
        for replication in sorted(self.finished()):
            if replication >= total:
                problems[replication] = "not a replication of this run"
                continue
            problem = shard_problem(self.shard(replication), replication, identity)
            if problem:
                problems[replication] = problem
            else:
                good.add(replication)
        return good, problems

    def set_aside(self, replication: int) -> None:
        """Remove a rejected shard, so its replication is run again."""
        shutil.rmtree(self.shard(replication), ignore_errors=True)

    def read_shards(self, replications) -> tuple[dict[str, pd.DataFrame], dict[int, str]]:
        """Concatenate the shards of ``replications``, in replication order.

        Returns the tables and, for each shard that cannot be read, why; those
        are left out, never merged in part.
        """
        combined: dict[str, list[pd.DataFrame]] = {}
        unreadable: dict[int, str] = {}
        for replication in sorted(replications):
            folder = self.shard(replication)
            try:
                frames = {file.stem: pd.read_parquet(file) for file in
                          (folder / f"{name}.parquet" for name in TABLES) if file.exists()}
            except Exception as error:  # any damage in a shard means: run it again
                unreadable[replication] = f"unreadable data ({type(error).__name__})"
                continue
            for name, frame in frames.items():
                combined.setdefault(name, []).append(frame)
        return {name: _concat(frames) for name, frames in combined.items()}, unreadable

    def remove_shards(self) -> None:
        shutil.rmtree(self.shards, ignore_errors=True)

    # -- combined tables

    def write_tables(self, tables: dict[str, pd.DataFrame], *, csv: bool = False) -> None:
        """Write the combined tables atomically (and CSV copies when asked)."""
        for name, table in tables.items():
            _atomic_write(self.path / f"{name}.parquet",
                          lambda tmp, t=table: t.to_parquet(tmp, index=False))
            if csv:
                _atomic_write(self.path / f"{name}.csv",
                              lambda tmp, t=table: t.to_csv(tmp, index=False))

    def write_summary(self, summary: dict) -> None:
        _write_json(self.path / "summary.json", summary)

    def load(self) -> Results:
        manifest = self.read_manifest()
        tables = {}
        for name in TABLES:
            file = self.path / f"{name}.parquet"
            if file.exists():
                try:
                    tables[name] = pd.read_parquet(file)
                except Exception as error:
                    raise BundleError(f"{file}: unreadable ({type(error).__name__})") from None
        if "pairs" not in tables or "timeseries" not in tables:
            raise BundleError(f"{self.path} has no combined tables yet; resume the run first")
        summary_file = self.path / "summary.json"
        try:
            summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
        except (ValueError, OSError) as error:  # JSON or UTF-8 damage, or no longer a file
            raise BundleError(f"{summary_file}: unreadable ({type(error).__name__})") from None
        return Results(manifest, tables["pairs"], tables["timeseries"], tables.get("events"),
                       summary, self.path)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f.columns)]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)
