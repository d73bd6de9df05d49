"""dyadsim: discrete-event simulation of business-to-business relationships.

The Python API, for notebooks and scripts::

    import sim
    scenario = sim.load_scenario("baseline", overrides=["horizon=5 years"])
    results = sim.run(scenario, replications=20, seed=1, workers=2)
    results.pairs.head()            # one row per relationship per replication
    again = sim.load_results("results/baseline")
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dyadsim")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

from sim.results import Results, load_results
from sim.runner import resume, run
from sim.scenario import Scenario, ScenarioError, load_scenario

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
