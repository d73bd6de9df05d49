"""Experiments over parameter spaces: sensitivity analysis and scenario discovery.

Sits above the runner and the analysis (as the reproductions do): it samples
a parameter space with SALib, runs every point through the runner with
common random numbers, keeps each replication's key metrics (the same
metrics as every report), analyses them with SALib and finds, with PRIM, the
regions of the space where an outcome of interest happens::

    import explore
    study = explore.sensitivity("baseline", "space.yaml", "morris", 10,
                                replications=4, out="results/sensitivity-baseline")
    study.indices                       # one row per metric, parameter and index
    found = explore.discover(study.path, "reached_final > 2")
    found.boxes[0].limits               # the restricted parameters of the first box

Neither ``sim`` nor ``analysis`` imports this package. The names are loaded
on first use, so the command line can register its commands without loading
SALib, the runner or the models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.lazy import lazy_names

if TYPE_CHECKING:
    from explore.discover import Discovery, discover
    from explore.space import ParameterSpace, load_space
    from explore.study import Study, StudyInterrupted, load_study, resume_study, sensitivity

__all__ = ["Discovery", "ParameterSpace", "Study", "StudyInterrupted", "discover",
           "load_space", "load_study", "resume_study", "sensitivity"]

_HOMES = {
    "Discovery": "explore.discover",
    "discover": "explore.discover",
    "ParameterSpace": "explore.space",
    "load_space": "explore.space",
    "Study": "explore.study",
    "StudyInterrupted": "explore.study",
    "load_study": "explore.study",
    "resume_study": "explore.study",
    "sensitivity": "explore.study",
}

__getattr__, __dir__ = lazy_names(globals(), _HOMES)
