"""Experiments over parameter spaces: sensitivity analysis and scenario discovery.

Sits above the runner and analysis (as the reproductions do): it samples a
parameter space with SALib, runs every point through the runner with common
random numbers, keeps each replication's key metrics (the same metrics as
every report), analyses them with SALib and finds, with PRIM, the regions of
the space where an outcome of interest happens::

    import explore
    study = explore.sensitivity("baseline", "space.yaml", "morris", 10,
                                replications=4, out="results/sensitivity-baseline")
    study.indices                       # one row per metric, parameter and index
    explore.discover(study.path, "reached_final > 2")

Neither ``sim`` nor ``analysis`` imports this package.
"""

from explore.space import ParameterSpace, load_space
from explore.study import Study, StudyInterrupted, load_study, resume_study, sensitivity

__all__ = ["ParameterSpace", "Study", "StudyInterrupted", "load_space", "load_study",
           "resume_study", "sensitivity"]
