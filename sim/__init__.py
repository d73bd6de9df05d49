"""dyadsim: discrete-event simulation of business-to-business relationships.

The Python API, for notebooks and scripts::

    import sim
    scenario = sim.load_scenario("baseline", overrides=["horizon=5 years"])
    results = sim.run(scenario, replications=20, seed=1, workers=2)
    results.pairs.head()            # one row per relationship per replication
    again = sim.load_results("results/baseline")

The names are loaded on first use, so that importing one part of the package
(``sim.results`` from the analysis, ``sim.scenario`` from an editor plugin)
does not load the runner, the engine and every model with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.lazy import lazy_names

if TYPE_CHECKING:
    from sim.results import Results, load_results
    from sim.runner import resume, run
    from sim.scenario import Scenario, ScenarioError, load_scenario
    from sim.version import __version__

__all__ = [
    "Results",
    "Scenario",
    "ScenarioError",
    "__version__",
    "load_results",
    "load_scenario",
    "resume",
    "run",
]

_HOMES = {
    "Results": "sim.results",
    "load_results": "sim.results",
    "resume": "sim.runner",
    "run": "sim.runner",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "load_scenario": "sim.scenario",
    "__version__": "sim.version",  # reading the installed metadata costs a start-up
}

__getattr__, __dir__ = lazy_names(globals(), _HOMES)
