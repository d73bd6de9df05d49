"""Reference and changed ensembles on the same seeds, their views and the story."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest

import sim
from classroom.controls import apply_controls, control_values
from classroom.ensemble import Ensemble, early_endings, effects, reference_of, run_ensemble, story
from classroom.views import FORMATS, VIEWS, save_view, side_by_side, slides_zip

SMALL = {"horizon": 3, "buyers": 40, "replications": 6}


def _values(**change):
    return dict(control_values(sim.load_scenario("baseline")), **SMALL, **change)


@pytest.fixture(scope="module")
def reference():
    return run_ensemble(apply_controls("baseline", _values()))


@pytest.fixture(scope="module")
def distant():
    return run_ensemble(apply_controls("baseline", _values(distance=1.0)))


@pytest.fixture(scope="module")
def ensemble(reference, distant):
    return Ensemble(reference, distant, "baseline", "more distance")


def test_more_distance_ends_more_relationships_early_with_an_interval_above_zero(ensemble):
    found = {effect.metric: effect for effect in effects(ensemble)}
    early = found["early_endings"]
    assert early.low > 0 and early.clear and early.cells[-1] == "*"
    assert found["reached_development"].high < 0


def test_both_runs_share_the_seed_so_an_unmoved_change_has_no_effect(reference):
    again = run_ensemble(apply_controls("baseline", _values()))
    assert again.manifest["seed"] == reference.manifest["seed"] == 2024
    same = effects(Ensemble(reference, again, "baseline", "baseline"))
    assert all(effect.difference == 0 for effect in same)


def test_early_endings_count_pre_and_early_endings_per_replication(distant):
    pairs = distant.pairs
    ended = pairs[~pairs["censored"] & pairs["end_stage"].isin(["pre", "early"])]
    expected = ended.groupby("replication").size().astype(float)
    assert early_endings(distant).to_dict() == expected.to_dict()


def test_every_view_is_drawn_for_both_runs_on_common_axes(ensemble):
    views = side_by_side(ensemble)
    assert [view.name for view in views] == [name for name, *_ in VIEWS]
    for view in views:
        assert view.reference is not None and view.changed is not None
        assert view.reference.axes[0].get_title(loc="left").endswith(": baseline")
        assert view.changed.axes[0].get_title(loc="left").endswith(": more distance")
    occupancy = views[-1]
    assert occupancy.reference.axes[0].get_ylim() == occupancy.changed.axes[0].get_ylim()


def test_a_view_saves_as_slide_sized_png_and_svg_with_large_type(ensemble, tmp_path):
    figure = side_by_side(ensemble)[0].changed
    png, svg = save_view(figure, tmp_path / "funnel")
    data = png.read_bytes()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width == 1500 and width / height == pytest.approx(16 / 9, rel=0.002)
    text = svg.read_text()
    assert 'width="720pt" height="405pt"' in text  # 16:9
    assert figure.axes[0].title.get_fontsize() >= 16  # large enough to read on a slide
    assert [path.suffix for path in (png, svg)] == [f".{fmt}" for fmt in FORMATS]


def test_the_slides_zip_holds_each_view_of_both_runs_in_both_formats(ensemble):
    views = side_by_side(ensemble)[1:3]  # two views keep the test quick; the app passes all
    archive = zipfile.ZipFile(BytesIO(slides_zip(views, views[0].reference)))
    expected = {f"{view.name}-{side}.{fmt}" for view in views
                for side in ("reference", "changed") for fmt in FORMATS}
    assert set(archive.namelist()) == expected | {f"effect.{fmt}" for fmt in FORMATS}
    assert archive.read("end_reasons-changed.svg").startswith(b"<?xml")


def test_the_story_tells_a_relationship_of_the_ensembles_first_replication(distant):
    scenario = apply_controls("baseline", _values(distance=1.0))
    heading, lines = story(scenario)
    buyer, supplier = heading.split()[1], heading.split()[4].rstrip(",")
    first = distant.pairs[distant.pairs["replication"] == 0]
    assert ((first["buyer"] == buyer) & (first["supplier"] == supplier)).any()
    assert lines[0].startswith("week ") and lines[-1].startswith("in all:")


def test_a_lesson_is_compared_with_the_scenario_it_extends(tmp_path):
    assert reference_of("high_distance") == "baseline"
    assert reference_of("baseline") == "baseline"
    own = tmp_path / "mine.yaml"
    own.write_text(f"extends: {sim.scenario.find_scenario('neglect').resolve()}\nname: mine\n")
    assert reference_of(own) == "neglect"
    local = tmp_path / "local.yaml"
    local.write_text("extends: mine.yaml\nname: local\n")
    assert reference_of(local) == str(tmp_path / "mine.yaml")
