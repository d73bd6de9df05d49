"""Speed of the Markov reference model against a plain numpy loop.

    python benchmarks/markov.py [--customers 1000000] [--json]

Prints customer-periods per second for the model's ``simulate`` and for a
plain numpy loop doing the same transitions (one vectorised draw per period,
the next state by comparing with each row's cumulative probabilities), both
measured in this run, and their ratio.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from sim.engine import replication_seed
from sim.models.markov import simulate
from sim.scenario import load_scenario


def plain_numpy(transition, reward, rate, start, customers, periods, rng):
    """The same chain as a minimal numpy loop, for reference."""
    cumulative = np.cumsum(transition, axis=1)
    state = np.full(customers, start)
    value = np.zeros(customers)
    factor = 1.0
    for _ in range(periods):
        value += reward[state] * factor
        draws = rng.random(customers)
        state = (draws[:, None] >= cumulative[state]).sum(axis=1)
        factor /= 1 + rate
    return value


def measure(customers: int) -> dict:
    scenario = load_scenario("markov_migration", [f"markov.customers={customers}"])
    config = scenario.markov
    started = time.perf_counter()
    tables = simulate(scenario, replication_seed(1, 0))
    model_seconds = time.perf_counter() - started
    periods = len(tables["timeseries"])
    transition = np.asarray(config.transition)
    reward = np.asarray(config.reward)
    started = time.perf_counter()
    plain_numpy(transition, reward, config.discount_rate, 0, customers, periods,
                np.random.default_rng(1))
    numpy_seconds = time.perf_counter() - started
    work = customers * periods
    return {
        "customers": customers,
        "periods": periods,
        "model_customer_periods_per_s": work / model_seconds,
        "numpy_customer_periods_per_s": work / numpy_seconds,
        "ratio": numpy_seconds / model_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = measure(args.customers)
    if args.json:
        print(json.dumps(result))
        return
    print(f"{result['customers']:,} customers x {result['periods']} periods")
    print(f"model:       {result['model_customer_periods_per_s']:,.0f} customer-periods/s")
    print(f"plain numpy: {result['numpy_customer_periods_per_s']:,.0f} customer-periods/s")
    print(f"ratio (model / plain numpy): {result['ratio']:.2f}")


if __name__ == "__main__":
    main()
