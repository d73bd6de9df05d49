"""Who took the incumbents' business, on runs of the lifecycle model with an entrant.

The split by winner reads the pairs table's ``lost_to``; on a real run its parts
must add up to the incumbents' losses to competitors, and the spot market's part
to their ``outside_option`` endings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from analysis.metrics import key_figures, labelled, metric_info, replication_metrics
from sim.scenario import Scenario

PARTS = ("focal_lost_to_entrants", "focal_lost_to_incumbents")


def market(**extra) -> Scenario:
    """Single-sourcing buyers, five incumbents and two entrants over four years."""
    return Scenario.model_validate({
        "name": "entry", "model": "lifecycle", "horizon": "4 years", "replications": 3,
        "seed": 17, "sample_every": "13w", **extra,
        "lifecycle": {
            "market": {"buyers": {"count": 60, "sourcing_breadth": 1},
                       "suppliers": {"count": 5}},
            "entry": {"times": ["1 year", "2 years"]},
        },
    })


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> sim.Results:
    return sim.run(market(), out=tmp_path_factory.mktemp("entry") / "run", workers=1)


@pytest.fixture(scope="module")
def table(run) -> pd.DataFrame:
    return replication_metrics(run)


def test_losses_to_entrants_and_to_incumbents_make_up_the_losses_to_competitors(table):
    assert table["focal_lost_to_competitors"].notna().all()
    assert np.allclose(table[list(PARTS)].sum(axis=1), table["focal_lost_to_competitors"])


def test_the_spot_markets_part_is_the_share_of_outside_option_endings(run, table):
    pairs = run.pairs[~run.pairs["entrant"].astype(bool) & ~run.pairs["censored"].astype(bool)
                      & run.pairs["end_reason"].astype("string").fillna("").ne("")]
    expected = pairs.groupby("replication")["end_reason"].apply(
        lambda reasons: (reasons == "outside_option").mean() * 100)
    assert np.allclose(table["focal_lost_to_spot_market"], expected)


def test_a_loss_counted_as_to_an_entrant_names_a_supplier_that_entered(run):
    pairs = run.pairs
    entrants = set(zip(pairs["replication"][pairs["entrant"].astype(bool)],
                       pairs["supplier"][pairs["entrant"].astype(bool)], strict=True))
    lost = pairs[~pairs["entrant"].astype(bool) & (pairs["end_reason"] == "competitor")]
    to_entrants = [(r, w) in entrants for r, w in zip(lost["replication"], lost["lost_to"],
                                                       strict=True)]
    assert any(to_entrants), "the entrants took no incumbent's business: the run shows nothing"
    assert set(lost["lost_to"]) <= set(pairs["supplier"])


def test_named_focal_suppliers_label_the_split_with_their_names(tmp_path):
    named = sim.run(market(focal=["S1", "S2"], replications=1), out=tmp_path / "named",
                    workers=1)
    label, unit = labelled(metric_info("focal_lost_to_entrants"), named)
    assert label == "S1, S2's ended relationships lost to entrants"
    assert unit == "% of S1, S2's ended relationships"
    figures = key_figures(named).set_index("metric")
    assert {"focal_lost_to_entrants", "focal_lost_to_spot_market"} <= set(figures.index)


def test_an_unknown_kind_of_winner_is_refused():
    from analysis.focal import lost_to_whom

    with pytest.raises(ValueError, match="one of entrant, incumbent, outside"):
        lost_to_whom("rival")
