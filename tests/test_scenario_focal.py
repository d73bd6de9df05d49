"""Focal supplier names: one name twice is refused in one line at its place."""

from __future__ import annotations

import pytest

import sim
from sim.scenario import ScenarioError


def test_a_focal_name_given_twice_is_refused_at_the_second(write_yaml):
    path = write_yaml("ours.yaml", """
        extends: baseline
        name: ours
        focal:
          - S1
          - S2
          - S1
        """)
    with pytest.raises(ScenarioError) as refused:
        sim.load_scenario(path)
    assert [str(p) for p in refused.value.problems] == [
        f"{path}:6: focal[2]: 'S1' is named twice (first as focal[0])"]


def test_distinct_focal_names_load_in_their_order(write_yaml):
    path = write_yaml("ours.yaml", "extends: baseline\nname: ours\nfocal: [S2, S1]\n")
    assert sim.load_scenario(path).focal == ["S2", "S1"]


def test_validate_refuses_a_repeated_focal_name_in_one_line_with_exit_2(write_yaml, dyadsim):
    path = write_yaml("ours.yaml", "extends: baseline\nname: ours\nfocal: [S1, S1]\n")
    done = dyadsim("validate", path)
    assert done.returncode == 2
    assert done.stderr.strip() == f"{path}:3: focal[1]: 'S1' is named twice (first as focal[0])"
    assert "Traceback" not in done.stderr
