"""One vocabulary: stages, end reasons, causes and messages are defined once."""

from __future__ import annotations

import numpy as np
import pytest
from lifecycle_runs import small_scenario

import sim.models.lifecycle as lifecycle
from sim.models.lifecycle import simulate
from sim.models.lifecycle.market import Market
from sim.models.lifecycle.vocabulary import (
    END_REASONS,
    STAGE_NAMES,
    EndCause,
    EndReason,
    EntryCause,
    Stage,
)


@pytest.fixture
def started():
    market = Market(small_scenario(), np.random.SeedSequence(3))
    buyer = market.buyers[0]
    supplier = next(s for s in market.suppliers if all(p.supplier is not s for p in buyer.pairs))
    pair = market.relationships.start(buyer, supplier, EntryCause.SEARCH)
    return market, pair


def test_a_misspelt_end_reason_fails_at_once_and_leaves_the_pair_alive(started):
    market, pair = started
    with pytest.raises(ValueError, match="competiton"):
        market.relationships.end(pair, "competiton")
    assert not pair.ended
    assert pair in market.relationships.active


def test_a_misspelt_end_cause_fails_at_once(started):
    market, pair = started
    with pytest.raises(ValueError, match="too_far"):
        market.relationships.end(pair, EndReason.DISTANCE, "too_far")
    assert not pair.ended


def test_an_ending_records_the_reason_as_plain_text(started):
    market, pair = started
    market.relationships.end(pair, "distance", EndCause.TOO_FAR_APART)
    assert pair.end_reason == "distance"
    assert type(pair.end_reason) is str


def test_the_package_exports_its_stages_and_end_reasons_in_order():
    words = {key: lifecycle.VOCABULARY[key] for key in ("stages", "end_reasons")}
    assert words == {
        "stages": ["pre", "early", "development", "long_term", "final"],
        "end_reasons": [
            "distance", "poor_performance", "dissatisfaction", "competitor",
            "outside_option", "unprofitable", "buyer_exit", "supplier_exit",
        ],
    }
    assert list(STAGE_NAMES) == [stage.label for stage in sorted(Stage)]
    assert list(END_REASONS) == [reason.value for reason in EndReason]


def test_every_table_value_is_a_word_of_the_vocabulary():
    tables = simulate(small_scenario(), np.random.SeedSequence(8), events=True)
    pairs, events = tables["pairs"], tables["events"]
    ended = pairs[~pairs["censored"]]
    assert len(ended) > 0
    assert set(ended["end_reason"]) <= set(END_REASONS)
    assert set(pairs["furthest_stage"]) <= set(STAGE_NAMES)
    endings = events[events["new_stage"] == "ended"]
    assert set(endings["detail"]) <= set(END_REASONS)
    assert set(events.loc[events["new_stage"] != "", "new_stage"]) <= {*STAGE_NAMES, "ended"}
