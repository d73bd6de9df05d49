"""The lifecycle market reduced to WKH's case: its theory, and the two reproductions' directions.

The directions are judged on small markets unlike the reproductions' own
(fewer buyers, shorter horizons, and two markets with another memory,
order rate, number of suppliers or entry week), paired over seeds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from reproduce import lifecycle_wkh as wkh
from reproduce import lifecycle_wkh_hysteresis as hysteresis
from reproduce import lifecycle_wkh_transition as transition
from sim.models.lifecycle.preferences import critical_beta

SEEDS = 3


def y_at(suppliers: int, ratio: float, *, gamma: float = wkh.GAMMA, buyers: int = 60,
         years: float = 2.0, extra=()) -> np.ndarray:
    beta = ratio * wkh.beta_c(suppliers, gamma)
    scenario = sim.load_scenario(wkh.BASE, wkh.overrides(
        suppliers, beta, buyers, years,
        extra=(f"lifecycle.relationship.choice.gamma={gamma}", *extra)))
    return transition.measured_y(sim.run(scenario, SEEDS, 5, workers=1))


def won_at(ratio: float, *, gamma: float = wkh.GAMMA, buyers: int = 60, years: float = 4.0,
           extra=()) -> np.ndarray:
    beta = ratio * wkh.beta_c(2, gamma)
    scenario = sim.load_scenario(wkh.BASE, wkh.overrides(
        1, beta, buyers, years, breadth=2,
        extra=(*hysteresis.entrant(hysteresis.MODERATE),
               f"lifecycle.relationship.choice.gamma={gamma}", *extra)))
    return hysteresis.won_share(sim.run(scenario, SEEDS, 6, workers=1))


# ---------------------------------------------------------------- theory


def test_beta_c_is_wkhs_threshold_with_lambda_for_gamma_and_the_outside_option():
    decay = -np.log(0.8)
    assert critical_beta(2, 0.2, 1.0) == pytest.approx(decay * (2 * np.e + 1) / np.e)
    # without the outside option's weight it would be n lambda / v
    assert critical_beta(3, 0.2, 0.5) == pytest.approx(3 * decay / 0.5 * (1 + 1 / (3 * np.e)))


@pytest.mark.parametrize("suppliers", [2, 3])
def test_the_mean_field_is_even_below_beta_c_and_loyal_above(suppliers):
    curve = transition.mean_field_curve(suppliers, [0.5, 0.95, 1.2, 2.0])
    assert curve[:2] == pytest.approx([1 / suppliers] * 2, abs=1e-3)
    assert curve[2] > 1 / suppliers + 0.1 and curve[3] > 0.95


def test_the_two_supplier_mean_field_crosses_its_middle_just_above_beta_c():
    below, above = transition.mean_field_curve(2, [1.05, 1.25])
    assert 0.5 < below < 0.75 < above


def test_y_and_shares_are_read_from_the_suppliers_volume_shares_at_the_horizon():
    pairs = pd.DataFrame({
        "replication": [0, 0, 0, 0, 0], "buyer": ["B1", "B1", "B2", "B2", "B3"],
        "supplier": ["S1", "S2", "S1", "S2", "S1"], "censored": [True, True, True, True, False],
        "volume_share": [0.45, 0.45, 0.8, 0.0, 0.9]})
    y = wkh.y_per_buyer(pairs)
    assert y.loc[(0, "B1")] == pytest.approx(0.5)
    assert y.loc[(0, "B2")] == pytest.approx(1.0)
    assert (0, "B3") not in y.index  # its relationship ended before the horizon


# ---------------------------------------------------------------- directions on small markets


def test_loyalty_appears_above_beta_c_on_a_small_market():
    low, high = y_at(2, 0.5), y_at(2, 2.0)
    assert np.all(low < 0.625) and np.all(high > 0.875)
    assert np.all(high - low > 0.25)


def test_loyalty_appears_above_beta_c_with_four_suppliers_and_a_longer_memory():
    # a short memory (gamma 0.35: about three orders) makes J so noisy that buyers
    # concentrate their shares below beta_c too (y 0.55 at beta_c/2 for 4 suppliers):
    # the mean field needs many orders in memory
    extra = ("lifecycle.market.buyers.order_rate=52",)
    low, high = (y_at(4, ratio, gamma=0.1, years=2.0, extra=extra) for ratio in (0.5, 2.0))
    assert np.all(low < 0.25 + 0.75 / 4) and np.all(high > 1 - 0.75 / 4)


def test_loyal_buyers_stay_while_low_beta_buyers_move_to_the_entrant_on_a_small_market():
    low, high = won_at(0.5), won_at(3.0)
    assert np.all(low > 0.5) and np.all(high < 0.5)


def test_loyal_buyers_stay_with_a_longer_memory_and_a_later_entrant():
    extra = ("lifecycle.entry.times=[156]", "lifecycle.market.buyers.order_rate=40")
    low = won_at(0.5, gamma=0.1, years=5.0, extra=extra)
    high = won_at(3.0, gamma=0.1, years=5.0, extra=extra)
    assert np.all(high < 0.5) and np.all(low - high > 0.2)
