"""Checking a replication's shard against the record written last, after its data.

A shard folder holds one replication's tables (``pairs.parquet``,
``timeseries.parquet`` and maybe ``events.parquet``) and ``record.json``:
the run it belongs to (:func:`run_identity`), and each table's row count and
column types. The record is written after the tables and the folder renamed
into place after the record, so a shard whose record is missing is partial,
one whose record names another run is foreign, and one whose files disagree
with its record is damaged; none of them is ever merged.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

__all__ = ["RECORD", "describe_parquet", "run_identity", "shard_problem"]

RECORD = "record.json"


def run_identity(manifest: dict) -> str:
    """A short fingerprint of what a run simulates (scenario, seed, events).

    Two runs with the same identity produce the same shard for the same
    replication; a shard with another identity is foreign to the bundle.
    """
    keys = {name: manifest.get(name) for name in ("scenario", "seed", "events")}
    text = json.dumps(keys, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]



def describe_parquet(file: Path) -> dict:
    """Row count and column types of a parquet file, as its shard record keeps them."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(file)
    return {"rows": parquet.metadata.num_rows,
            "columns": [[f.name, str(f.type)] for f in parquet.schema_arrow]}


def shard_problem(folder: Path, replication: int, identity: str) -> str | None:
    """Why the shard in ``folder`` cannot be used, or None when it is whole and ours."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "incomplete (no record)"
    except (OSError, ValueError):
        return "unreadable record"
    if not isinstance(record, dict) or record.get("replication") != replication:
        return "record of another replication"
    if identity and record.get("run") != identity:
        return "written by another run (other scenario, seed or events)"
    expected = record.get("tables")
    if not isinstance(expected, dict) or not {"pairs", "timeseries"} <= set(expected):
        return "record lists no tables"
    present = {p.stem for p in folder.glob("*.parquet")}
    if present != set(expected):
        missing = sorted(set(expected) - present) or sorted(present - set(expected))
        return f"tables do not match its record ({', '.join(missing)})"
    for name, described in expected.items():
        try:
            actual = describe_parquet(folder / f"{name}.parquet")
        except Exception as error:
            return f"{name}.parquet unreadable ({type(error).__name__})"
        if actual["rows"] != described.get("rows"):
            return (f"{name}.parquet has {actual['rows']} rows, "
                    f"its record says {described.get('rows')}")
        if actual["columns"] != described.get("columns"):
            return f"{name}.parquet columns differ from its record"
    return None
