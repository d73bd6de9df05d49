"""Scenario discovery with PRIM, on points where the true box is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explore.discover import experiments, find_boxes, parse_where
from explore.report import write_discovery

pytest.importorskip("ema_workbench")


@pytest.fixture
def known_box():
    """1,000 points uniform on [0, 1]^3; the outcome is high exactly where a > 0.6 and b < 0.3."""
    rng = np.random.default_rng(11)
    x = pd.DataFrame(rng.random((1000, 3)), columns=["a", "b", "c"])
    inside = (x["a"] > 0.6) & (x["b"] < 0.3)
    y = pd.DataFrame({"outcome": np.where(inside, 10.0, 0.0) + rng.random(1000)})
    return x, y, inside


def test_prim_finds_the_true_box_and_leaves_the_idle_parameter_free(known_box):
    x, y, inside = known_box
    found = find_boxes(x, y, parse_where("outcome > 5"), density=0.95)
    assert found.cases == int(inside.sum())
    first = found.boxes[0]
    limits = first.limits.set_index("parameter")
    assert set(limits.index) == {"a", "b"}
    # peeling moves in steps of 5% of the points, so the edges sit within a step of the truth
    assert 0.55 <= limits.loc["a", "low"] <= 0.62 and limits.loc["a", "high"] > 0.99
    assert limits.loc["b", "low"] < 0.01 and 0.28 <= limits.loc["b", "high"] <= 0.35
    assert first.density >= 0.95 and first.coverage >= 0.9
    assert first.mass == pytest.approx(first.coverage * found.cases / 1000 / first.density)
    assert limits.loc["a", "qp_low"] < 1e-6


def test_a_lower_density_target_keeps_more_coverage(known_box):
    x, y, _ = known_box
    strict = find_boxes(x, y, parse_where("outcome > 5"), density=0.95).boxes[0]
    loose = find_boxes(x, y, parse_where("outcome > 5"), density=0.6).boxes[0]
    assert loose.coverage >= strict.coverage and loose.density < strict.density


def test_the_discovery_writes_boxes_trajectory_and_plot(known_box, tmp_path):
    x, y, _ = known_box
    found = find_boxes(x, y, parse_where("outcome >= 5"))
    page = write_discovery(found, tmp_path / "d")
    boxes = pd.read_csv(tmp_path / "d" / "boxes.csv")
    assert set(boxes.loc[boxes["box"] == 1, "parameter"]) == {"a", "b"}
    trajectory = pd.read_csv(tmp_path / "d" / "trajectory.csv")
    assert trajectory["coverage"].iloc[0] == 1.0 and trajectory["chosen"].sum() == 1
    assert trajectory["density"].is_monotonic_increasing or trajectory["density"].iloc[-1] > 0.8
    assert (tmp_path / "d" / "plots" / "peeling_trajectory.png").exists()
    assert "coverage" in page.read_text()


def test_conditions_read_like_comparisons():
    condition = parse_where("reached_final >= 2.5")
    assert (condition.metric, condition.op, condition.threshold) == ("reached_final", ">=", 2.5)
    assert list(condition.holds(pd.Series([1.0, 2.5, np.nan, 3.0]))) == [False, True, False, True]
    with pytest.raises(ValueError, match="write METRIC > NUMBER"):
        parse_where("reached_final is large")


def test_a_condition_that_holds_everywhere_is_refused(known_box):
    x, y, _ = known_box
    with pytest.raises(ValueError, match="holds at every point"):
        find_boxes(x, y, parse_where("outcome > -1"))


def test_a_sweep_index_gives_its_varied_values_and_key_figures(tmp_path):
    index = pd.DataFrame({"point": ["point-001", "point-002"],
                          "lifecycle.policy.adaptation_hurdle": [0.1, 0.5],
                          "bundle": ["a", "b"], "reached_final": [1.0, 3.0],
                          "reached_final_low": [0.5, 2.5], "reached_final_high": [1.5, 3.5]})
    index.to_csv(tmp_path / "index.csv", index=False)
    x, y, labels = experiments(tmp_path)
    assert list(x.columns) == ["lifecycle.policy.adaptation_hurdle"]
    assert list(y.columns) == ["reached_final"] and list(y["reached_final"]) == [1.0, 3.0]
    assert labels == {"lifecycle.policy.adaptation_hurdle": "adaptation hurdle"}
