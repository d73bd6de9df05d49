"""The models dyadsim can run, looked up by the name a scenario gives in ``model:``.

Every model module provides:

- ``simulate(scenario, seed, *, events=False) -> dict[str, pandas.DataFrame]``:
  one replication. ``seed`` is the replication's ``numpy.random.SeedSequence``;
  the result maps table names (``pairs``, ``timeseries`` and, when ``events``
  is true, ``events``) to DataFrames without a ``replication`` column (the
  runner adds it).
- ``summarize(tables, scenario) -> dict``: the JSON-ready summary of the
  combined tables of all replications (each with its ``replication`` column).
- optionally ``VOCABULARY``: the model's own words (for the lifecycle model
  its stages and end reasons), which the runner writes into ``manifest.json``
  so that the analysis reads them from the bundle instead of copying them.

Its section of the scenario file is validated by a pydantic model in a light
module (:data:`CONFIG_MODULES`) that ``sim.scenario`` imports at start-up:
it loads neither SimPy nor the model's processes, which are imported only
when a replication runs (:func:`get_model`).
"""

from __future__ import annotations

import importlib
from types import ModuleType

MODEL_MODULES = {
    "markov": "sim.models.markov",
    "lifecycle": "sim.models.lifecycle",
    "loyalty": "sim.models.loyalty",
}
"""Where each model's simulation lives (imported when a replication runs)."""

CONFIG_MODULES = {
    "markov": "sim.models.markov_config",
    "lifecycle": "sim.models.lifecycle.config",
    "loyalty": "sim.models.loyalty_config",
}
"""Where each model's scenario section is defined (light: no simulation code)."""


def get_model(name: str) -> ModuleType:
    """The module implementing model ``name``."""
    try:
        return importlib.import_module(MODEL_MODULES[name])
    except KeyError:
        known = ", ".join(sorted(MODEL_MODULES))
        raise ValueError(f"unknown model {name!r}; known models: {known}") from None
