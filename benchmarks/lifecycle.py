"""Speed and memory of the lifecycle model (run on demand, not a test).

    python benchmarks/lifecycle.py [--json] [--quick]

Measures, in one run:

- ``events_per_s``: SimPy events processed per second of a whole replication
  (set-up, simulation and tables), for the bundled baseline and for a large
  market (5,000 buyers, 200 suppliers, 10 years);
- ``bare_simpy_events_per_s``: a bare SimPy timeout loop on the same machine,
  and ``ratio``, the large market's rate over it;
- ``doubling_buyers_time_ratio``: time with 10,000 buyers over time with 5,000;
- ``peak_rss_mb`` of the large market, and ``horizon_memory_ratio``, peak
  memory at 20 years over 10 years without events. Peak memory cannot be reset
  within a process, so each memory figure comes from a fresh subprocess.

Targets: ratio >= 0.5, doubling ratio <= 2.2, memory ratio <= 1.2.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import simpy

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.engine import replication_seed  # noqa: E402
from sim.models.lifecycle.market import Market  # noqa: E402
from sim.models.lifecycle.outputs import events_frame  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402


def count_steps(env: simpy.Environment) -> list[int]:
    """Count the events ``env`` processes from now on (through its public ``step``).

    The returned one-element list holds the count. Counting costs a call per
    event, so timed runs are never counted: an identical run is counted instead.
    """
    count = [0]
    step = env.step

    def counted_step():
        count[0] += 1
        step()

    env.step = counted_step
    return count


def _bare_environment(processes: int) -> simpy.Environment:
    env = simpy.Environment()

    def tick(env):
        while True:
            yield env.timeout(1.0)

    for _ in range(processes):
        env.process(tick(env))
    return env


def bare_simpy(events: int = 500_000, processes: int = 1000) -> float:
    """Events per second of a bare SimPy loop of timeouts."""
    env = _bare_environment(processes)
    start = time.perf_counter()
    env.run(until=events / processes)
    elapsed = time.perf_counter() - start
    counted = _bare_environment(processes)
    count = count_steps(counted)
    counted.run(until=events / processes)
    return count[0] / elapsed


def replication(
    overrides: tuple[str, ...] = (), horizon: str | None = None, count: bool = True
) -> dict:
    """Time one replication of the baseline with ``overrides``; events and seconds.

    Without ``count`` the events are not counted (a memory measurement needs
    only the run).
    """
    settings = list(overrides) + ([f"horizon={horizon}"] if horizon else [])
    scenario = load_scenario("baseline", overrides=settings)
    seed = replication_seed(scenario.seed, 0)
    start = time.perf_counter()
    market = Market(scenario, seed)
    market.run()
    market.relationships.records.frame()
    market.sampler.frame()
    events_frame(market.log)
    seconds = time.perf_counter() - start
    if not count:
        return {"seconds": seconds, "pairs": len(market.relationships.records.frame())}
    # Same seed, same run: the events of the timed run, counted without timing.
    counted = Market(scenario, seed)
    events = count_steps(counted.env)
    counted.run()
    return {"events": events[0], "seconds": seconds, "events_per_s": events[0] / seconds,
            "pairs": len(market.relationships.records.frame())}


def peak_memory_mb(overrides: tuple[str, ...], horizon: str) -> float:
    """Peak resident memory (MB) of a fresh process running one replication.

    Read from ``VmHWM`` in ``/proc/self/status``, which starts afresh at
    ``exec``; ``ru_maxrss`` would carry over the launching process's size.
    """
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r});"
        "from benchmarks.lifecycle import replication;"
        f"replication({tuple(overrides)!r}, {horizon!r}, count=False);"
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return float(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="smaller large market (checks)")
    args = parser.parse_args()
    buyers, suppliers = (5000, 200) if not args.quick else (1000, 40)
    large = (f"lifecycle.market.buyers.count={buyers}",
             f"lifecycle.market.suppliers.count={suppliers}")
    double = (f"lifecycle.market.buyers.count={2 * buyers}",
              f"lifecycle.market.suppliers.count={suppliers}")

    peak_10 = peak_memory_mb(large, "10 years")
    peak_20 = peak_memory_mb(large, "20 years")
    bare = bare_simpy()
    baseline = replication()
    big = replication(large)
    doubled = replication(double, count=False)
    bare_after = bare_simpy()
    bare_rate = (bare + bare_after) / 2
    result = {
        "events_per_s": round(big["events_per_s"]),
        "events_per_s_by_market": {
            "baseline": round(baseline["events_per_s"]),
            "large": round(big["events_per_s"]),
        },
        "bare_simpy_events_per_s": round(bare_rate),
        "ratio": round(big["events_per_s"] / bare_rate, 3),
        "ratio_baseline": round(baseline["events_per_s"] / bare_rate, 3),
        "doubling_buyers_time_ratio": round(doubled["seconds"] / big["seconds"], 3),
        "peak_rss_mb": round(peak_10, 1),
        "horizon_memory_ratio": round(peak_20 / peak_10, 3),
        "peak_rss_mb_20_years": round(peak_20, 1),
        "large_market": {"overrides": list(large), "events": big["events"],
                         "doubled_seconds": round(doubled["seconds"], 2),
                         "seconds": round(big["seconds"], 2), "pairs": big["pairs"]},
        "baseline_market": {"events": baseline["events"],
                            "seconds": round(baseline["seconds"], 2),
                            "pairs": baseline["pairs"]},
        "this_process_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
