"""The relationship lifecycle model (Ford 1980): the product's core.

Buyers and suppliers meet through marketing and searches; each relationship
then lives through ``pre``, ``early``, ``development``, ``long_term`` and
``final`` (``stages.py``) until it ends for a recorded reason or is censored
at the horizon. See ``docs/model.md`` for the mechanisms, the functional forms
chosen and how each claim C1-C16 of the model specification is realised.

The model contract (``sim.models``): ``simulate`` runs one replication and
``summarize`` condenses the tables of all replications.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.models.lifecycle.config import LifecycleConfig
from sim.models.lifecycle.market import Market
from sim.models.lifecycle.outputs import events_frame
from sim.models.lifecycle.summary import summarize

__all__ = ["LifecycleConfig", "run_market", "simulate", "summarize"]


def run_market(scenario, seed: np.random.SeedSequence, *, events: bool = False) -> Market:
    """Run one replication and return the market at the horizon (for inspection)."""
    market = Market(scenario, seed, events)
    market.run()
    return market


def simulate(
    scenario, seed: np.random.SeedSequence, *, events: bool = False
) -> dict[str, pd.DataFrame]:
    """One replication: ``{"pairs", "timeseries"}`` tables, plus ``"events"`` when asked.

    ``scenario`` carries ``horizon`` and ``sample_every`` (weeks) and the
    ``lifecycle`` section; all randomness comes from ``seed``, so the same
    seed gives identical tables.
    """
    market = run_market(scenario, seed, events=events)
    tables = {"pairs": market.records.frame(), "timeseries": market.sampler.frame()}
    if events:
        tables["events"] = events_frame(market.log)
    return tables
