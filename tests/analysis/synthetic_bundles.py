"""Small synthetic bundles with the lifecycle model's tables, for analysis tests.

The numbers come from a toy process (exponential stage durations, fixed chances
to advance), not from the model: they only need the right columns, plausible
shapes and known structure.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.models.lifecycle.vocabulary import VOCABULARY
from sim.results import Bundle, Results

STAGES = tuple(VOCABULARY["stages"])
MEAN_WEEKS = {"pre": 8.0, "early": 20.0, "development": 60.0, "long_term": 150.0, "final": 400.0}
ADVANCE = {"pre": 0.6, "early": 0.5, "development": 0.5, "long_term": 0.2, "final": 0.0}
REASONS = {
    "pre": (["distance", "unprofitable"], [0.8, 0.2]),
    "early": (["distance", "poor_performance", "competitor"], [0.4, 0.4, 0.2]),
    "development": (["poor_performance", "dissatisfaction", "competitor"], [0.3, 0.3, 0.4]),
    "long_term": (["dissatisfaction", "competitor", "buyer_exit"], [0.3, 0.6, 0.1]),
    "final": (["competitor", "supplier_exit"], [0.8, 0.2]),
}
HORIZON = 260.0


def retention_value(stay: float, reward: float = 100.0, discount: float = 0.1) -> float:
    """Closed-form value of a retention customer: m(1+d)/(1+d-r) (Pfeifer & Carraway)."""
    return reward * (1 + discount) / (1 + discount - stay)


def lifecycle_tables(replication: int, seed: int = 1, pairs_per_replication: int = 120,
                     horizon: float = HORIZON) -> dict[str, pd.DataFrame]:
    """One replication's ``pairs`` and ``timeseries`` tables (with ``replication``)."""
    rng = np.random.default_rng([seed, replication])
    rows = [_pair(rng, horizon) for _ in range(pairs_per_replication)]
    pairs = pd.DataFrame(rows)
    pairs.insert(0, "replication", replication)
    pairs.insert(1, "buyer", rng.integers(0, 40, len(pairs)))
    pairs.insert(2, "supplier", rng.integers(0, 8, len(pairs)))
    pairs.insert(3, "entrant", pairs["supplier"] == 7)
    return {"pairs": pairs, "timeseries": _timeseries(pairs, replication, horizon, rng)}


def _pair(rng: np.random.Generator, horizon: float) -> dict:
    start = float(rng.uniform(0, horizon * 0.9))
    row = {"start": start, "end": np.nan, "censored": False}
    time, stage = start, "pre"
    for stage in STAGES:
        if stage != "pre":
            row[f"t_{stage}"] = time
        time += rng.exponential(MEAN_WEEKS[stage])
        if time >= horizon:
            row.update(censored=True, end_reason=None)
            break
        if rng.random() >= ADVANCE[stage]:
            names, weights = REASONS[stage]
            row.update(end=time, end_reason=str(rng.choice(names, p=weights)))
            break
    rank = STAGES.index(stage)
    row.update(furthest_stage=stage, end_stage=stage)
    observed = min(time, horizon) - start
    revenue = observed * 10.0 * (1 + rank)
    row.update(
        revenue=revenue, cost_to_serve=revenue * 0.5, attention_cost=observed * 2.0,
        investment_buyer=50.0 * (rank >= 2), investment_supplier=80.0 * (rank >= 2),
    )
    npv = revenue * 0.5 - observed * 2.0 - 80.0 * (rank >= 2)
    row.update(
        npv=npv, npv_forecast=npv * 1.1 + rng.normal(0, 50),
        trust=min(1.0, 0.3 + 0.15 * rank + rng.normal(0, 0.05)),
        uncertainty=max(0.0, 0.3 - 0.05 * rank), satisfaction=min(1.0, 0.5 + 0.08 * rank),
        commitment_buyer=0.1 * rank, commitment_supplier=0.12 * rank,
        switching_cost=20.0 * rank, volume_share=min(1.0, 0.1 + 0.2 * rank),
    )
    for later in STAGES[rank + 1:]:
        row[f"t_{later}"] = np.nan
    return row


def _timeseries(pairs: pd.DataFrame, replication: int, horizon: float,
                rng: np.random.Generator) -> pd.DataFrame:
    times = np.arange(0.0, horizon + 1e-9, 4.0)
    end = pairs["end"].fillna(np.inf).to_numpy()
    entries = np.column_stack([pairs["start"].to_numpy()]
                              + [pairs[f"t_{s}"].to_numpy() for s in STAGES[1:]])
    entries = np.where(np.isnan(entries), np.inf, entries)
    rows = []
    for time in times:
        active = (pairs["start"].to_numpy() <= time) & (end > time)
        current = (entries <= time).sum(axis=1) - 1
        row = {"replication": replication, "time": time, "n_buyers": 40, "n_suppliers": 8,
               "n_entrants": 1}
        for index, stage in enumerate(STAGES):
            row[f"n_{stage}"] = int(np.sum(active & (current == index)))
        row["n_active"] = int(active.sum())
        engaged = active & (current >= 1)
        entrant = int(np.sum(engaged & pairs["entrant"].to_numpy()))
        total = int(engaged.sum())
        row["share_entrants"] = 0.8 * entrant / total if total else np.nan
        row["share_incumbents"] = 0.8 - row["share_entrants"] if total else np.nan
        row["share_outside"] = 0.2 if total else np.nan
        for index, stage in enumerate(STAGES):
            row[f"trust_{stage}"] = 0.3 + 0.15 * index + rng.normal(0, 0.02)
            row[f"commitment_{stage}"] = 0.1 * index + rng.normal(0, 0.02)
            row[f"satisfaction_{stage}"] = 0.5 + 0.08 * index + rng.normal(0, 0.02)
        row["cumulative_value"] = float(time * 50)
        rows.append(row)
    return pd.DataFrame(rows)


def lifecycle_results(replications: int = 8, seed: int = 1, path: Path | None = None,
                      name: str = "synthetic", horizon: float = HORIZON) -> Results:
    """A lifecycle-shaped :class:`Results`, written as a bundle at ``path`` when given."""
    tables = [lifecycle_tables(r, seed, horizon=horizon) for r in range(replications)]
    pairs = pd.concat([t["pairs"] for t in tables], ignore_index=True)
    timeseries = pd.concat([t["timeseries"] for t in tables], ignore_index=True)
    manifest = {
        "dyadsim_version": "0.1.0", "model": "lifecycle", "seed": seed,
        "replications": replications, "done": replications, "status": "complete",
        "started": "2024-05-01T10:00:00+00:00", "finished": "2024-05-01T10:01:00+00:00",
        "failures": [], "vocabulary": VOCABULARY,
        "scenario": {"name": name, "description": "A synthetic market for testing the analysis.",
                     "model": "lifecycle", "horizon": horizon, "seed": seed,
                     "replications": replications},
    }
    summary = {"scenario": name, "model": "lifecycle", "replications": replications}
    if path is not None:
        bundle = Bundle(Path(path))
        bundle.prepare(force=True)
        bundle.write_tables({"pairs": pairs, "timeseries": timeseries})
        bundle.write_summary(summary)
        bundle.write_manifest(manifest)
        bundle.remove_shards()
        return bundle.load()
    return Results(manifest, pairs, timeseries, None, summary, None)
