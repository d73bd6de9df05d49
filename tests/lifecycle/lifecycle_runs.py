"""Replications of bundled lifecycle scenarios and the figures the behaviour tests compare.

Every scenario runs its replications with the scenario's own seed, so two
scenarios see common random numbers and their per-replication differences
are paired. Results are cached for the session: each scenario runs once.
"""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor
from functools import cache

import numpy as np
import pandas as pd

from sim.engine import replication_seed
from sim.models.lifecycle import simulate
from sim.models.lifecycle.vocabulary import Stage
from sim.scenario import Scenario, load_scenario


def small_scenario(**lifecycle) -> Scenario:
    """A small market over two years (fast), with ``lifecycle`` sections merged in."""
    section = {
        "market": {"buyers": {"count": 40}, "suppliers": {"count": 4}},
        "entry": {"times": ["1 year"], "rate": 0.5},
    }
    for key, value in lifecycle.items():
        section[key] = {**section.get(key, {}), **value}
    return Scenario.model_validate({
        "name": "small", "model": "lifecycle", "horizon": "2 years", "replications": 1,
        "seed": 3, "sample_every": "4w", "lifecycle": section,
    })


RANK = {stage.label: int(stage) for stage in Stage}
WORKERS = 2


def figures(tables: dict[str, pd.DataFrame]) -> dict[str, float]:
    """The figures of one replication that the emergent-behaviour tests compare."""
    pairs, series = tables["pairs"], tables["timeseries"]
    rank = pairs["furthest_stage"].map(RANK)
    ended = ~pairs["censored"]
    long_term = pairs[rank >= RANK["long_term"]]
    final = pairs[rank >= RANK["final"]]
    out = {
        "pairs": float(len(pairs)),
        "distance_ends_pre_early": float(
            ((pairs["end_reason"] == "distance") & (rank <= RANK["early"])).mean()
        ),
        "reach_development": float((rank >= RANK["development"]).mean()),
        "reached_development": float((rank >= RANK["development"]).sum()),
        "reach_long_term": float((rank >= RANK["long_term"]).mean()),
        "reach_final": float((rank >= RANK["final"]).mean()),
        "final_of_long_term": float(len(final) / len(long_term)) if len(long_term) else math.nan,
        "ended_before_long_term_of_ended": float(
            (ended & (rank < RANK["long_term"])).sum() / max(1, ended.sum())
        ),
        "cost_per_revenue_development": float(
            pairs["cost_development"].sum() / pairs["revenue_development"].sum()
        ),
        "cost_per_revenue_long_term": float(
            pairs["cost_long_term"].sum() / pairs["revenue_long_term"].sum()
        ),
        "satisfaction_long_term": float(series["satisfaction_long_term"].mean()),
        "long_term_lost_to_competitor": float((long_term["end_reason"] == "competitor").sum()),
        "final_lost_to_competitor": float((final["end_reason"] == "competitor").sum()),
        "final_lost_otherwise": float(
            (~final["censored"] & (final["end_reason"] != "competitor")).sum()
        ),
        "poor_performance_ends": float((pairs["end_reason"] == "poor_performance").mean()),
    }
    events = tables.get("events")
    if events is not None:
        out.update(_adaptation_figures(events))
    return out


def _adaptation_figures(events: pd.DataFrame) -> dict[str, float]:
    adaptations = events[events["kind"] == "adaptation"]
    starts = events[(events["kind"] == "stage_change") & (events["new_stage"] == "early")]
    spend = adaptations.groupby("stage")["amount"].sum()
    total = spend.sum()
    return {
        "trust_at_adaptation": float(adaptations["trust_before"].mean()),
        "trust_entering_early": float(starts["trust_after"].mean()),
        "uncertainty_at_adaptation": float(adaptations["uncertainty_before"].mean()),
        "uncertainty_entering_early": float(starts["uncertainty_after"].mean()),
        "lowest_trust_at_adaptation": float(adaptations["trust_before"].min()),
        "adaptation_share_development": float(spend.get("development", 0.0) / total),
        "adaptation_share_long_term": float(spend.get("long_term", 0.0) / total),
        "adaptations_before_development": float(
            adaptations["stage"].isin(["pre", "early"]).sum()
        ),
    }


def _one(args) -> dict[str, float]:
    name, replication, overrides, events = args
    scenario = load_scenario(name, overrides=list(overrides))
    return figures(simulate(scenario, replication_seed(scenario.seed, replication), events=events))


@cache
def replicate(
    name: str, replications: int, overrides: tuple[str, ...] = (), events: bool = False
) -> pd.DataFrame:
    """One row of figures per replication of a bundled scenario (cached)."""
    jobs = [(name, r, overrides, events) for r in range(replications)]
    with ProcessPoolExecutor(WORKERS) as pool:
        rows = list(pool.map(_one, jobs))
    return pd.DataFrame(rows)


def paired_interval(base: pd.Series, other: pd.Series) -> tuple[float, float, float]:
    """Mean of ``other - base`` over replications and its 95% confidence interval."""
    difference = (other - base).to_numpy(dtype=float)
    mean = float(difference.mean())
    half = 1.96 * float(difference.std(ddof=1)) / math.sqrt(difference.size)
    return mean, mean - half, mean + half


def interval(values: pd.Series) -> tuple[float, float, float]:
    """Mean over replications and its 95% confidence interval."""
    data = np.asarray(values, dtype=float)
    mean = float(data.mean())
    half = 1.96 * float(data.std(ddof=1)) / math.sqrt(data.size)
    return mean, mean - half, mean + half


def market_overrides(buyers: str, suppliers: str, horizon: str, breadth: str) -> list[str]:
    """Overrides that move the baseline into a market of another size, horizon and sourcing."""
    return [f"lifecycle.market.buyers.count={buyers}",
            f"lifecycle.market.suppliers.count={suppliers}", f"horizon={horizon}",
            f"lifecycle.market.buyers.sourcing_breadth={breadth}"]
