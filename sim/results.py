"""The results bundle: a folder holding everything a run produced.

Layout::

    manifest.json       scenario (resolved), seed, replications asked and done,
                        status (running, complete, partial, failed), version, times
    pairs.parquet       one row per pair (or customer) per replication
    timeseries.parquet  one row per replication and sample time
    events.parquet      only when events were asked for
    summary.json        key figures of the model
    shards/NNNNN/       one folder per finished replication while a run is not complete

Each replication's tables are written to a temporary folder and renamed into
place in one step, so a shard is either whole or absent: an interrupted run
keeps every finished replication and can be resumed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

__all__ = ["TABLES", "Bundle", "BundleError", "Results", "fresh_folder", "load_results"]

TABLES = ("pairs", "timeseries", "events")


class BundleError(Exception):
    """A results folder cannot be used as asked (exists, is not a bundle, ...)."""


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
    """``base``, or ``base-2``, ``base-3`` ... the first that is missing or empty."""
    candidate, number = Path(base), 1
    while candidate.exists() and any(candidate.iterdir()):
        number += 1
        candidate = candidate.with_name(f"{Path(base).name}-{number}")
    return candidate


def _write_json(path: Path, data: dict) -> None:
    """Write JSON atomically (temporary file, then rename)."""
    text = json.dumps(data, indent=2, default=str, allow_nan=True)
    _atomic_write(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def _atomic_write(path: Path, write) -> None:
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Bundle:
    """Reading and writing one results folder."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @property
    def shards(self) -> Path:
        return self.path / "shards"

    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    def is_bundle(self) -> bool:
        return self.manifest_path.exists()

    def prepare(self, *, force: bool = False) -> None:
        """Make an empty bundle folder; refuse to overwrite a non-empty one unless forced."""
        if self.path.exists() and not self.path.is_dir():
            raise BundleError(f"{self.path} exists and is not a folder")
        if self.path.exists() and any(self.path.iterdir()):
            if not force:
                raise BundleError(
                    f"{self.path} is not empty; use --resume to complete it "
                    "or --force to replace it"
                )
            if not self.is_bundle():
                raise BundleError(f"{self.path} is not a results bundle; refusing to replace it")
            shutil.rmtree(self.path)
        self.shards.mkdir(parents=True, exist_ok=True)

    # -- manifest

    def read_manifest(self) -> dict:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BundleError(f"{self.path} is not a results bundle (no manifest.json)") from None
        except json.JSONDecodeError as error:
            raise BundleError(f"{self.manifest_path}: unreadable: {error}") from None

    def write_manifest(self, manifest: dict) -> None:
        _write_json(self.manifest_path, manifest)

    # -- shards

    def finished(self) -> set[int]:
        """Replications whose shard is complete."""
        if not self.shards.exists():
            return set()
        return {int(p.name) for p in self.shards.iterdir() if p.is_dir() and p.name.isdigit()}

    def write_shard(self, replication: int, tables: dict[str, pd.DataFrame]) -> None:
        """Write one replication's tables and rename them into place in one step."""
        self.shards.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=self.shards, prefix=f".{replication:05d}."))
        try:
            for name, table in tables.items():
                table.to_parquet(tmp / f"{name}.parquet", index=False)
            target = self.shards / f"{replication:05d}"
            if target.exists():
                shutil.rmtree(target)
            os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def read_shards(self, replications) -> dict[str, pd.DataFrame]:
        """Concatenate the shards of ``replications``, in replication order."""
        combined: dict[str, list[pd.DataFrame]] = {}
        for replication in sorted(replications):
            folder = self.shards / f"{replication:05d}"
            for name in TABLES:
                file = folder / f"{name}.parquet"
                if file.exists():
                    combined.setdefault(name, []).append(pd.read_parquet(file))
        return {name: _concat(frames) for name, frames in combined.items()}

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
                tables[name] = pd.read_parquet(file)
        if "pairs" not in tables or "timeseries" not in tables:
            raise BundleError(f"{self.path} has no combined tables yet; resume the run first")
        summary_file = self.path / "summary.json"
        summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
        return Results(manifest, tables["pairs"], tables["timeseries"], tables.get("events"),
                       summary, self.path)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f.columns)]
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)
