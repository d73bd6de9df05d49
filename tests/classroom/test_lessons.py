"""Lessons: one per idea of the theory, in four sections, naming only real parameters."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from classroom.lessons import SECTIONS, lesson, lessons, named_parameters, schema_has_path
from sim.scenario import find_scenario

TEACHING = ("high_distance", "attractive_alternatives", "adaptation_hurdle", "neglect",
            "weak_competition", "competitor_entry", "skilled_supplier")
HEADER = {"extends", "name", "description", "model", "horizon", "replications", "seed",
          "sample_every"}


def _set_paths(data, prefix=""):
    """Dotted paths a scenario file sets (a distribution or a list is one value)."""
    if isinstance(data, dict) and "dist" not in data:
        paths = []
        for key, value in data.items():
            if prefix or key not in HEADER:
                paths += _set_paths(value, f"{prefix}.{key}" if prefix else key)
        return paths
    return [prefix]


def test_every_teaching_scenario_has_a_lesson_in_the_order_of_the_claims():
    assert [item.scenario for item in lessons()] == list(TEACHING)


@pytest.mark.parametrize("name", TEACHING)
def test_a_lesson_has_a_title_and_the_four_sections_in_order(name):
    found = lesson(name)
    assert found.title and not found.title.startswith("#")
    assert list(found.sections) == list(SECTIONS)
    assert all(len(body.split()) >= 30 for body in found.sections.values())


@pytest.mark.parametrize("name", TEACHING)
def test_every_parameter_a_lesson_names_exists_in_the_schema(name):
    text = lesson(name).text
    named = named_parameters(text)
    assert named
    assert [path for path in named if not schema_has_path(path)] == []
    # a path written inside other text in backticks would escape the check
    spans = re.findall(r"`([^`]*lifecycle\.[^`]*)`", text)
    assert set(spans) <= set(named)


@pytest.mark.parametrize("name", TEACHING)
def test_a_lesson_names_every_parameter_its_scenario_changes(name):
    data = yaml.safe_load(find_scenario(name).read_text(encoding="utf-8"))
    assert set(_set_paths(data)) <= set(named_parameters(lesson(name).text))


def test_the_schema_check_rejects_paths_that_do_not_exist():
    assert schema_has_path("lifecycle.market.suppliers.count")
    assert schema_has_path("lifecycle.skills.problem_solving.a")  # inside a distribution
    assert not schema_has_path("lifecycle.market.supplier.count")
    assert not schema_has_path("lifecycle.policy.attention.longterm")
    assert named_parameters("raise `lifecycle.policy.adaptation_hurdle` and `distance`") == [
        "lifecycle.policy.adaptation_hurdle"]


def test_lessons_command_lists_every_lesson(dyadsim):
    done = dyadsim("lessons")
    assert done.returncode == 0, done.stderr
    for item in lessons():
        assert item.scenario in done.stdout and item.title in done.stdout


def test_lessons_command_shows_one_lesson(dyadsim):
    done = dyadsim("lessons", "neglect")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Neglect") and "## Things to try" in done.stdout


def test_lessons_command_refuses_an_unknown_lesson_in_one_line(dyadsim):
    done = dyadsim("lessons", "negelct")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "no such lesson" in done.stderr


def test_a_built_wheel_carries_the_lessons_and_the_classroom(tmp_path):
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                    str(tmp_path), str(root)], check=True, capture_output=True, timeout=300)
    [wheel] = tmp_path.glob("dyadsim-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"classroom/lessons/{name}.md" for name in TEACHING} <= names
    assert {"classroom/app.py", "classroom/cli.py"} <= names
