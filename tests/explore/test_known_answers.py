"""Sensitivity indices against known answers, through the same machinery as a simulation study."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from explore.functions import ISHIGAMI_A, ishigami_indices
from explore.study import sensitivity


def indices_of(study, index: str) -> dict[str, tuple[float, float]]:
    rows = study.indices[study.indices["index"] == index]
    return {row.parameter: (row.value, row.conf) for row in rows.itertuples()}


def test_ishigami_sobol_indices_match_the_analytic_values_within_their_intervals(
        ishigami_space, tmp_path):
    study = sensitivity("function:ishigami", ishigami_space, "sobol", 1024,
                                replications=1, seed=3, conf_level=0.99, workers=1,
                                out=tmp_path / "ishigami")
    assert study.status == "complete"
    analytic = ishigami_indices()
    for index in ("S1", "ST"):
        for name, (value, conf) in indices_of(study, index).items():
            assert abs(value - analytic[index][name]) <= conf, (index, name, value, conf)
    # and the intervals are tight enough to say something: x3 acts only through x1
    s1, st = indices_of(study, "S1"), indices_of(study, "ST")
    assert st["x3"][0] - st["x3"][1] > 0.15 and abs(s1["x3"][0]) < 0.06


def test_morris_effect_of_ishigami_x2_is_its_exact_grid_step(ishigami_space, tmp_path):
    # On 4 levels x2 moves between -pi and pi/3 or -pi/3 and pi, so every elementary
    # effect is a sin^2(pi/3) / (2/3) in absolute value, and its mean has no spread.
    study = sensitivity("function:ishigami", ishigami_space, "morris", 12,
                                replications=1, workers=1, out=tmp_path / "morris")
    mu_star = indices_of(study, "mu_star")
    exact = ISHIGAMI_A * math.sin(math.pi / 3) ** 2 / (2 / 3)
    assert mu_star["x2"][0] == pytest.approx(exact, rel=1e-9)
    assert mu_star["x2"][1] == pytest.approx(0, abs=1e-9)
    assert mu_star["x1"][0] > 1 and mu_star["x3"][0] > 1


def test_a_markov_parameter_that_does_not_enter_the_value_gets_total_index_near_zero(
        markov_space, tmp_path):
    # The number of customers only sets how precisely the mean value is estimated: at 500
    # customers the sampling noise is about 0.5% of the value's variance over the space,
    # so its total index stays below 1%, while margin and discount rate share the rest.
    study = sensitivity("markov_retention", markov_space, "sobol", 64,
                                replications=1, metrics=["customer_value"], workers=1,
                                out=tmp_path / "markov")
    total = indices_of(study, "ST")
    assert total["markov.customers"][0] < 0.01
    assert total["markov.reward[0]"][0] > 0.5
    assert total["markov.discount_rate"][0] > 0.1


def test_results_are_identical_for_one_and_two_workers(markov_space, tmp_path):
    studies = [sensitivity("markov_retention", markov_space, "morris", 4,
                                   replications=2, metrics=["customer_value"],
                                   workers=workers, out=tmp_path / f"w{workers}")
               for workers in (1, 2)]
    one, two = studies
    assert len(one.runs) == 4 * 4 * 2
    pd.testing.assert_frame_equal(one.runs, two.runs)
    pd.testing.assert_frame_equal(one.indices, two.indices)


def test_ishigami_second_order_index_is_the_x1_x3_interaction(ishigami_space, tmp_path):
    # All of Ishigami's interaction is between x1 and x3: S2(x1, x3) = ST(x3), the others 0.
    study = sensitivity("function:ishigami", ishigami_space, "sobol", 1024, replications=1,
                        seed=4, second_order=True, conf_level=0.99, workers=1,
                        out=tmp_path / "s2")
    pairs = study.indices[study.indices["index"] == "S2"]
    s2 = {(row.parameter, row.other): (row.value, row.conf) for row in pairs.itertuples()}
    assert set(s2) == {("x1", "x2"), ("x1", "x3"), ("x2", "x3")}
    expected = {("x1", "x2"): 0.0, ("x1", "x3"): ishigami_indices()["ST"]["x3"],
                ("x2", "x3"): 0.0}
    for pair, (value, conf) in s2.items():
        assert abs(value - expected[pair]) <= conf, (pair, value, conf)
    assert s2[("x1", "x3")][0] - s2[("x1", "x3")][1] > 0.1


@pytest.mark.slow
def test_a_study_on_a_dask_cluster_gives_the_same_tables(markov_space, tmp_path):
    pytest.importorskip("distributed")
    options = {"replications": 2, "metrics": ["customer_value"], "workers": 2}
    local = sensitivity("markov_retention", markov_space, "morris", 4, out=tmp_path / "local",
                        **options)
    dask = sensitivity("markov_retention", markov_space, "morris", 4, out=tmp_path / "dask",
                       executor="dask", **options)
    pd.testing.assert_frame_equal(local.runs, dask.runs)
    pd.testing.assert_frame_equal(local.indices, dask.indices)
