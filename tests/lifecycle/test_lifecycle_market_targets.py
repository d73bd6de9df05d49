"""The default market's targets (docs/model.md, "The default market"), measured on the baseline.

Each figure is averaged over a few replications of the bundled ``baseline``
(its own seed) and judged by its 95% interval from the standard error across
them. A target the model does not meet yet is a strict xfail that states
what was measured, so it turns into a failure the day it holds.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest
from lifecycle_runs import interval

from sim.engine import replication_seed
from sim.models.lifecycle import simulate
from sim.scenario import load_scenario

REPLICATIONS = 3
YEAR = 52.0


def market_figures(pairs: pd.DataFrame, series: pd.DataFrame) -> dict[str, float]:
    """The target figures of one replication.

    ``buying``: share of the buyers at the horizon that buy from at least one
    supplier (a relationship in early or later); ``outside``: the spot
    market's share of spend after the first year; ``instant``: share of pair
    rows that end in the week they were created; ``stretched``: samples in
    which some supplier's accounts ask for more attention than it has.
    """
    at_horizon = pairs[pairs["censored"] & (pairs["end_stage"] != "pre")]
    later = series[series["time"] > YEAR]
    ended = ~pairs["censored"]
    return {
        "buying": at_horizon["buyer"].nunique() / float(series["n_buyers"].iloc[-1]),
        "outside": float(later["share_outside"].mean()),
        "instant": float((ended & (pairs["end"] - pairs["start"] < 1.0)).mean()),
        "stretched": float((series["n_stretched"] > 0).sum()),
    }


@cache
def _baseline(*overrides: str) -> pd.DataFrame:
    scenario = load_scenario("baseline", overrides=list(overrides))
    rows = []
    for replication in range(REPLICATIONS):
        tables = simulate(scenario, replication_seed(scenario.seed, replication))
        rows.append(market_figures(tables["pairs"], tables["timeseries"]))
    return pd.DataFrame(rows)


def test_at_most_a_fifth_of_pair_rows_end_in_the_week_they_are_created():
    mean, low, high = interval(_baseline()["instant"])
    assert high <= 0.20, f"instant endings {mean:.3f} [{low:.3f}, {high:.3f}]"


@pytest.mark.xfail(strict=True, reason=(
    "not yet: about 60% of buyers buy from a supplier at the horizon (20 replications); "
    "many find no known supplier's standard offering worth more than the spot market"))
def test_at_least_four_buyers_in_five_buy_from_a_supplier_at_the_horizon():
    mean, low, high = interval(_baseline()["buying"])
    assert low >= 0.80, f"buyers buying from a supplier {mean:.3f} [{low:.3f}, {high:.3f}]"


@pytest.mark.xfail(strict=True, reason=(
    "not yet: the spot market takes about 55% of spend after the first year (20 replications)"))
def test_the_outside_option_takes_at_most_thirty_percent_of_spend():
    mean, low, high = interval(_baseline()["outside"])
    assert high <= 0.30, f"outside share of spend {mean:.3f} [{low:.3f}, {high:.3f}]"


@pytest.mark.xfail(strict=True, reason=(
    "not yet at the baseline's capacity of 60 units a week: the busiest supplier uses "
    "at most about 90% of it; with a capacity of 25 it binds (see the next test)"))
def test_attention_binds_for_some_supplier_in_the_baseline():
    assert (_baseline()["stretched"] > 0).all()


def test_attention_binds_where_capacity_is_scarce():
    # The same market with much less account-management capacity: suppliers
    # fill up and, when their accounts move on to more demanding stages, are
    # stretched, so every account gets less attention (C11 from overload).
    scarce = _baseline("lifecycle.market.suppliers.capacity=25")
    assert (scarce["stretched"] > 0).all()
    assert scarce["buying"].mean() < _baseline()["buying"].mean()
