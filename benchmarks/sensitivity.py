"""Time of a Morris screening of the baseline market, and the share its reports take.

    python benchmarks/sensitivity.py [--trajectories 10] [--replications 4] [--workers 2]
                                     [--space docs/examples/baseline_space.yaml] [--json]

Runs a Morris study of the ten lifecycle parameters of
``docs/examples/baseline_space.yaml`` on the bundled baseline (r trajectories
of 11 points, each point ``--replications`` times), and prints, measured in
this run: the wall time of the whole study, the time spent simulating and
keeping each replication's metrics, the time of the analysis and of the
figures and report, and ``report_share``: analysis, figures and report over
the whole study (the target is at most 0.10). Also the machine's load at the
start, since the time depends on what else runs.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from explore.study import sensitivity

ROOT = Path(__file__).resolve().parents[1]


def measure(trajectories: int, replications: int, workers: int, space: Path,
            metrics: list[str] | None, out: Path) -> dict:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    started = time.perf_counter()
    study = sensitivity("baseline", space, "morris", trajectories, out=out,
                        replications=replications, workers=workers, metrics=metrics)
    total = time.perf_counter() - started
    timings = study.manifest["timings"]
    reporting = timings.get("analysis", 0.0) + timings.get("figures_and_report", 0.0)
    return {
        "scenario": "baseline",
        "parameters": len(study.space.parameters),
        "trajectories": trajectories,
        "points": study.manifest["points"],
        "replications_per_point": replications,
        "replications": study.manifest["points"] * replications,
        "workers": workers,
        "status": study.status,
        "load_average_at_start": load,
        "seconds": total,
        "evaluation_seconds": timings.get("evaluation", float("nan")),
        "analysis_seconds": timings.get("analysis", float("nan")),
        "figures_and_report_seconds": timings.get("figures_and_report", float("nan")),
        "report_share": reporting / total,
        "seconds_per_replication_per_worker": timings.get("evaluation", float("nan"))
        * workers / (study.manifest["points"] * replications),
        "study": str(study.path),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trajectories", type=int, default=10)
    parser.add_argument("--replications", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--space", type=Path, default=ROOT / "docs/examples/baseline_space.yaml")
    parser.add_argument("--metric", action="append", default=None,
                        help="metrics to analyse (default: the study's own choice)")
    parser.add_argument("--out", type=Path, default=None, help="keep the study in this folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch) / "study"
        result = measure(args.trajectories, args.replications, args.workers, args.space,
                         args.metric, out)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    width = max(len(k) for k in result)
    for key, value in result.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"{key:<{width}}  {shown}")


if __name__ == "__main__":
    main()
