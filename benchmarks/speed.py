"""Speed and memory for the questions users ask (run on demand, not a test).

    python benchmarks/speed.py [--quick] [--workers 2] [--only model,jobs,memory]

Prints one JSON object; every ratio is taken between two measurements of this
run, so a busy machine slows both sides alike:

- ``heap_matched_ratio``: for the bundled baseline and a large market (5,000
  buyers, 200 suppliers), the model's events per processor second (building
  the market and simulating to the horizon) over a bare SimPy loop with as many live
  processes as the model's event queue holds on average;
- ``cost_per_event_growth``: time per event with buyers and suppliers both x8
  over the baseline's, and ``bare_simpy_growth``, the same for a bare SimPy
  loop with the two markets' numbers of live processes;
- ``compare`` and ``sweep``: the user jobs ``dyadsim compare baseline
  neglect`` (default replications) and a 3x3 ``dyadsim sweep`` of the
  baseline, each as ``seconds`` (the whole command, interpreter start
  included), ``simulation_seconds`` (the same replications on the same number
  of already started workers, nothing kept) and ``multiple`` (their ratio),
  and the same in processor seconds (``cpu_multiple``: the command's
  processes over the workers', which a busy machine does not distort);
- ``memory``: peak resident memory of one replication in a fresh process,
  ``horizon_ratio`` (20 years over 10 years) and ``buyers_ratio`` (twice the
  buyers over once), both of the memory above the process's size after its
  imports (``..._total`` of the whole process).

``--quick`` uses smaller markets and fewer replications (about a minute).
Targets: heap-matched ratio >= 0.5, growth <= 1.25, compare <= 1.3x and under
12 s, sweep <= 1.2x, horizon ratio <= 1.2, buyers ratio <= 2.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import simpy

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.engine import replication_seed  # noqa: E402
from sim.models.lifecycle.market import Market  # noqa: E402
from sim.pool import Stop, WorkerPool  # noqa: E402
from sim.runner import run_replication  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

SWEEP = ("lifecycle.policy.adaptation_hurdle=0.2,0.3,0.4",
         "lifecycle.market.suppliers.capacity=40,60,80")
"""The 3x3 grid of the sweep job."""


def market(buyers: int, suppliers: int) -> tuple[str, ...]:
    """Overrides of the baseline for a market of ``buyers`` and ``suppliers``."""
    return (f"lifecycle.market.buyers.count={buyers}",
            f"lifecycle.market.suppliers.count={suppliers}")


# ---------------------------------------------------------------- the model


def _watch_queue(env: simpy.Environment, every: float, sizes: list[int]):
    """Note the length of the event queue every ``every`` time units."""
    while True:
        sizes.append(len(env._queue))
        yield env.timeout(every)


def simulate(overrides: tuple[str, ...] = ()) -> dict:
    """One replication of the baseline with ``overrides``: events, seconds, mean queue.

    Seconds are this process's processor time, which other work on the
    machine does not lengthen (the bare loop is timed the same way). Events
    are counted from SimPy's own event ids (scheduled minus still queued), so
    the timed run is not slowed by counting; the queue watcher's own events
    are taken off.
    """
    scenario = load_scenario("baseline", overrides=list(overrides))
    seed = replication_seed(scenario.seed, 0)
    start = time.process_time()
    model = Market(scenario, seed)
    sizes: list[int] = []
    model.env.process(_watch_queue(model.env, model.horizon / 500, sizes))
    model.run()
    seconds = time.process_time() - start
    env = model.env
    events = next(env._eid) - len(env._queue) - len(sizes) - 1
    return {"events": events, "seconds": seconds, "events_per_s": events / seconds,
            "live_processes": round(float(np.mean(sizes)))}


def _ticks(env: simpy.Environment, delays: list[float]):
    for delay in delays:
        yield env.timeout(delay)


def bare_simpy(processes: int, events: int = 400_000) -> float:
    """Events per second of a bare SimPy loop: ``processes`` processes of exponential waits."""
    rng = np.random.default_rng(1)
    per_process = max(1, events // processes)
    env = simpy.Environment()
    for _ in range(processes):
        env.process(_ticks(env, rng.exponential(float(processes), per_process).tolist()))
    start = time.process_time()
    env.run()
    seconds = time.process_time() - start
    return processes * (per_process + 1) / seconds


def model_figures(large: tuple[str, ...]) -> dict:
    """``heap_matched_ratio`` for the baseline and ``large``, and ``cost_per_event_growth``."""
    ratios, details = {}, {}
    for name, overrides in (("baseline", ()), ("large", large)):
        run = simulate(overrides)
        bare = bare_simpy(run["live_processes"])
        ratios[name] = round(run["events_per_s"] / bare, 3)
        details[name] = {"overrides": list(overrides), "events": run["events"],
                         "seconds": round(run["seconds"], 2),
                         "events_per_s": round(run["events_per_s"]),
                         "live_processes": run["live_processes"],
                         "bare_simpy_events_per_s": round(bare)}
    one, eight = simulate(), simulate(market(8 * 300, 8 * 12))
    growth = (eight["seconds"] / eight["events"]) / (one["seconds"] / one["events"])
    # the same growth of a bare SimPy loop whose queue grows as the model's does
    bare_growth = bare_simpy(one["live_processes"]) / bare_simpy(eight["live_processes"])
    details["x8"] = {"overrides": list(market(8 * 300, 8 * 12)), "events": eight["events"],
                     "seconds": round(eight["seconds"], 2),
                     "live_processes": eight["live_processes"],
                     "baseline_live_processes": one["live_processes"]}
    return {"heap_matched_ratio": ratios, "cost_per_event_growth": round(growth, 3),
            "bare_simpy_growth": round(bare_growth, 3), "markets": details}


# ---------------------------------------------------------------- user jobs


def _simulate_only(scenarios, seed: int, replications: int, item: int):
    """Replication ``item % replications`` of scenario ``item // replications``; nothing kept.

    Returns its error (None) and the processor seconds it took.
    """
    if item < 0:  # a worker's first task: says it has started
        return item
    start = time.process_time()
    scenario = scenarios[item // replications]
    outcome = run_replication(scenario, seed, item % replications, events=False)
    return outcome.error, time.process_time() - start


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def simulation_seconds(scenarios: list, seed: int, replications: int,
                       workers: int) -> tuple[float, float]:
    """Wall time of the job's replications on ``workers`` started workers, results dropped.

    The clock starts when every worker has returned a first empty task. Also
    returns the processor seconds of the replications themselves.
    """
    task = functools.partial(_simulate_only, tuple(scenarios), seed, replications)
    pool = WorkerPool(task, workers, lambda replication, message: (message, 0.0))
    todo = [-(i + 1) for i in range(workers)] + list(range(len(scenarios) * replications))
    started, warm, cpu = None, 0, 0.0
    for outcome in pool.outcomes(todo, Stop()):
        if isinstance(outcome, int):
            warm += 1
            if warm == workers:
                started = time.perf_counter()
            continue
        error, seconds = outcome
        if error is not None:
            raise RuntimeError(f"a replication failed:\n{error}")
        cpu += seconds
    return time.perf_counter() - (started or time.perf_counter()), cpu


def command_seconds(args: list[str]) -> tuple[float, float]:
    """Wall time and processor seconds of ``dyadsim ARGS`` in a fresh interpreter.

    Both include the interpreter's start and the worker processes.
    """
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "sim.cli", *args], cwd=ROOT, check=True,
                   capture_output=True, text=True)
    return time.perf_counter() - start, _children_cpu() - cpu


def _job(command: tuple[float, float], simulation: tuple[float, float]) -> dict:
    """A job's seconds, its simulation's, and their ratio (also in processor seconds).

    On a machine busy with other work the wall-time multiple is noisy; the
    processor-seconds multiple is not slowed by others.
    """
    (seconds, cpu), (simulated, simulated_cpu) = command, simulation
    return {"seconds": round(seconds, 2), "simulation_seconds": round(simulated, 2),
            "multiple": round(seconds / simulated, 3),
            "cpu_seconds": round(cpu, 2), "simulation_cpu_seconds": round(simulated_cpu, 2),
            "cpu_multiple": round(cpu / simulated_cpu, 3)}


def job_figures(workers: int, replications: int | None) -> dict:
    """The ``compare`` and ``sweep`` jobs against their pure simulation time."""
    from analysis.sweep import grid

    count = ["-n", str(replications)] if replications else []
    pair = [load_scenario(name) for name in ("baseline", "neglect")]
    reps = replications or pair[0].replications
    points = [load_scenario("baseline", overrides=p.overrides) for p in grid(SWEEP)]
    sweep_reps = replications or points[0].replications
    with tempfile.TemporaryDirectory() as folder:
        compare = command_seconds(["compare", "baseline", "neglect", *count, "-w", str(workers),
                                   "-q", "-o", f"{folder}/compare"])
        vary = [arg for text in SWEEP for arg in ("--vary", text)]
        sweep = command_seconds(["sweep", "baseline", *vary, *count, "-w", str(workers), "-q",
                                 "-o", f"{folder}/sweep"])
    seed = pair[0].seed
    return {"compare": {**_job(compare, simulation_seconds(pair, seed, reps, workers)),
                        "replications": reps, "scenarios": 2},
            "sweep": {**_job(sweep, simulation_seconds(points, seed, sweep_reps, workers)),
                      "replications": sweep_reps, "points": len(points)},
            "workers": workers}


# ---------------------------------------------------------------- memory


_MEMORY_CODE = """
import sys
sys.path.insert(0, {root!r})
from sim.runner import run_replication
from sim.scenario import load_scenario
import sim.models.lifecycle, pandas, pyarrow

def status(key):
    return float([l.split()[1] for l in open('/proc/self/status') if l.startswith(key)][0])

scenario = load_scenario('baseline', overrides={overrides!r})
before = status('VmRSS')
outcome = run_replication(scenario, scenario.seed, 0, events=False)
assert outcome.error is None, outcome.error
print(before / 1024, status('VmHWM') / 1024)
"""


def peak_memory_mb(overrides: tuple[str, ...]) -> tuple[float, float]:
    """Resident memory (MB) of a fresh process after its imports, and its peak after one run.

    ``VmHWM`` starts afresh at ``exec``; ``ru_maxrss`` would carry over this
    process's size.
    """
    code = _MEMORY_CODE.format(root=str(ROOT), overrides=list(overrides))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    before, peak = (float(x) for x in out.stdout.split()[-2:])
    return before, peak


def memory_figures(buyers: int, suppliers: int) -> dict:
    """Peaks at 10 and 20 years, and at twice the buyers (10 years)."""
    size = market(buyers, suppliers)
    base10, peak10 = peak_memory_mb((*size, "horizon=10 years"))
    base20, peak20 = peak_memory_mb((*size, "horizon=20 years"))
    base2x, peak2x = peak_memory_mb((*market(2 * buyers, suppliers), "horizon=10 years"))
    above10 = peak10 - base10
    return {"horizon_ratio": round((peak20 - base20) / above10, 3),
            "buyers_ratio": round((peak2x - base2x) / above10, 3),
            "horizon_ratio_total": round(peak20 / peak10, 3),
            "buyers_ratio_total": round(peak2x / peak10, 3),
            "peak_mb": {"10y": round(peak10, 1), "20y": round(peak20, 1),
                        "2x_buyers": round(peak2x, 1), "after_imports": round(base10, 1)},
            "market": {"buyers": buyers, "suppliers": suppliers}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller markets and fewer replications (about a minute)")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                        help="workers of the user jobs (default 2)")
    parser.add_argument("--only", default="model,jobs,memory",
                        help="comma-separated parts to measure (model, jobs, memory)")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    result: dict = {"quick": args.quick}
    started = time.perf_counter()
    if "model" in parts:
        result.update(model_figures(market(1000, 40) if args.quick else market(5000, 200)))
    if "jobs" in parts:
        result.update(job_figures(args.workers, 2 if args.quick else None))
    if "memory" in parts:
        result["memory"] = memory_figures(*((300, 12) if args.quick else (1200, 48)))
    result["benchmark_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
