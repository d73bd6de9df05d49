"""PRIM on synthetic points whose regions are known, and the points a study or sweep gives it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explore.discover import Condition, discover, experiments, find_boxes, parse_where
from explore.report import write_discovery

pytest.importorskip("ema_workbench")


def uniform_points(count=1000, seed=3, columns=("a", "b", "c")):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.random((count, len(columns))), columns=list(columns)), rng


@pytest.fixture(scope="module")
def two_regions():
    """Cases where a > 0.7, and where b > 0.9 among the rest; c plays no part."""
    x, _ = uniform_points()
    first = x["a"] > 0.7
    second = ~first & (x["b"] > 0.9)
    y = pd.DataFrame({"hit": (first | second).astype(float)})
    return x, y, first, second


@pytest.fixture(scope="module")
def two_boxes(two_regions):
    x, y, *_ = two_regions
    return find_boxes(x, y, parse_where("hit > 0.5"), {"a": "alpha", "b": "beta", "c": "c"},
                      density=0.9)


def limits_of(box):
    return box.limits.set_index("parameter")


def test_after_the_first_box_its_points_are_set_aside_and_the_second_region_is_found(
        two_regions, two_boxes):
    _, _, first, second = two_regions
    found = two_boxes
    assert found.cases == int((first | second).sum()) and found.points == 1000
    assert len(found.boxes) >= 2 and [b.number for b in found.boxes][:2] == [1, 2]
    one, two = (limits_of(box) for box in found.boxes[:2])
    # peeling moves in steps of 5% of the points, so the edges sit within a step of the truth
    assert set(one.index) == {"a"} and 0.63 <= one.loc["a", "low"] <= 0.75
    assert set(two.index) == {"b"} and 0.85 <= two.loc["b", "low"] <= 0.93
    assert all(box.density >= 0.9 and box.dense_enough for box in found.boxes)
    # of the peeled boxes dense enough, the one reported keeps the most coverage
    dense = found.trajectory[found.trajectory["density"] >= 0.9]
    assert found.trajectory.loc[found.chosen, "coverage"] == dense["coverage"].max()
    assert found.boxes[0].coverage == pytest.approx(dense["coverage"].max())
    assert found.boxes[0].coverage + found.boxes[1].coverage == pytest.approx(1.0, abs=0.05)


def test_an_outcome_no_box_explains_gives_one_box_marked_not_dense_enough():
    x, rng = uniform_points(count=400, seed=5)
    y = pd.DataFrame({"luck": (rng.random(400) < 0.3).astype(float)})
    found = find_boxes(x, y, parse_where("luck > 0.5"), density=0.8, boxes=3)
    assert len(found.boxes) == 1
    (box,) = found.boxes
    assert not box.dense_enough and box.density < 0.8
    assert box.density == pytest.approx(found.trajectory["density"].max())


def test_a_larger_smallest_mass_stops_the_peeling_earlier():
    x, _ = uniform_points(count=300)
    y = pd.DataFrame({"hit": (x["a"] > 0.7).astype(float)})
    small = find_boxes(x, y, parse_where("hit > 0.5"), mass_min=0.02)
    large = find_boxes(x, y, parse_where("hit > 0.5"), mass_min=0.5)
    assert large.trajectory["mass"].min() >= 0.5 - 0.05
    assert small.trajectory["mass"].min() < large.trajectory["mass"].min()


def test_points_where_the_metric_is_undefined_are_left_out():
    x, _ = uniform_points(count=400)
    values = np.where(x["a"] > 0.7, 10.0, 0.0)
    values[:50] = np.nan
    found = find_boxes(x, pd.DataFrame({"m": values}), parse_where("m >= 10"),
                       labels={"a": "the a", "b": "the b", "c": "the c"})
    assert found.points == 350 and found.cases == int((values[50:] >= 10).sum())
    assert limits_of(found.boxes[0]).loc["a", "name"] == "the a"


def test_an_unknown_metric_and_a_condition_that_never_holds_are_refused():
    x, _ = uniform_points(count=100)
    y = pd.DataFrame({"m": x["a"]})
    with pytest.raises(ValueError, match="no metric 'n' here; metrics: m"):
        find_boxes(x, y, parse_where("n > 1"))
    with pytest.raises(ValueError, match="m > 2: holds at no point; PRIM needs both"):
        find_boxes(x, y, parse_where("m > 2"))


@pytest.mark.parametrize(("text", "holds"), [
    ("m > 1", [False, False, True]), ("m >= 1", [False, True, True]),
    ("m < 1", [True, False, False]), ("m <= 1", [True, True, False]),
    ("  m>=1e0 ", [False, True, True]), ("m > -.5", [True, True, True])])
def test_each_comparison_holds_where_it_says(text, holds):
    condition = parse_where(text)
    assert list(condition.holds(pd.Series([0.0, 1.0, 2.0]))) == holds


@pytest.mark.parametrize("text", ["m == 1", "m > one", "1 < m", "m >", "two words > 1"])
def test_anything_but_metric_comparison_number_is_refused(text):
    with pytest.raises(ValueError, match="write METRIC > NUMBER"):
        parse_where(text)


def test_a_condition_reads_back_as_written():
    assert str(Condition("reached_final", ">=", 2.0)) == "reached_final >= 2"
    assert str(parse_where("pair_npv<-1.5e3")) == "pair_npv < -1500"


def test_a_study_gives_one_row_per_point_with_the_mean_over_its_replications(
        write_yaml, tmp_path):
    from explore.study import sensitivity

    space = write_yaml("space.yaml", """
        parameters:
          x1: {bounds: [-3.14159, 3.14159], name: first}
          x2: {bounds: [-3.14159, 3.14159]}
          x3: {bounds: [-3.14159, 3.14159]}
        """)
    study = sensitivity("function:noisy_ishigami", space, "morris", 4, replications=3,
                        workers=1, out=tmp_path / "s")
    x, y, labels = experiments(tmp_path / "s")
    assert list(x.columns) == ["x1", "x2", "x3"] and list(y.columns) == ["y"]
    assert len(x) == len(y) == 16 and labels == {"x1": "first", "x2": "x2", "x3": "x3"}
    means = study.runs.groupby("point")["y"].mean().to_numpy()
    assert y["y"].to_numpy() == pytest.approx(means)
    found = discover(tmp_path / "s", f"y > {float(np.median(means))}", density=0.5)
    assert found.points == 16 and found.labels["x1"] == "first"


def test_a_sweep_index_keeps_words_as_words_and_numbers_as_numbers(tmp_path):
    pd.DataFrame({
        "point": ["p1", "p2", "p3", "p4"], "lifecycle.market.buyers.count": ["40", "80", "40",
                                                                             "80"],
        "lifecycle.market.suppliers.culture": ["near", "far", "far", "near"],
        "bundle": ["a", "b", "c", "d"], "reached_final": [1.0, 3.0, 2.0, 4.0],
        "reached_final_low": [0.5] * 4, "reached_final_high": [5.0] * 4,
    }).to_csv(tmp_path / "index.csv", index=False)
    x, y, labels = experiments(tmp_path)
    assert x["lifecycle.market.buyers.count"].tolist() == [40, 80, 40, 80]
    assert x["lifecycle.market.suppliers.culture"].tolist() == ["near", "far", "far", "near"]
    assert list(y.columns) == ["reached_final"]
    assert labels["lifecycle.market.buyers.count"] == "buyers (count)"


def test_the_discovery_page_says_how_many_points_meet_the_condition_and_lists_the_boxes(
        two_boxes, tmp_path):
    found = two_boxes
    page = write_discovery(found, tmp_path / "d").read_text()
    assert f"{found.cases} of 1000 points meet hit &gt; 0.5" in page
    assert len(found.boxes) == 2 and "PRIM found 2 boxes." in page
    assert "alpha" in page and "beta" in page and "quasi-p" in page
    trajectory = pd.read_csv(tmp_path / "d" / "trajectory.csv")
    assert trajectory.loc[trajectory["chosen"], "step"].tolist() == [found.chosen]


@pytest.mark.slow
def test_discover_on_a_real_sweep_finds_low_discounting_and_high_margins(tmp_path, capsys,
                                                                         monkeypatch):
    from sim.cli import main

    monkeypatch.chdir(tmp_path)
    for arguments in (["sweep", "markov_retention", "--set", "markov.customers=200",
                       "--vary", "markov.discount_rate=0.05,0.15,0.3",
                       "--vary", "markov.reward[0]=50,100,150", "-n", "1", "-w", "1",
                       "-o", "sw", "-q"],
                      ["discover", "sw", "--where", "customer_value > 400"]):
        with pytest.raises(SystemExit) as stop:
            main(arguments)
        assert stop.value.code == 0, capsys.readouterr().err
    boxes = pd.read_csv(tmp_path / "sw" / "discover-customer_value" / "boxes.csv")
    first = boxes[boxes["box"] == 1].set_index("parameter")
    # m (1 + d) / (1 + d - r) > 400 at r = 0.8 needs a margin of 100 or more and d <= 0.15
    assert first.loc["markov.discount_rate", "high"] < 0.15
    assert first.loc["markov.reward[0]", "low"] > 50
    assert "3 of 9 points" in capsys.readouterr().out
