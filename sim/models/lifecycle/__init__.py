"""The relationship lifecycle model (Ford 1980): the product's core.

Buyers and suppliers meet through marketing and searches; each relationship
then lives through ``pre``, ``early``, ``development``, ``long_term`` and
``final`` (``stages.py``) until it ends for a recorded reason or is censored
at the horizon. See ``docs/model.md`` for the mechanisms, the functional forms
chosen and how each claim C1-C16 of the model specification is realised.

The model contract (``sim.models``): ``simulate`` runs one replication and
``summarize`` adds nothing to the summary (the key figures are the
analysis's). ``VOCABULARY`` lists
its stages and end reasons (``vocabulary.py``) for the bundle's manifest.

Importing this package (or its ``config``) loads neither SimPy nor the
market: the scenario schema imports the config at start-up, and the market
is imported only when a replication runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.models.lifecycle.config import LifecycleConfig
from sim.models.lifecycle.vocabulary import VOCABULARY

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from sim.models.lifecycle.market import Market

__all__ = ["VOCABULARY", "LifecycleConfig", "run_market", "simulate", "summarize"]


def run_market(scenario, seed: np.random.SeedSequence, *, events: bool = False) -> Market:
    """Run one replication and return the market at the horizon (for inspection)."""
    from sim.models.lifecycle.market import Market

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
    from sim.models.lifecycle.outputs import events_frame

    market = run_market(scenario, seed, events=events)
    tables = {"pairs": market.relationships.records.frame(), "timeseries": market.sampler.frame()}
    if events:
        tables["events"] = events_frame(market.log)
    return tables


def summarize(tables: dict[str, pd.DataFrame], scenario) -> dict:
    """Nothing beyond the tables: the lifecycle's key figures are the analysis's.

    Durations (censoring-aware), stage shares, values and their intervals are
    defined once, in :mod:`analysis.metrics`; the report adds them to
    ``summary.json``.
    """
    return {}
