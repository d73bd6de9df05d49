"""Sensitivity indices on functions whose indices are known in closed form.

On x uniform on [0, 1]^3: the linear y = 2 x1 + x2 (x3 idle) has S1 = ST = (4/5, 1/5, 0)
and Morris elementary effects that are its slopes times the ranges, without spread; the
product y = x1 x2 has S1 = 3/7 each, ST = 4/7 each and S2(x1, x2) = 1/7.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from explore.design import sample
from explore.functions import ISHIGAMI_A, ISHIGAMI_B, ishigami, ishigami_indices
from explore.indices import COLUMNS, analyse, ranking
from explore.space import Parameter, ParameterSpace

pytest.importorskip("SALib")

SPACE = ParameterSpace(tuple(Parameter(f"x{i}", f"input {i}", "uniform", 0.0, 1.0)
                             for i in (1, 2, 3)))
WIDE = ParameterSpace((Parameter("x1", "input 1", "uniform", -2.0, 3.0),
                       Parameter("x2", "input 2", "uniform", 10.0, 12.0),
                       Parameter("x3", "input 3", "uniform", 0.0, 1.0)))


def indices_for(space, method, samples, outputs: dict, seed=3, **options):
    design = sample(space, method, samples, np.random.default_rng(seed),
                    second_order=options.pop("second_order", False))
    x = design.matrix
    means = pd.DataFrame({name: f(x[:, 0], x[:, 1], x[:, 2]) for name, f in outputs.items()})
    return analyse(space, design, means, list(outputs), np.random.default_rng(seed + 1),
                   **options)


def table(indices, metric, index):
    rows = indices[(indices["metric"] == metric) & (indices["index"] == index)]
    return {row.parameter: (row.value, row.conf) for row in rows.itertuples()}


def within(found, expected):
    for name, (value, conf) in found.items():
        assert abs(value - expected[name]) <= max(conf, 1e-9), (name, value, conf)


@pytest.fixture(scope="module")
def sobol_indices():
    indices, notes = indices_for(SPACE, "sobol", 1024, {
        "linear": lambda a, b, c: 2 * a + b, "product": lambda a, b, c: a * b},
        second_order=True, conf_level=0.99)
    assert notes == []
    return indices


def test_the_table_has_one_row_per_metric_parameter_and_index(sobol_indices):
    assert list(sobol_indices.columns) == COLUMNS
    assert len(sobol_indices) == 2 * (3 * 2 + 3)  # S1 and ST per parameter, S2 per pair
    s2 = sobol_indices[sobol_indices["index"] == "S2"]
    assert set(zip(s2["parameter"], s2["other"], strict=True)) == {("x1", "x2"), ("x1", "x3"),
                                                                   ("x2", "x3")}
    assert (sobol_indices.loc[sobol_indices["index"] != "S2", "other"] == "").all()
    assert np.allclose(sobol_indices["high"] - sobol_indices["low"], 2 * sobol_indices["conf"])
    assert (sobol_indices["conf_level"] == 0.99).all()
    assert set(sobol_indices["name"]) == {"input 1", "input 2", "input 3"}


def test_sobol_indices_of_a_linear_model_are_the_shares_of_its_variance(sobol_indices):
    expected = {"x1": 0.8, "x2": 0.2, "x3": 0.0}
    within(table(sobol_indices, "linear", "S1"), expected)
    within(table(sobol_indices, "linear", "ST"), expected)


def test_sobol_indices_of_a_product_split_into_main_effects_and_one_interaction(sobol_indices):
    within(table(sobol_indices, "product", "S1"), {"x1": 3 / 7, "x2": 3 / 7, "x3": 0.0})
    within(table(sobol_indices, "product", "ST"), {"x1": 4 / 7, "x2": 4 / 7, "x3": 0.0})
    s2 = sobol_indices[(sobol_indices["metric"] == "product") & (sobol_indices["index"] == "S2")]
    pair = s2[(s2["parameter"] == "x1") & (s2["other"] == "x2")].iloc[0]
    assert abs(pair["value"] - 1 / 7) <= pair["conf"]
    assert pair["low"] > 0  # the interaction is told apart from none


def test_morris_effects_of_a_linear_model_are_slope_times_range_without_spread():
    indices, _ = indices_for(WIDE, "morris", 12, {"y": lambda a, b, c: 3 * a - 2 * b})
    mu, mu_star, sigma = (table(indices, "y", name) for name in ("mu", "mu_star", "sigma"))
    assert mu["x1"][0] == pytest.approx(3 * 5) and mu["x2"][0] == pytest.approx(-2 * 2)
    assert mu_star["x2"][0] == pytest.approx(4) and mu_star["x3"][0] == pytest.approx(0)
    assert all(value == pytest.approx(0, abs=1e-9) and conf == pytest.approx(0, abs=1e-9)
               for value, conf in sigma.values())
    assert mu["x1"][1] == pytest.approx(0, abs=1e-9)  # every trajectory has the same effect


def test_morris_spread_is_positive_where_the_effect_depends_on_the_other_inputs():
    indices, _ = indices_for(SPACE, "morris", 30, {"y": lambda a, b, c: a * b + c})
    sigma, mu_star = table(indices, "y", "sigma"), table(indices, "y", "mu_star")
    assert sigma["x1"][0] - sigma["x1"][1] > 0 and sigma["x2"][0] - sigma["x2"][1] > 0
    assert sigma["x3"][0] == pytest.approx(0, abs=1e-9) and mu_star["x3"][0] == pytest.approx(1)
    # the effect of x1 is x2 (times the unit range), whose mean over the grid is 1/2
    assert abs(mu_star["x1"][0] - 0.5) <= mu_star["x1"][1] + 0.1


def test_a_higher_confidence_level_widens_every_interval_by_the_normal_quantiles():
    narrow, _ = indices_for(SPACE, "sobol", 256, {"y": lambda a, b, c: a + b * c},
                            conf_level=0.90)
    wide, _ = indices_for(SPACE, "sobol", 256, {"y": lambda a, b, c: a + b * c},
                          conf_level=0.99)
    assert np.array_equal(narrow["value"], wide["value"])
    ratio = wide["conf"] / narrow["conf"]
    assert ratio.to_numpy() == pytest.approx(2.5758293 / 1.6448536, rel=1e-6)


def test_metrics_that_cannot_be_analysed_are_noted_and_left_out():
    design = sample(SPACE, "morris", 4, np.random.default_rng(1))
    y = design.matrix[:, 0]
    means = pd.DataFrame({"moving": y, "flat": np.full(design.points, 2.5),
                          "gappy": np.where(y > 0.5, np.nan, y)})
    indices, notes = analyse(SPACE, design, means, ["moving", "flat", "gappy", "absent"],
                             np.random.default_rng(2))
    assert set(indices["metric"]) == {"moving"}
    undefined = int(np.isnan(means["gappy"]).sum())
    assert notes == [
        "flat: the same value at every point; no parameter moves it",
        f"gappy: undefined at {undefined} of {design.points} points (for example no "
        "relationship reached the stage it needs); not analysed",
        "absent: not reported by this model"]
    empty, _ = analyse(SPACE, design, means, ["flat"], np.random.default_rng(2))
    assert empty.empty and list(empty.columns) == COLUMNS


def test_the_ranking_orders_parameters_by_the_method_index_with_intervals_beside(
        sobol_indices):
    ranked = ranking(sobol_indices, "linear", "sobol")
    assert ranked["parameter"].tolist() == ["x1", "x2", "x3"]
    assert {"S1", "ST", "S1_conf", "ST_conf", "name"} <= set(ranked.columns)
    assert "S2" not in ranked.columns  # pairs are not ranked
    morris, _ = indices_for(WIDE, "morris", 6, {"y": lambda a, b, c: a + 10 * c})
    assert ranking(morris, "y", "morris")["parameter"].tolist() == ["x3", "x1", "x2"]
    assert ranking(morris, "other", "morris").empty


def test_ishigami_takes_its_textbook_values_at_known_points():
    half = math.pi / 2
    assert ishigami({"x1": half, "x2": half, "x3": 0.0}, None)["y"] == pytest.approx(
        1 + ISHIGAMI_A)
    assert ishigami({"x1": -half, "x2": 0.0, "x3": math.pi}, None)["y"] == pytest.approx(
        -1 - ISHIGAMI_B * math.pi**4)


def test_ishigami_indices_add_up_to_the_whole_variance():
    indices = ishigami_indices()
    interaction = indices["ST"]["x3"]  # x3 acts only with x1
    assert sum(indices["S1"].values()) + interaction == pytest.approx(1.0)
    assert indices["ST"]["x1"] - indices["S1"]["x1"] == pytest.approx(interaction)
    assert indices["S1"] == pytest.approx({"x1": 0.3139, "x2": 0.4424, "x3": 0.0}, abs=1e-4)
    no_interaction = ishigami_indices(b=0.0)
    assert no_interaction["ST"]["x3"] == 0 and no_interaction["S1"]["x1"] == pytest.approx(
        0.5 / (0.5 + ISHIGAMI_A**2 / 8))
