"""Morris intervals against sampling theory, and the pages and refusals around a study."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from explore.design import sample
from explore.indices import RESAMPLES, _bootstrap_conf, _elementary_effects, analyse
from explore.plots import metric_label, plot_peeling
from explore.space import Parameter, ParameterSpace
from explore.study import sensitivity
from sim.executors import ExecutorError

pytest.importorskip("SALib")

Z95 = stats.norm.ppf(0.975)


def test_bootstrap_half_widths_match_the_standard_errors_of_a_mean_and_a_spread():
    # for n normal effects the mean has standard error s / sqrt(n) and the standard
    # deviation about s / sqrt(2 (n - 1)); the bootstrap agrees to its own resampling noise
    n = 400
    effects = np.random.default_rng(4).normal(3.0, 2.0, size=(n, 2))
    sigma, mu = _bootstrap_conf(effects, np.random.default_rng(5), 0.95)
    spread = effects.std(axis=0, ddof=1)
    noise = 4 / math.sqrt(2 * (RESAMPLES - 1))  # relative error of a bootstrap sd
    assert mu == pytest.approx(Z95 * spread / math.sqrt(n), rel=noise)
    assert sigma == pytest.approx(Z95 * spread / math.sqrt(2 * (n - 1)), rel=noise + 0.05)


def test_identical_effects_have_intervals_of_zero_width():
    sigma, mu = _bootstrap_conf(np.full((20, 3), 1.5), np.random.default_rng(1), 0.95)
    assert np.allclose(sigma, 0) and np.allclose(mu, 0)


def test_each_trajectory_gives_one_elementary_effect_per_parameter_as_salib_counts_them():
    space = ParameterSpace((Parameter("x", "x", "uniform", 0, 2),
                            Parameter("y", "y", "uniform", -1, 1)))
    design = sample(space, "morris", 8, np.random.default_rng(2))
    x = design.matrix
    y = x[:, 0] ** 2 + 3 * x[:, 1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib's spread of a single trajectory has no dof
        effects = _elementary_effects(space.problem(), design, y, np.random.default_rng(3))
    assert effects.shape == (8, 2)
    assert effects[:, 1] == pytest.approx(np.full(8, 3 * 2))  # slope times range
    # x squared moves by (a + 4/3)^2 - a^2 from a = 0 or 2/3, over a step of 2/3 of its range
    assert set(np.round(np.abs(effects[:, 0]), 9)) <= {round(v, 9) for v in (8 / 3, 16 / 3)}
    indices, _ = analyse(space, design, pd.DataFrame({"y": y}), ["y"],
                         np.random.default_rng(3))
    found = indices.set_index(["parameter", "index"])["value"]
    assert found["x", "mu"] == pytest.approx(effects[:, 0].mean())
    assert found["x", "mu_star"] == pytest.approx(np.abs(effects[:, 0]).mean())
    assert found["x", "sigma"] == pytest.approx(effects[:, 0].std(ddof=1))


def test_a_metric_label_comes_from_the_analysis_or_is_the_output_name():
    label, unit = metric_label("customer_value")
    assert label != "customer_value" and unit
    assert metric_label("y") == ("y", "")


def test_the_peeling_figure_rings_the_box_reported():
    trajectory = pd.DataFrame({"coverage": [1.0, 0.8, 0.6], "density": [0.3, 0.6, 0.9],
                               "res_dim": [0, 1, 2], "mass": [1.0, 0.4, 0.2]})
    figure = plot_peeling(trajectory, 1, "y > 5")
    ax = figure.axes[0]
    ringed = ax.collections[-1].get_offsets()
    assert ringed.tolist() == [[0.8, 0.6]]
    assert len(ax.collections) == 4  # one group per number of restricted parameters
    assert ax.get_title(loc="left") == "Boxes where y > 5: PRIM's peeling trajectory"


@pytest.fixture(scope="module")
def sobol_study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sobol")
    (folder / "space.yaml").write_text(
        "parameters:\n" + "".join(f"  x{i}: {{bounds: [-3, 3], name: input {i}}}\n"
                                  for i in (1, 2, 3)))
    return sensitivity("function:ishigami", folder / "space.yaml", "sobol", 64,
                       replications=1, workers=1, second_order=True, out=folder / "s")


def test_a_sobol_page_ranks_by_total_index_and_says_how_to_read_it(sobol_study):
    page = (sobol_study.path / "report.html").read_text()
    assert "sobol study of 3 parameters, 512 points x 1 replication," in page
    assert "ranked by ST" in page and "S1 is the share the parameter explains alone" in page
    assert "Intervals: 95% bootstrap" in page
    assert (sobol_study.path / "plots" / "sobol_y.png").exists()
    assert (sobol_study.indices["index"] == "S2").sum() == 3  # pairs: in the table only
    ranks = sobol_study.indices.query("index == 'ST'").sort_values("value", ascending=False)
    names = ranks["name"].tolist()
    assert page.index(names[0]) < page.index(names[-1])


def test_an_unknown_executor_is_refused_before_anything_is_written(write_yaml, tmp_path):
    space = write_yaml("space.yaml", "parameters:\n  x1: {bounds: [-3, 3]}\n"
                                     "  x2: {bounds: [-3, 3]}\n  x3: {bounds: [-3, 3]}\n")
    with pytest.raises(ExecutorError, match="unknown executor 'cloud'; use 'local' or 'dask'"):
        sensitivity("function:ishigami", space, "morris", 2, out=tmp_path / "s",
                    executor="cloud")
    with pytest.raises(ExecutorError, match="--scheduler needs --executor dask"):
        sensitivity("function:ishigami", space, "morris", 2, out=tmp_path / "s",
                    scheduler="tcp://127.0.0.1:1")
    assert not (tmp_path / "s").exists()
