"""The models dyadsim can run, looked up by the name a scenario gives in ``model:``.

Every model module provides:

- ``simulate(scenario, seed, *, events=False) -> dict[str, pandas.DataFrame]``:
  one replication. ``seed`` is the replication's ``numpy.random.SeedSequence``;
  the result maps table names (``pairs``, ``timeseries`` and, when ``events``
  is true, ``events``) to DataFrames without a ``replication`` column (the
  runner adds it).
- ``summarize(tables, scenario) -> dict``: the JSON-ready summary of the
  combined tables of all replications (each with its ``replication`` column).

Its section of the scenario file is validated by a pydantic model that
``sim.scenario`` imports from the model's package.
"""

from __future__ import annotations

import importlib
from types import ModuleType

MODEL_MODULES = {
    "markov": "sim.models.markov",
    "lifecycle": "sim.models.lifecycle",
    "loyalty": "sim.models.loyalty",
}


def get_model(name: str) -> ModuleType:
    """The module implementing model ``name``."""
    try:
        return importlib.import_module(MODEL_MODULES[name])
    except KeyError:
        known = ", ".join(sorted(MODEL_MODULES))
        raise ValueError(f"unknown model {name!r}; known models: {known}") from None
