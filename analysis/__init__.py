"""Analysis of dyadsim results: statistics, figures, reports, comparisons and sweeps.

Every function takes :class:`sim.results.Results` or the path of a results
bundle, and reads only the bundle's tables (never a model's internals)::

    import analysis
    analysis.key_figures("results/baseline")        # means with 95% intervals
    analysis.replication_metrics("results/baseline") # one row per replication
    analysis.write_report("results/baseline")       # plots/*.png and report.html
"""

from analysis.metrics import METRICS, key_figures, replication_metrics
from analysis.report import write_report

__all__ = ["METRICS", "key_figures", "replication_metrics", "write_report"]
