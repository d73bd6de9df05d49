"""The parts of the classroom app that need no browser: the page, the lesson list, the tables."""

from __future__ import annotations

import re

import pytest

import sim
from classroom.controls import CONTROLS, apply_controls, control_values, start_values
from classroom.ensemble import Ensemble, effects, run_ensemble
from classroom.lessons import lessons
from classroom.views import FORMATS, VIEWS

pytest.importorskip("shiny")

from classroom.app import KEY_FIGURES, _effects, _image, _same, build_app, choices
from classroom.page import page


@pytest.fixture(scope="module")
def html():
    return str(page("neglect", start_values(sim.load_scenario("neglect")), choices("neglect")))


def attributes(html: str, element_id: str) -> dict[str, str]:
    tag = re.search(rf'<input[^>]*id="{element_id}"[^>]*>', html)
    assert tag, element_id
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(0)))


def test_the_lessons_to_pick_are_the_baseline_every_lesson_and_the_scenario_itself(tmp_path):
    found = choices("baseline")
    assert list(found) == ["baseline", *(item.scenario for item in lessons())]
    assert found["neglect"] == next(item.title for item in lessons()
                                    if item.scenario == "neglect")
    own = tmp_path / "mine.yaml"
    own.write_text("extends: baseline\nname: my market\n")
    assert choices(str(own))[str(own)] == "my market"


@pytest.mark.parametrize("item", [c for c in CONTROLS if c.kind == "slider"],
                         ids=lambda c: c.name)
def test_each_slider_spans_its_control_range_from_the_scenario_value(html, item):
    found = attributes(html, item.name)
    start = start_values(sim.load_scenario("neglect"))[item.name]
    assert float(found["data-min"]) == item.low and float(found["data-max"]) == item.high
    assert float(found["data-step"]) == item.step and float(found["data-from"]) == start


def test_the_entry_switch_starts_as_the_scenario_has_it(html):
    assert attributes(html, "entry")["type"] == "checkbox"
    assert "checked" not in attributes(html, "entry")
    on = str(page("competitor_entry", start_values(sim.load_scenario("competitor_entry")),
                  choices("competitor_entry")))
    assert "checked" in attributes(on, "entry")


def test_run_settings_follow_the_change_in_the_sidebar(html):
    change, settings = html.index("Your change"), html.index("Run settings (both runs)")
    for item in CONTROLS:
        where = html.index(f'id="{item.name}"')
        assert (where > settings) is item.shared and where > change, item.name


def test_every_view_has_both_sides_and_a_download_per_format(html):
    for name, heading, _, caption in VIEWS:
        assert heading in html and caption in html
        for side in ("reference", "changed"):
            assert f'id="{name}_{side}"' in html
            for fmt in FORMATS:
                assert f'id="{name}_{side}_{fmt}"' in html
    assert all(f'id="effect_{fmt}"' in html for fmt in FORMATS)
    assert 'id="slides"' in html and 'id="scenario_yaml"' in html


def test_the_page_loads_nothing_from_another_address(html):
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html)


def test_the_app_builds_for_a_bundled_lesson():
    app = build_app("skilled_supplier")
    assert app.ui is not None and callable(app.server)


@pytest.fixture(scope="module")
def tiny_ensemble():
    values = dict(control_values(sim.load_scenario("baseline")), horizon=1, buyers=20,
                  replications=3)
    reference = run_ensemble(apply_controls("baseline", values))
    changed = run_ensemble(apply_controls("baseline", dict(values, distance=1.0)))
    return Ensemble(reference, changed, "baseline", "your change")


def test_the_effect_table_lists_the_key_figures_in_order_with_their_numbers(tiny_ensemble):
    table = str(_effects(tiny_ensemble))
    rows = re.findall(r'<tr[^>]*data-metric="(\w+)"[^>]*>', table)
    assert rows == [metric for metric in KEY_FIGURES if metric in rows]
    assert rows[0] == "early_endings" and "reached_development" in rows
    by_metric = {item.metric: item for item in effects(tiny_ensemble)}
    for metric in rows:
        tag = re.search(rf'<tr[^>]*data-metric="{metric}"[^>]*>', table).group(0)
        assert f'data-value="{by_metric[metric].value:.6g}"' in tag
        assert ('class="clear"' in tag) is by_metric[metric].clear
    assert "<th>baseline</th>" in table and "<th>your change</th>" in table


def test_a_view_without_a_figure_says_why_and_one_with_a_figure_embeds_it():
    from matplotlib.figure import Figure

    assert "Not enough relationships" in str(_image(None, "funnel"))
    figure = Figure()
    figure.add_subplot().plot([0, 1], [0, 1])
    shown = str(_image(figure, "funnel: changed"))
    assert shown.startswith('<img src="data:image/png;base64,') and 'alt="funnel: changed"' in (
        shown)


def test_control_values_count_as_the_same_only_within_rounding():
    assert _same({"a": 1.0, "b": 2.0}, {"a": 1.0 + 1e-12, "b": 2.0})
    assert not _same({"a": 1.0}, {"a": 1.05})
