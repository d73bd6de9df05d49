"""Slide figures and their archive, the effect table's rows, lesson texts and the commands."""

from __future__ import annotations

import io
import math
import zipfile

import numpy as np
import pytest
from matplotlib.figure import Figure

import sim
from classroom.controls import apply_controls, control_values
from classroom.ensemble import Effect, Ensemble, effects, reference_of, run_ensemble
from classroom.lessons import Lesson, lesson, named_parameters, schema_has_path
from classroom.views import SideBySide, _share_limits, save_view, slides_zip, to_bytes

TINY = {"horizon": 1, "buyers": 20, "replications": 3}


@pytest.fixture(scope="module")
def tiny_ensemble():
    values = dict(control_values(sim.load_scenario("baseline")), **TINY)
    reference = run_ensemble(apply_controls("baseline", values))
    changed = run_ensemble(apply_controls("baseline", dict(values, suppliers=4)))
    return Ensemble(reference, changed, "baseline", "fewer suppliers")


def line_figure(xs, ys) -> Figure:
    figure = Figure()
    figure.add_subplot().plot(xs, ys)
    return figure


# ---------------------------------------------------------------- figures


def test_a_figure_is_png_or_svg_bytes_and_nothing_else():
    figure = line_figure([0, 1], [0, 1])
    assert to_bytes(figure, "png").startswith(b"\x89PNG\r\n\x1a\n")
    assert b"<svg" in to_bytes(figure, "svg")[:400]
    with pytest.raises(ValueError, match="format must be one of png, svg, got 'pdf'"):
        to_bytes(figure, "pdf")


def test_the_resolution_sets_the_size_of_a_png():
    figure = line_figure([0, 1], [0, 1])
    small, large = to_bytes(figure, dpi=40), to_bytes(figure, dpi=80)
    width = [int.from_bytes(data[16:20], "big") for data in (small, large)]
    assert width[1] == 2 * width[0]


def test_both_figures_of_a_view_get_the_union_of_their_axis_limits():
    left, right = line_figure([0, 2], [0, 10]), line_figure([1, 5], [-3, 4])
    _share_limits(left, right)
    a, b = left.axes[0], right.axes[0]
    assert a.get_xlim() == b.get_xlim() and a.get_ylim() == b.get_ylim()
    assert a.get_xlim()[0] <= 0 and a.get_xlim()[1] >= 5
    assert a.get_ylim()[0] <= -3 and a.get_ylim()[1] >= 10
    _share_limits(left, None)  # a missing figure leaves the other alone
    assert a.get_xlim() == b.get_xlim()


def test_the_slides_archive_leaves_out_views_that_could_not_be_drawn():
    drawn = line_figure([0, 1], [1, 0])
    views = [SideBySide("funnel", "Stage funnel", "", drawn, None)]
    archive = zipfile.ZipFile(io.BytesIO(slides_zip(views, None)))
    assert sorted(archive.namelist()) == ["funnel-reference.png", "funnel-reference.svg"]
    assert views[0].figure("changed") is None and views[0].figure("reference") is drawn


def test_a_saved_view_gets_every_format_next_to_the_path(tmp_path):
    written = save_view(line_figure([0, 1], [1, 2]), tmp_path / "slides" / "funnel.any")
    assert [path.name for path in written] == ["funnel.png", "funnel.svg"]
    assert all(path.stat().st_size > 1000 for path in written)


# ---------------------------------------------------------------- effects


def effect(low, high):
    return Effect("m", "m", "", 0.0, 0.0, 0.0, low, high, ())


@pytest.mark.parametrize(("low", "high", "clear"), [
    (0.1, 0.5, True), (-0.5, -0.1, True), (-0.1, 0.2, False), (0.0, 0.2, False),
    (math.nan, math.nan, False)])
def test_an_effect_is_clear_only_when_its_interval_excludes_zero(low, high, clear):
    assert effect(low, high).clear is clear


def test_the_effect_table_starts_with_early_endings_and_pairs_the_replications(tiny_ensemble):
    found = effects(tiny_ensemble)
    assert found[0].metric == "early_endings" and len(found[0].cells) == 7
    assert found[0].cells[0] == "relationships ended in pre-relationship or early stage"
    pairs = tiny_ensemble.reference.pairs
    ended = pairs[~pairs["censored"] & pairs["end_stage"].isin(["pre", "early"])]
    assert found[0].reference == pytest.approx(ended.groupby("replication").size().mean())
    metrics = [item.metric for item in found[1:]]
    assert metrics == list(tiny_ensemble.comparison.differences["metric"])
    by_metric = {item.metric: item for item in found}
    development = by_metric["reached_development"]  # defined in every replication of both
    assert development.difference == pytest.approx(development.value - development.reference)
    undefined = [item for item in found if not np.isfinite(item.difference)]
    assert all(item.cells[4] == "-" and not item.clear for item in undefined)


def test_an_ensemble_compares_the_runs_under_their_names(tiny_ensemble):
    comparison = tiny_ensemble.comparison
    assert comparison.paired  # same seeds, same replications
    assert list(comparison.names) == ["baseline", "fewer suppliers"]


def test_a_scenario_that_extends_nothing_or_a_list_is_its_own_reference(tmp_path):
    plain = tmp_path / "plain.yaml"
    plain.write_text("name: plain\nmodel: lifecycle\n")
    assert reference_of(plain) == str(plain)
    assert reference_of("competitor_entry") == "baseline"


# ---------------------------------------------------------------- lessons


TEXT = """# A made-up lesson

## What it shows
Distance ends relationships early. Then it says more.

## How the model produces it
Through `lifecycle.market.suppliers.culture` and `lifecycle.market.suppliers.culture`.

## Things to notice
Nothing at all, and `horizon`.
"""


def test_a_lesson_splits_into_its_sections_and_sums_up_in_its_first_sentence():
    item = Lesson("made_up", "A made-up lesson", TEXT)
    assert list(item.sections) == ["What it shows", "How the model produces it",
                                   "Things to notice"]
    assert item.sections["Things to notice"] == "Nothing at all, and `horizon`."
    assert item.summary == "Distance ends relationships early."
    assert Lesson("x", "x", "no headings here").summary == ""


def test_named_parameters_are_listed_once_in_order_of_appearance():
    assert named_parameters(TEXT) == ["lifecycle.market.suppliers.culture", "horizon"]
    assert named_parameters("`market.buyers` and `lifecycle.` and `seed`") == ["seed"]


@pytest.mark.parametrize(("path", "exists"), [
    ("horizon", True), ("seed", True), ("lifecycle.entry.times", True),
    ("lifecycle.market.buyers.alternative_value.sd", True),
    ("lifecycle.market.buyers.alternative_value.colour", False),
    ("lifecycle", True), ("lifecycles", False), ("", False)])
def test_the_schema_knows_header_fields_nested_sections_and_distribution_parameters(path,
                                                                                     exists):
    assert schema_has_path(path) is exists


def test_an_unknown_lesson_is_none():
    assert lesson("markov_retention") is None and lesson("negelct") is None


def test_the_lessons_command_lists_each_lesson_with_its_summary(capsys):
    from classroom.cli import list_lessons

    list_lessons(None)
    printed = capsys.readouterr().out.splitlines()
    neglect = lesson("neglect")
    row = next(i for i, text in enumerate(printed) if text.startswith("neglect "))
    assert neglect.title in printed[row] and printed[row + 1].strip() == neglect.summary
    assert printed[-1].startswith("Open one in the browser with: dyadsim app NAME")


def test_registering_the_commands_twice_adds_them_once():
    import typer

    from classroom.cli import register

    app = typer.Typer()
    register(app)
    register(app)
    assert sorted(command.name for command in app.registered_commands) == ["app", "lessons"]


def test_a_story_retells_a_relationship_of_the_replication_asked_for(tiny_ensemble):
    from classroom.ensemble import story

    values = dict(control_values(sim.load_scenario("baseline")), **TINY)
    scenario = apply_controls("baseline", values)
    heading, lines = story(scenario, replication=2)
    assert heading.endswith(", replication 2")
    buyer, supplier = heading.split()[1], heading.split()[4].rstrip(",")
    pairs = tiny_ensemble.reference.pairs
    second = pairs[pairs["replication"] == 2]
    assert ((second["buyer"] == buyer) & (second["supplier"] == supplier)).any()
    assert story(scenario, replication=2) == (heading, lines)  # the same seed, the same story
    assert lines[0].startswith("week ") and lines[-1].startswith("in all:")
